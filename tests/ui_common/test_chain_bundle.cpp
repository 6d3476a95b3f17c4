// A curve's numbers: marks from setting changes and level starts in step order, the mean and
// the percentile band per step (non-finite chains left out), and a pinned trace's label.
#include "chain_bundle.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using ebm::Trace;

TEST(ChainBundle, MarksSettingChangesAndLevelStartsInStepOrder) {
  Trace t;
  t.steps = {0, 1, 2, 3};
  t.levels = {1, 1, 0, 0};
  t.energy = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
  t.changes = {{3, "step_size 0.5 -> 0.2"}};
  const auto b = ebm::ui::bundleOf(t, t.energy);
  ASSERT_EQ(b.x.size(), 4u);
  ASSERT_EQ(b.marks.size(), 3u);
  EXPECT_EQ(b.marks[0].second, "level 1");
  EXPECT_EQ(b.marks[1].second, "level 0");
  EXPECT_EQ(b.marks[1].first, 2);
  EXPECT_EQ(b.marks[2].second, "step_size 0.5 -> 0.2");
}

TEST(ChainBundle, MeanAndBandSkipNonFiniteChains) {
  ebm::ui::ChainBundle b;
  b.x = {0, 1};
  std::vector<float> row;
  for (int i = 0; i <= 10; ++i)
    row.push_back(float(i));
  row.push_back(NAN);
  b.values = {row, {NAN, NAN}};
  const auto s = ebm::ui::bundleStats(b, 0.1);
  EXPECT_DOUBLE_EQ(s.mean[0], 5);
  EXPECT_DOUBLE_EQ(s.lo[0], 1);
  EXPECT_DOUBLE_EQ(s.hi[0], 9);
  EXPECT_TRUE(std::isnan(s.mean[1]));
}

TEST(ChainBundle, SettingsLabelOfAPinnedTrace) {
  Trace t;
  t.steps = {0, 40};
  t.stepSize = {0.5, 0.5};
  t.noise = {0.01, 0.01};
  EXPECT_EQ(ebm::ui::settingsLabel(t), "s=0.5 n=0.01 40 steps");
}

} // namespace
