// The level logic of ladder traces (ui/common/level_ladder): columns per level, the level of a
// step, the proposal gap, the pull arrows, and the sample chain's guidance and K' settings.
#include "level_ladder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm::ui {
namespace {

// Two chains of 2-D states over levels 2, 1, 0 with three steps each (two at level 0).
Trace ladder() {
  Trace t;
  t.chains = 2;
  t.stateShape = {2};
  const int levels[] = {2, 2, 2, 1, 1, 1, 0, 0};
  for (int i = 0; i < 8; ++i) {
    t.steps.push_back(i);
    t.levels.push_back(levels[i]);
    t.snapshots.push_back({i, {float(i), 0.f, float(i), 1.f}, {}});
  }
  for (int l : {2, 1, 0}) {
    LevelStates s;
    s.level = l;
    s.firstStep = l == 2 ? 0 : l == 1 ? 3 : 6;
    s.conditioning = {10.f, 0.f, 10.f, 1.f};
    s.proposal = {float(s.firstStep), 0.f, float(s.firstStep), 1.f};
    s.pull = l == 2 ? 0.0 : 0.5;
    t.levelStates.push_back(s);
  }
  return t;
}

TEST(LevelLadder, OneColumnPerLevelFromNoiseToData) {
  const Trace t = ladder();
  ASSERT_TRUE(isLadder(t));
  const auto cols = levelColumns(t);
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_EQ(cols[0].level, 2);
  EXPECT_EQ(cols[2].level, 0);
  EXPECT_EQ(cols[1].firstStep, 3);
  EXPECT_EQ(cols[1].lastStep, 5);
  EXPECT_EQ(cols[1].endSnapshot, 5);
  EXPECT_EQ(snapshotsIn(t, cols[1]), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(levelAtStep(t, 4), 1);
  EXPECT_EQ(levelAtStep(t, -1), 0);
  EXPECT_EQ(levelStarts(t).size(), 3u);
}

TEST(LevelLadder, TheGapIsTheMeanDistanceFromProposalToRevised) {
  const Trace t = ladder();
  const auto cols = levelColumns(t);
  EXPECT_DOUBLE_EQ(meanProposalGap(t, cols[1]), 2.0);  // proposal at x = 3, end at x = 5
  Trace none = t;
  none.levelStates.clear();
  EXPECT_LT(meanProposalGap(none, levelColumns(none)[1]), 0);
}

TEST(LevelLadder, PullArrowsPointTowardTheNoisierState) {
  const Trace t = ladder();
  const auto arrows = pullArrows(t, 4, 8);
  ASSERT_EQ(arrows.size(), 2u);
  EXPECT_FLOAT_EQ(arrows[0].x, 4.f);
  EXPECT_FLOAT_EQ(arrows[0].dx, 0.5f * (10.f - 4.f));
  EXPECT_TRUE(pullArrows(t, 1, 8).empty());  // the top level has no pull
}

TEST(LevelLadder, GuidanceSettingsFollowTheSchema) {
  std::vector<SettingSpec> schema;
  for (const char* k : {"guidance", "label", "label_2", "label_3", "weight", "weight_2", "weight_3"})
    schema.push_back(SettingSpec{k});
  EXPECT_EQ(composableLabels(schema), 3);
  const auto v = guidanceSettings(schema, {{4, 1.0}, {7, 0.5}}, 1.5);
  EXPECT_EQ(v.choice("label"), "4");
  EXPECT_EQ(v.choice("label_2"), "7");
  EXPECT_EQ(v.choice("label_3"), "none");
  EXPECT_DOUBLE_EQ(v.number("weight_2"), 0.5);
  EXPECT_DOUBLE_EQ(v.number("guidance"), 1.5);
  EXPECT_EQ(guidanceSettings(schema, {}, 0).choice("label"), "each");
  EXPECT_NEAR(stepScaleFor(15, 5), std::sqrt(3.0), 1e-12);
  EXPECT_EQ(stepScaleFor(15, 0), 1.0);
}

} // namespace
} // namespace ebm::ui
