// The shared step cursor: clamped to the spanned traces, stepped by deltas, and walked by
// playback from the start to the last step.
#include "step_cursor.h"

#include <gtest/gtest.h>

namespace {

using ebm::Trace;
using ebm::ui::StepCursor;

std::shared_ptr<const Trace> traceTo(int lastStep) {
  auto t = std::make_shared<Trace>();
  for (int s = 0; s <= lastStep; ++s)
    t->steps.push_back(s);
  return t;
}

TEST(StepCursor, SpansTheLongestTraceAndSkipsMissingOnes) {
  StepCursor c;
  EXPECT_EQ(c.lastStep(), 0);
  c.setTraces({traceTo(30), nullptr, traceTo(50)});
  EXPECT_EQ(c.lastStep(), 50);
  EXPECT_FALSE(c.parked());
  EXPECT_EQ(c.shownStep(), 50);  // following the live chain
}

TEST(StepCursor, ParksClampedToTheLastStepAndFollowsForNegativeSteps) {
  StepCursor c;
  c.setTraces({traceTo(50)});
  c.set(20);
  EXPECT_EQ(c.step(), 20);
  c.set(80);
  EXPECT_EQ(c.step(), 50);
  c.set(-5);
  EXPECT_EQ(c.step(), StepCursor::kFollow);
  EXPECT_EQ(c.shownStep(), 50);
}

TEST(StepCursor, StepsFromTheShownStepWithinTheTrace) {
  StepCursor c;
  c.setTraces({traceTo(50)});
  c.stepBy(-1);  // from the live end
  EXPECT_EQ(c.step(), 49);
  c.stepBy(10);
  EXPECT_EQ(c.step(), 50);
  c.stepBy(-100);
  EXPECT_EQ(c.step(), 0);
  // A longer trace arriving keeps the parked step; a shorter one clamps it.
  c.set(7);
  c.setTraces({traceTo(80)});
  EXPECT_EQ(c.step(), 7);
  c.setTraces({traceTo(3)});
  EXPECT_EQ(c.step(), 3);
  c.follow();
  c.setTraces({traceTo(80)});
  EXPECT_FALSE(c.parked());
}

TEST(StepCursor, PlaybackWalksFromTheStartToTheEndAndStops) {
  StepCursor c;
  c.setTraces({traceTo(5)});
  c.togglePlayback();
  ASSERT_TRUE(c.playing());
  EXPECT_EQ(c.step(), 0);
  std::vector<int> seen;
  while (c.tick())
    seen.push_back(c.step());
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_FALSE(c.playing());
  EXPECT_EQ(c.step(), 5);
  // At the end, play starts over; in the middle it resumes; toggling again stops.
  c.togglePlayback();
  EXPECT_EQ(c.step(), 0);
  c.tick();
  c.togglePlayback();
  EXPECT_FALSE(c.playing());
  c.togglePlayback();
  EXPECT_EQ(c.step(), 1);
  EXPECT_TRUE(c.playing());
}

TEST(StepCursor, SpeedSetsStepsPerTickAndTheInterval) {
  StepCursor c;
  EXPECT_EQ(c.intervalMs(), StepCursor::kDefaultIntervalMs);
  c.setTraces({traceTo(100)});
  c.setSpeed(25, 40);
  EXPECT_EQ(c.intervalMs(), 40);
  c.togglePlayback();
  int ticks = 0;
  while (c.tick())
    ++ticks;
  EXPECT_EQ(ticks, 4);
  EXPECT_EQ(c.step(), 100);
  c.setSpeed(0, 0);  // nonsense is clamped to the slowest valid speed
  EXPECT_EQ(c.stepsPerTick(), 1);
  EXPECT_EQ(c.intervalMs(), 1);
}

} // namespace
