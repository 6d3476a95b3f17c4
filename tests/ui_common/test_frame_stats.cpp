// The frame benchmarks' statistics (nearest-rank quantiles) and the JSON report both print.
#include "bench_report.h"
#include "frame_stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(FrameStats, QuantilesByNearestRank) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i)
    v.push_back(i);
  EXPECT_DOUBLE_EQ(ebm::ui::quantile(v, 0.0), 1);
  EXPECT_DOUBLE_EQ(ebm::ui::quantile(v, 0.5), 51);
  EXPECT_DOUBLE_EQ(ebm::ui::quantile(v, 0.99), 99);
  EXPECT_DOUBLE_EQ(ebm::ui::quantile(v, 1.0), 100);
  EXPECT_DOUBLE_EQ(ebm::ui::quantile({}, 0.5), 0);
}

TEST(FrameStats, SummaryAndJson) {
  const auto s = ebm::ui::summarise({16.0, 17.0, 40.0});
  EXPECT_DOUBLE_EQ(s.p50, 17);
  EXPECT_DOUBLE_EQ(s.max, 40);
  EXPECT_EQ(s.count, 3u);
  ebm::ui::BenchReport r;
  r.intervals("frame_interval_ms", s, 33);
  EXPECT_EQ(r.inlineJson(), "{\"frame_interval_ms\": {\"target\": 33, \"p50\": 17.00, "
                            "\"p99\": 40.00, \"max\": 40.00, \"count\": 3}}");
}

TEST(BenchReport, FieldsInOrderOneALineNestedObjectsInline) {
  ebm::ui::BenchReport arena;
  arena.integer("panes", 4).number("ms", 2.5, 2);
  ebm::ui::BenchReport r;
  r.number("seconds", 60, 0).integer("iterations", 123).object("arena", arena).null("none");
  r.number("nan", std::nan(""));
  EXPECT_EQ(r.json(), "{\n  \"seconds\": 60,\n  \"iterations\": 123,\n"
                      "  \"arena\": {\"panes\": 4, \"ms\": 2.50},\n  \"none\": null,\n"
                      "  \"nan\": null\n}\n");
}

TEST(BenchReport, PublishSaysWhenTheFileCannotBeWritten) {
  ebm::ui::BenchReport r;
  r.integer("n", 1);
  testing::internal::CaptureStdout();
  EXPECT_FALSE(r.publish("/proc/no-such-folder/bench.json"));
  testing::internal::GetCapturedStdout();
}

} // namespace
