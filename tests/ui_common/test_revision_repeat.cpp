// The repeat policy: the next round of revisions (seed + n) comes only once every chain's trace
// was replaced, or after an error and a wait; never while training, revising, playing or with
// the cursor parked.
#include "revision_repeat.h"

#include <gtest/gtest.h>

namespace {

using ebm::RunState;
using ebm::SessionSnapshot;
using ebm::Trace;
using ebm::cmd::RunChain;
using ebm::ui::RepeatGate;
using ebm::ui::RevisionRepeat;

struct Fixture {
  SessionSnapshot snap;
  std::vector<RunChain> runs{RunChain{"x", 16, "", 7, {}}, RunChain{"z", 8, "", 3, {}}};
  Fixture() {
    snap.state = RunState::Idle;
    replace("x");
    replace("z");
  }
  void replace(const std::string& chain) { snap.chains[chain].trace = std::make_shared<Trace>(); }
};

TEST(RevisionRepeat, FirstRoundPostsTheRunsAsTheyAre) {
  Fixture f;
  RevisionRepeat r;
  EXPECT_TRUE(r.firstDue(f.snap));
  f.snap.state = RunState::Loading;
  EXPECT_FALSE(r.firstDue(f.snap));
  f.snap.state = RunState::Idle;
  const auto first = r.start(&f.snap, f.runs, 0);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].seed, 7u);
  EXPECT_EQ(first[1].seed, 3u);
  EXPECT_FALSE(r.firstDue(f.snap));
  EXPECT_TRUE(r.started());
}

TEST(RevisionRepeat, NextRoundWaitsForEveryChainsNewTraceAndAddsTheRoundToTheSeed) {
  Fixture f;
  RevisionRepeat r;
  r.start(&f.snap, f.runs, 0);
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 5000).empty());  // nothing replaced yet
  f.replace("x");
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 5000).empty());  // z still the old one
  f.replace("z");
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 1000).empty());  // too soon after the post
  auto second = r.next(f.snap, f.runs, {}, 5000);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].chain, "x");
  EXPECT_EQ(second[0].seed, 8u);
  EXPECT_EQ(second[1].seed, 4u);
  f.replace("x");
  f.replace("z");
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 6000).empty());
  auto third = r.next(f.snap, f.runs, {}, 6500);
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(third[0].seed, 9u);
  EXPECT_EQ(r.rounds(), 2u);
}

TEST(RevisionRepeat, HeldBackByTrainingRevisingPlaybackAParkedCursorOrTheSwitch) {
  Fixture f;
  RevisionRepeat r;
  r.start(&f.snap, f.runs, 0);
  f.replace("x");
  f.replace("z");
  const RepeatGate off{false, false, false}, playing{true, true, false}, parked{true, false, true};
  EXPECT_TRUE(r.next(f.snap, f.runs, off, 5000).empty());
  EXPECT_TRUE(r.next(f.snap, f.runs, playing, 5000).empty());
  EXPECT_TRUE(r.next(f.snap, f.runs, parked, 5000).empty());
  f.snap.state = RunState::Training;
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 5000).empty());
  f.snap.state = RunState::Idle;
  f.snap.revisionRunning = true;
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 5000).empty());
  f.snap.revisionRunning = false;
  EXPECT_EQ(r.next(f.snap, f.runs, {}, 5000).size(), 2u);
}

TEST(RevisionRepeat, AnErrorRepeatsAfterAWaitEvenWithoutNewTraces) {
  Fixture f;
  RevisionRepeat r;
  r.start(&f.snap, f.runs, 0);
  f.snap.errorCount = 1;
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 3000).empty());
  EXPECT_EQ(r.next(f.snap, f.runs, {}, 4001).size(), 2u);
  // The error is counted once: the round after waits for new traces again.
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 9000).empty());
}

TEST(RevisionRepeat, NothingRepeatsBeforeTheFirstRoundOrAfterAReset) {
  Fixture f;
  RevisionRepeat r;
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 100000).empty());
  r.start(&f.snap, f.runs, 0);
  r.reset();
  f.replace("x");
  f.replace("z");
  EXPECT_TRUE(r.next(f.snap, f.runs, {}, 100000).empty());
  EXPECT_TRUE(r.firstDue(f.snap));
}

} // namespace
