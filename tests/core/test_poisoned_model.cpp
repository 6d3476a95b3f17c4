// A model whose energy is NaN from the first step (the test method with theta = NaN): every
// chain stops at its first step with a message that names the chain and the step, training
// diverges at iteration 1 with the cause, nothing is saved from the poisoned state, and the
// session keeps taking commands.
#include "analytic_method.h"

#include "session.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace ebm {
namespace {

RunConfig poisonedConfig() {
  test::registerPoisonedMethod();
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  cfg.setMethod(test::kPoisonedMethod);
  cfg.train.batchSize = 64;
  cfg.train.checkpointEvery = 1;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 1;
  return cfg;
}

TEST(PoisonedModel, AChainStopsAtItsFirstStepNamingItAndTheSessionGoesOn) {
  Session s(poisonedConfig());
  ASSERT_TRUE(s.waitIdle(60));
  ASSERT_EQ(s.snapshot()->state, RunState::Idle) << s.snapshot()->lastError;
  const uint64_t errors = s.snapshot()->errorCount;
  s.post(cmd::RunChain{"walk", 8, "", 1, {}});
  ASSERT_TRUE(s.waitIdle(60));
  auto snap = s.snapshot();
  const auto& trace = snap->chains.at("walk").trace;
  ASSERT_TRUE(trace);
  EXPECT_TRUE(trace->diverged);
  EXPECT_LE(trace->snapshots.size(), 2u) << "the chain stopped at once";
  EXPECT_GT(snap->errorCount, errors);
  EXPECT_NE(snap->lastError.find("walk-step"), std::string::npos) << snap->lastError;
  EXPECT_NE(snap->lastError.find("non-finite"), std::string::npos) << snap->lastError;
  EXPECT_EQ(snap->lastError.find("smaller step size"), std::string::npos)
      << "a model broken before any step is not the step size's fault: " << snap->lastError;
  EXPECT_EQ(snap->state, RunState::Idle);

  // The session still takes commands: the next run is refused the same way, not ignored.
  s.post(cmd::RunChain{"walk", 4, "", 2, {}});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_GT(s.snapshot()->errorCount, snap->errorCount);
  EXPECT_EQ(s.snapshot()->state, RunState::Idle);
}

TEST(PoisonedModel, TrainingDivergesAtIterationOneAndSavesNothing) {
  const auto dir = test::tempDir("poisoned_train");
  SessionOptions opts;
  opts.runDir = dir;
  Session s(poisonedConfig(), opts);
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StartTraining{10});
  ASSERT_TRUE(s.waitIdle(60));
  auto snap = s.snapshot();
  EXPECT_EQ(snap->state, RunState::Diverged);
  EXPECT_EQ(snap->divergedAt, 1);
  EXPECT_NE(snap->lastError.find("diverged at iteration 1"), std::string::npos)
      << snap->lastError;
  EXPECT_FALSE(std::filesystem::exists(dir + "/checkpoint.safetensors"));
  s.post(cmd::SaveCheckpoint{});  // refused: the state is poisoned
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_FALSE(std::filesystem::exists(dir + "/checkpoint.safetensors"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/autosave.safetensors"));
  s.post(cmd::RunChain{"walk", 4, "", 3, {}});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_NE(s.snapshot()->state, RunState::Failed);
}

} // namespace
} // namespace ebm
