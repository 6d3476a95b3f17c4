// The status line's words: the state, the chain a revision revises, the rates with what they
// measure, and memory.
#include "run_state_text.h"

#include <gtest/gtest.h>

#include <memory>

namespace {

using ebm::RunState;
using ebm::SessionSnapshot;
using ebm::Trace;

std::shared_ptr<Trace> runningTrace(int lastStep) {
  auto t = std::make_shared<Trace>();
  t->steps = {0, lastStep};
  return t;
}

TEST(RunStateText, NamesTheRevisingChainAndItsStep) {
  SessionSnapshot s;
  s.state = RunState::Idle;
  EXPECT_EQ(ebm::ui::runStateText(s), "ready");
  s.revisionRunning = true;
  s.chains["z"].trace = runningTrace(12);
  s.chains["z"].fromRevision = true;
  EXPECT_EQ(ebm::ui::runStateText(s), "revising the z-chain (step 12)");
  auto done = runningTrace(12);
  done->finished = true;
  s.chains["z"].trace = done;
  EXPECT_EQ(ebm::ui::runStateText(s), "revising");
}

TEST(RunStateText, TrainingPausingDivergedAndARevisionBesideTraining) {
  SessionSnapshot s;
  s.state = RunState::Training;
  EXPECT_EQ(ebm::ui::runStateText(s), "training");
  EXPECT_EQ(ebm::ui::runStateText(s, true), "pausing…");
  s.revisionRunning = true;
  EXPECT_EQ(ebm::ui::runStateText(s), "training · revising");
  s.state = RunState::Diverged;
  s.revisionRunning = false;
  s.divergedAt = 40;
  EXPECT_EQ(ebm::ui::runStateText(s), "diverged at iteration 40");
}

TEST(RunStateText, RatesSayWhatTheyMeasure) {
  SessionSnapshot s;
  s.state = RunState::Idle;
  EXPECT_EQ(ebm::ui::rateText(s), "");
  s.revisionStepsPerSecond = 250.4;
  EXPECT_EQ(ebm::ui::rateText(s), "revision: 250 Langevin steps/s of compute");
  s.state = RunState::Training;
  s.itersPerSecond = 2.1;
  s.langevinStepsPerSecond = 640;
  EXPECT_EQ(ebm::ui::rateText(s), "2.10 it/s · 640 Langevin steps/s (last 5 s)");
  s.iteration = 120;
  s.epoch = 2;
  EXPECT_EQ(ebm::ui::iterationText(s), "iteration 120 · epoch 2");
}

TEST(RunStateText, MemoryInMebibytes) {
  EXPECT_EQ(ebm::ui::memoryText(0), "–");
  EXPECT_EQ(ebm::ui::memoryText(412LL * 1024 * 1024), "412 MiB");
}

} // namespace
