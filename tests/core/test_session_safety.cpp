// What keeps a user's training: the snapshot says exactly which iterations no checkpoint holds,
// a timed autosave writes its own file while some are unsaved, and a pause ends the iteration
// in progress at the next Langevin step without changing any weight.
#include "session.h"

#include "checkpoint_info.h"
#include "io/safetensors.h"

#include "session_helpers.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

namespace ebm {
namespace {

void stepOnce(Session& s) {
  s.post(cmd::StepOnce{});
  ASSERT_TRUE(s.waitIdle(60));
}

// Running estimates that every training-mode forward pass updates, an abandoned one too:
// BatchNorm's averages and spectral norm's power-iteration vectors.
bool isRunningEstimate(const std::string& name) {
  for (const char* part : {"running_", "num_batches", "weight_u", "weight_v"})
    if (name.find(part) != std::string::npos)
      return true;
  return false;
}

// Every weight and optimiser state (the running estimates left out) is the same in both files.
bool sameWeights(const std::string& a, const std::string& b) {
  const SafeTensors x = readSafeTensors(a), y = readSafeTensors(b);
  if (x.tensors.size() != y.tensors.size())
    return false;
  for (const auto& [name, t] : x.tensors) {
    if (isRunningEstimate(name))
      continue;
    const auto other = y.find(name);
    if (!other.defined() || !torch::equal(t, other))
      return false;
  }
  return true;
}

TEST(SessionSafety, UnsavedIterationsCountFromTheLastCheckpointWrittenOrLoaded) {
  const auto dir = test::tempDir("safety_saved");
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->savedIteration, 0);
  EXPECT_EQ(unsavedIterations(*s.snapshot()), 0);  // a new model has nothing to lose
  for (int i = 0; i < 3; ++i)
    stepOnce(s);
  EXPECT_EQ(unsavedIterations(*s.snapshot()), 3);
  s.post(cmd::SaveCheckpoint{dir + "/at3.safetensors"});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->savedIteration, 3) << s.snapshot()->lastError;
  EXPECT_EQ(unsavedIterations(*s.snapshot()), 0);
  stepOnce(s);
  stepOnce(s);
  EXPECT_EQ(unsavedIterations(*s.snapshot()), 2);
  s.post(cmd::LoadCheckpoint{dir + "/at3.safetensors"});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->iteration, 3);
  EXPECT_EQ(s.snapshot()->savedIteration, 3);
  EXPECT_EQ(unsavedIterations(*s.snapshot()), 0);
  stepOnce(s);  // one iteration: the earlier model's target is gone with it
  EXPECT_EQ(s.snapshot()->iteration, 4);
}

TEST(SessionSafety, AutosaveWritesItsOwnFileAndIsNoCheckpoint) {
  const auto dir = test::tempDir("safety_autosave");
  SessionOptions opts;
  opts.runDir = dir + "/run";
  opts.autosaveSeconds = 0.05;
  Session s(test::sessionToy(), opts);
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_FALSE(std::filesystem::exists(opts.runDir + "/autosave.safetensors"))
      << "nothing to autosave before any iteration";
  stepOnce(s);
  stepOnce(s);
  // Paused with two unsaved iterations: the idle worker writes the autosave when it is due.
  const auto snap = test::waitFor(s, 30, [](const SessionSnapshot& sn) {
    return sn.autosavedIteration == 2;
  });
  ASSERT_EQ(snap->autosavedIteration, 2) << snap->lastError;
  EXPECT_NE(snap->lastMessage.find("autosaved at iteration 2"), std::string::npos)
      << snap->lastMessage;
  EXPECT_EQ(readCheckpointInfo(opts.runDir + "/autosave.safetensors").iteration, 2);
  EXPECT_FALSE(std::filesystem::exists(opts.runDir + "/checkpoint.safetensors"));
  EXPECT_EQ(snap->savedIteration, 0);  // the iterations are still unsaved
  EXPECT_EQ(unsavedIterations(*snap), 2);
}

TEST(SessionSafety, AutosaveOffWritesNothing) {
  const auto dir = test::tempDir("safety_autosave_off");
  SessionOptions opts;
  opts.runDir = dir + "/run";
  Session s(test::sessionToy(), opts);
  ASSERT_TRUE(s.waitIdle(60));
  stepOnce(s);
  s.post(cmd::StopRevision{});  // a no-op command: the worker has looked at its clock again
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_FALSE(std::filesystem::exists(opts.runDir + "/autosave.safetensors"));
  s.setAutosaveSeconds(0.01);  // switched on while paused: due at once
  const auto snap =
      test::waitFor(s, 30, [](const SessionSnapshot& sn) { return sn.autosavedIteration == 1; });
  EXPECT_EQ(snap->autosavedIteration, 1) << snap->lastError;
}

TEST(SessionSafety, PauseEndsTheIterationInProgressWithoutChangingTheModel) {
  const auto dir = test::tempDir("safety_pause");
  RunConfig cfg = test::sessionToy();
  cfg.train.batchSize = 2048;
  test::DualEdit(cfg)->x.steps = 100000;  // one iteration would take minutes
  Session s(cfg);
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::SaveCheckpoint{dir + "/before.safetensors"});
  s.post(cmd::StartTraining{10});
  test::waitFor(s, 30, [](const SessionSnapshot& sn) { return sn.state == RunState::Training; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the iteration get going
  s.post(cmd::Pause{});
  ASSERT_TRUE(s.waitIdle(60)) << "the pause waited for the iteration to finish";
  auto snap = s.snapshot();
  EXPECT_EQ(snap->state, RunState::Paused);
  EXPECT_EQ(snap->iteration, 0);
  EXPECT_NE(snap->lastMessage.find("paused at iteration 0 (iteration 1 was interrupted"),
            std::string::npos)
      << snap->lastMessage;
  s.post(cmd::SaveCheckpoint{dir + "/paused.safetensors"});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_TRUE(sameWeights(dir + "/before.safetensors", dir + "/paused.safetensors"));
  // Resume runs the iteration afresh (with a short chain now) and training goes on.
  SettingValues shorter;
  shorter.numbers["steps"] = 5;
  ASSERT_TRUE(s.setChainSettings("x", shorter));
  s.post(cmd::Resume{});
  snap = test::waitFor(s, 60, [](const SessionSnapshot& sn) { return sn.iteration >= 2; });
  EXPECT_GE(snap->iteration, 2);
  s.post(cmd::StopTraining{});
  ASSERT_TRUE(s.waitIdle(60));
}

} // namespace
} // namespace ebm
