// Image strips: the snapshots up to the cursor thinned to the columns that fit (first and last
// kept), and the atlas that puts chains in rows and columns left to right.
#include "strip_columns.h"

#include <gtest/gtest.h>

namespace {

ebm::Trace imageTrace(int snapshots, int chains) {
  ebm::Trace t;
  t.chains = chains;
  t.stateShape = {1, 2, 2};
  for (int i = 0; i < snapshots; ++i) {
    ebm::TraceSnapshot s;
    s.step = 10 * i;
    s.state.assign(size_t(chains) * 4, i % 2 ? 1.0f : -1.0f);
    t.snapshots.push_back(s);
    t.steps.push_back(10 * i);
  }
  return t;
}

TEST(StripColumns, ThinsToTheColumnsThatFitUpToTheCursor) {
  const auto t = imageTrace(21, 2);
  const auto all = ebm::ui::stripColumns(t, -1, 5);
  EXPECT_EQ(all, (std::vector<int>{0, 5, 10, 15, 20}));
  const auto upTo = ebm::ui::stripColumns(t, 35, 10);
  EXPECT_EQ(upTo, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(ebm::ui::stripColumns(ebm::Trace{}, -1, 5).empty());
}

TEST(StripColumns, AtlasPutsChainsInRowsAndSnapshotsInColumns) {
  const auto t = imageTrace(3, 3);
  const auto a = ebm::ui::stripAtlas(t, {0, 1}, 2, false, 1);
  EXPECT_EQ(a.rows, 2);
  EXPECT_EQ(a.width, 1 + 2 * 3);
  EXPECT_EQ(a.height, 1 + 2 * 3);
  EXPECT_EQ(a.channels, 1);
  auto px = [&](int x, int y) { return a.chw[size_t(y) * size_t(a.width) + size_t(x)]; };
  EXPECT_EQ(px(0, 0), ebm::ui::kStripBackground);
  EXPECT_EQ(px(1, 1), -1.0f);  // snapshot 0
  EXPECT_EQ(px(4, 1), 1.0f);   // snapshot 1
  EXPECT_EQ(px(4, 4), 1.0f);   // second chain
  EXPECT_EQ(ebm::ui::stripAtlas(t, {0}, 2, true).width, 0);  // no decoded states
}

} // namespace
