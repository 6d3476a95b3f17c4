// Landscape framing: the fitted view holds the data and every chain position with a margin and
// leaves a diverged chain out, ticks are round and inside the range, the colour range is the
// energy inside the view, and chains outside the view are counted from the snapshot shown.
#include "landscape_frame.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using ebm::Landscape;
using ebm::Trace;
using ebm::TraceSnapshot;
using ebm::ui::PlaneRect;

/// A 2-D trace of `chains` chains whose snapshots hold the given (x, y) pairs.
Trace planeTrace(int chains, const std::vector<std::vector<float>>& snapshots) {
  Trace t;
  t.chain = "x";
  t.chains = chains;
  t.stateShape = {2};
  int step = 0;
  for (const auto& s : snapshots) {
    t.steps.push_back(step);
    t.snapshots.push_back(TraceSnapshot{step, s, {}});
    step += 10;
  }
  return t;
}

TEST(LandscapeFrame, FittedViewHoldsDataAndEveryChainPositionWithAMargin) {
  const PlaneRect data{-0.8, 0.8, -0.8, 0.8};
  const Trace t = planeTrace(2, {{-2.0f, 0.1f, 0.3f, 0.2f}, {-1.0f, 0.0f, 0.5f, 1.4f}});
  const PlaneRect v = ebm::ui::fitView(data, &t);
  EXPECT_NEAR(v.width(), v.height(), 1e-12);  // a square
  EXPECT_TRUE(v.contains(data));
  for (const auto& s : t.snapshots)
    for (size_t i = 0; i < s.state.size(); i += 2)
      EXPECT_TRUE(v.contains(s.state[i], s.state[i + 1])) << s.state[i] << ", " << s.state[i + 1];
  EXPECT_LT(v.xLo, -2.0);  // a margin, not touching the outermost point
  EXPECT_GT(v.yHi, 1.4);
  EXPECT_LT(v.width(), 4.0);
}

TEST(LandscapeFrame, ADivergedChainDoesNotShrinkTheDataToADot) {
  const PlaneRect data{-1, 1, -1, 1};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Trace t = planeTrace(3, {{0.f, 0.f, 1e6f, 1e6f, nan, 0.f}});
  const PlaneRect v = ebm::ui::fitView(data, &t);
  EXPECT_TRUE(v.contains(data));
  EXPECT_LT(v.width(), 3.0);
  const auto outside = ebm::ui::chainsOutside(t, 0, v);
  EXPECT_EQ(outside.count, 2);            // the far one and the non-finite one
  ASSERT_EQ(outside.positions.size(), 1u);  // only the finite one gets an arrow
  EXPECT_FLOAT_EQ(outside.positions[0][0], 1e6f);
}

TEST(LandscapeFrame, WithoutDataOrChainsTheDefaultSquare) {
  const PlaneRect v = ebm::ui::fitView(std::nullopt, nullptr);
  EXPECT_DOUBLE_EQ(v.xLo, -1.5);
  EXPECT_DOUBLE_EQ(v.yHi, 1.5);
}

TEST(LandscapeFrame, OutsideCountUsesTheSnapshotAtTheCursor) {
  const Trace t = planeTrace(2, {{0.f, 0.f, 0.f, 0.f}, {0.f, 0.f, 5.f, 0.f}});
  const PlaneRect v{-1, 1, -1, 1};
  EXPECT_EQ(ebm::ui::chainsOutside(t, ebm::ui::snapshotAt(t, 0), v).count, 0);
  EXPECT_EQ(ebm::ui::chainsOutside(t, ebm::ui::snapshotAt(t, 10), v).count, 1);
  EXPECT_EQ(ebm::ui::chainsOutside(t, ebm::ui::snapshotAt(t, -1), v).count, 1);
  EXPECT_EQ(ebm::ui::snapshotAt(t, 5), 0);
}

TEST(LandscapeFrame, TicksAreRoundAndInsideTheRange) {
  const auto t = ebm::ui::niceTicks(-1.37, 1.52, 6);
  ASSERT_GE(t.values.size(), 3u);
  EXPECT_LE(t.values.size(), 6u);
  for (double v : t.values) {
    EXPECT_GE(v, -1.37);
    EXPECT_LE(v, 1.52);
    EXPECT_NEAR(v * 2, std::round(v * 2), 1e-9) << v;  // steps of 0.5
  }
  EXPECT_EQ(t.decimals, 1);
  EXPECT_EQ(ebm::ui::niceTicks(0, 250, 6).decimals, 0);
  EXPECT_TRUE(ebm::ui::niceTicks(1, 1, 6).values.empty());
}

TEST(LandscapeFrame, EnergyRangeIsTheLowestAndHighestInsideTheView) {
  Landscape l;
  l.res = 3;
  l.lo = -1;
  l.hi = 1;
  // Row 0 is the top (y = 1): the grid points are x, y in {-1, 0, 1}.
  l.energy = {9, 1, 2,   //
              3, 4, 5,   //
              6, 7, -8};
  const auto all = ebm::ui::visibleEnergyRange(l, {-1, 1, -1, 1});
  ASSERT_TRUE(all);
  EXPECT_FLOAT_EQ(all->lo, -8);
  EXPECT_FLOAT_EQ(all->hi, 9);
  // The upper right quarter holds the grid points (0, 1), (1, 1), (0, 0), (1, 0).
  const auto part = ebm::ui::visibleEnergyRange(l, {0.1, 0.9, 0.1, 0.9});
  ASSERT_TRUE(part);
  EXPECT_FLOAT_EQ(part->lo, 1);
  EXPECT_FLOAT_EQ(part->hi, 5);
  EXPECT_FALSE(ebm::ui::visibleEnergyRange(l, {5, 6, 5, 6}));
}

TEST(LandscapeFrame, ALandscapeServesAViewItCoversAtAFairResolution) {
  EXPECT_TRUE(ebm::ui::landscapeServes(-1.5, 1.5, {-1, 1, -1, 1}));
  EXPECT_FALSE(ebm::ui::landscapeServes(-1.5, 1.5, {-1, 2, -1, 2}));        // not covered
  EXPECT_FALSE(ebm::ui::landscapeServes(-10, 10, {-1, 1, -1, 1}));          // too coarse
  const auto cover = ebm::ui::coveringSquare({2, 4, -1, 1});
  EXPECT_DOUBLE_EQ(cover.lo, -1);
  EXPECT_DOUBLE_EQ(cover.hi, 4);
}

TEST(LandscapeFrame, ViridisRunsFromDarkPurpleToYellow) {
  const auto dark = ebm::ui::viridis(0), bright = ebm::ui::viridis(1);
  EXPECT_NEAR(dark[0], 0.267, 0.02);
  EXPECT_NEAR(dark[2], 0.329, 0.02);
  EXPECT_NEAR(bright[0], 0.993, 0.02);
  EXPECT_NEAR(bright[1], 0.906, 0.02);
}

} // namespace
