// The frame benchmarks' statistics: nearest-rank quantiles and their JSON.
#include "frame_stats.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(ebm::ui::toJson(s), "{\"p50\": 17.00, \"p99\": 40.00, \"max\": 40.00, \"count\": 3}");
}

} // namespace
