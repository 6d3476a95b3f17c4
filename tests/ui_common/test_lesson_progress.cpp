// When a lesson stage is busy: a posted load until the model version changes, a posted run until
// its chain's trace is replaced (even by a trace at a reused address), either until a new error;
// a loading model or a running revision always.
#include "lesson_progress.h"

#include <gtest/gtest.h>

namespace {

using ebm::RunState;
using ebm::SessionSnapshot;
using ebm::Trace;
using ebm::ui::LessonProgress;

SessionSnapshot idle() {
  SessionSnapshot s;
  s.state = RunState::Idle;
  s.modelVersion = 4;
  s.chains["x"].trace = std::make_shared<Trace>();
  return s;
}

TEST(LessonProgress, NothingPostedIsBusyOnlyWhileLoadingOrRevising) {
  LessonProgress p;
  SessionSnapshot s = idle();
  EXPECT_FALSE(p.busy(&s));
  EXPECT_TRUE(p.busy(nullptr));
  s.state = RunState::Loading;
  EXPECT_TRUE(p.busy(&s));
  s.state = RunState::Idle;
  s.revisionRunning = true;
  EXPECT_TRUE(p.busy(&s));
}

TEST(LessonProgress, ALoadIsPendingUntilTheModelVersionChangesOrAnErrorArrives) {
  LessonProgress p;
  SessionSnapshot s = idle();
  p.loadPosted(&s);
  EXPECT_TRUE(p.busy(&s)) << "the old model still shows";
  SessionSnapshot loaded = s;
  loaded.modelVersion = 5;
  EXPECT_FALSE(p.busy(&loaded));

  p.loadPosted(&s);
  SessionSnapshot refused = s;
  refused.errorCount = s.errorCount + 1;
  EXPECT_FALSE(p.busy(&refused)) << "a refused file ends the wait; the front end shows why";
}

TEST(LessonProgress, ARunIsPendingUntilItsChainsTraceIsReplaced) {
  LessonProgress p;
  SessionSnapshot s = idle();
  p.runPosted(&s, "x");
  EXPECT_TRUE(p.busy(&s));
  SessionSnapshot other = s;
  other.chains["z"].trace = std::make_shared<Trace>();
  EXPECT_TRUE(p.busy(&other)) << "another chain's trace is not this run's";
  SessionSnapshot ran = s;
  ran.chains["x"].trace = std::make_shared<Trace>();
  EXPECT_FALSE(p.busy(&ran));
}

TEST(LessonProgress, TheOldTraceIsHeldSoANewOneCannotReuseItsAddress) {
  LessonProgress p;
  SessionSnapshot s = idle();
  const Trace* old = s.chains["x"].trace.get();
  p.runPosted(&s, "x");
  s.chains["x"].trace.reset();  // the session drops its copy; the progress still holds one
  auto fresh = std::make_shared<Trace>();
  EXPECT_NE(fresh.get(), old);
  s.chains["x"].trace = fresh;
  EXPECT_FALSE(p.busy(&s));
}

TEST(LessonProgress, ClearForgetsWhatWasPosted) {
  LessonProgress p;
  SessionSnapshot s = idle();
  p.loadPosted(&s);
  p.runPosted(&s, "x");
  p.clear();
  EXPECT_FALSE(p.busy(&s));
}

} // namespace
