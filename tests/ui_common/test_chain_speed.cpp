// Chain speed: the choices in order, snapping, and the playback it implies.
#include "chain_speed.h"

#include "session.h"

#include <gtest/gtest.h>

namespace {

using ebm::ui::ChainSpeed;

TEST(ChainSpeed, StepsFromSingleStepsToAsFastAsPossible) {
  ChainSpeed s(ChainSpeed::kDefault);
  EXPECT_EQ(s.stepsPerSecond(), 10);
  for (int i = 0; i < 20; ++i)
    s.slower();
  EXPECT_TRUE(s.singleStep());
  EXPECT_EQ(s.stepsPerSecond(), ebm::kSingleStep);
  EXPECT_EQ(ChainSpeed::label(s.stepsPerSecond()), "single steps");
  s.faster();
  EXPECT_EQ(s.stepsPerSecond(), 1);
  EXPECT_EQ(ChainSpeed::label(1), "1 step/s");
  for (int i = 0; i < 20; ++i)
    s.faster();
  EXPECT_TRUE(s.asFastAsPossible());
  EXPECT_EQ(ChainSpeed::label(0), "as fast as possible");
}

TEST(ChainSpeed, OddValuesSnapToTheNearestChoice) {
  EXPECT_EQ(ChainSpeed(30).stepsPerSecond(), 20);   // log-nearest of 20 and 50
  EXPECT_EQ(ChainSpeed(40).stepsPerSecond(), 50);
  EXPECT_EQ(ChainSpeed(-7).stepsPerSecond(), ChainSpeed::kDefault);
  EXPECT_EQ(ChainSpeed(1e9).stepsPerSecond(), 100);
}

TEST(ChainSpeed, PlaybackMovesAtTheChosenSpeed) {
  ChainSpeed s(5);
  EXPECT_EQ(s.playbackStepsPerTick(), 1);
  EXPECT_EQ(s.playbackIntervalMs(), 200);
  s.set(100);  // two steps every 20 ms
  EXPECT_EQ(s.playbackStepsPerTick(), 2);
  EXPECT_EQ(s.playbackIntervalMs(), 20);
  s.set(ChainSpeed::kAsFastAsPossible);
  EXPECT_EQ(s.playbackIntervalMs(), 16);
}

} // namespace
