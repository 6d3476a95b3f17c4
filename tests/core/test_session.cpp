#include "session.h"

#include "methods/checkpoint.h"
#include "methods/dual_mcmc/dual_mcmc.h"
#include "methods/method.h"

#include "session_helpers.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

namespace ebm {
namespace {

using test::waitFor;

TEST(Session, ConstructionReturnsAtOnceAndBecomesIdle) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  auto snap = s.snapshot();
  EXPECT_EQ(snap->state, RunState::Idle) << snap->lastError;
  EXPECT_EQ(snap->method, "dual-mcmc");
  EXPECT_EQ(snap->dataShape, std::vector<int64_t>({2}));
}

TEST(Session, LandscapeEvaluatesTheAskedSquareAndCarriesADataSample) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::EvaluateLandscape{16, -0.5, 2.5});
  ASSERT_TRUE(s.waitIdle(60));
  const auto l = s.snapshot()->landscape;
  ASSERT_TRUE(l) << s.snapshot()->lastError;
  EXPECT_EQ(l->res, 16);
  EXPECT_DOUBLE_EQ(l->lo, -0.5);
  EXPECT_DOUBLE_EQ(l->hi, 2.5);
  EXPECT_EQ(l->energy.size(), 16u * 16u);
  // 8 Gaussians of std 0.05 on a circle of radius 0.8: every sample lies near the circle.
  ASSERT_EQ(l->data.size(), 2u * 512u);
  for (size_t i = 0; i < l->data.size(); i += 2)
    EXPECT_NEAR(std::hypot(l->data[i], l->data[i + 1]), 0.8, 0.3) << "point " << i / 2;
  s.post(cmd::EvaluateLandscape{16, -1, 1});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->landscape->data, l->data);  // the same sample: dots do not jitter
}

TEST(Session, StepSizeChangedFromAnotherThreadAppliesFromTheNextStep) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  SettingValues xs;
  xs.numbers = {{"steps", 4000}, {"step_size", 0.2}};
  ASSERT_TRUE(s.setChainSettings("x", xs));
  s.post(cmd::RunChain{"x", 8, "generator", 3, {}});
  auto running = waitFor(s, 30, [](const SessionSnapshot& sn) {
    const auto& x = sn.chains.at("x");
    return x.trace && x.fromRevision && x.trace->lastStep() >= 50;
  });
  const auto& runningX = running->chains.at("x");
  ASSERT_TRUE(runningX.trace && runningX.trace->lastStep() >= 50);
  const int seen = runningX.trace->lastStep();
  xs.numbers = {{"step_size", 0.05}, {"steps", 400}};  // also shortens the chain
  ASSERT_TRUE(s.setChainSettings("x", xs));
  ASSERT_TRUE(s.waitIdle(60));
  const auto& t = *s.snapshot()->chains.at("x").trace;
  ASSERT_FALSE(t.changes.empty());
  const int from = t.changes.front().step;
  EXPECT_GT(from, seen);
  EXPECT_EQ(t.lastStep(), std::max(400, from));
  for (size_t i = 0; i + 1 < t.steps.size(); ++i)
    EXPECT_DOUBLE_EQ(t.stepSize[i], t.steps[i] < from ? 0.2 : 0.05) << "step " << t.steps[i];
}

TEST(Session, SingleSteppedRevisionTakesOneStepPerGrantAndStopsWhenAsked) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  SettingValues xs;
  xs.numbers = {{"steps", 50}};
  ASSERT_TRUE(s.setChainSettings("x", xs));
  ASSERT_TRUE(s.setRevisionPace(kSingleStep));
  s.post(cmd::RunChain{"x", 8, "generator", 3, {}});
  auto lastStep = [](const SessionSnapshot& sn) {
    const auto& t = sn.chains.at("x").trace;
    return sn.chains.at("x").fromRevision && t ? t->lastStep() : -1;
  };
  auto waiting = waitFor(s, 30, [&](const SessionSnapshot& sn) {
    return sn.revisionWaiting && lastStep(sn) == 0;
  });
  ASSERT_TRUE(waiting->revisionWaiting);
  EXPECT_EQ(waiting->revisionPace, kSingleStep);
  // Without a grant the chain does not move.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(lastStep(*s.snapshot()), 0);
  s.stepRevision(2);
  auto moved = waitFor(s, 30, [&](const SessionSnapshot& sn) {
    return sn.revisionWaiting && lastStep(sn) == 2;
  });
  EXPECT_EQ(lastStep(*moved), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(lastStep(*s.snapshot()), 2);
  s.post(cmd::StopRevision{});
  ASSERT_TRUE(s.waitIdle(10));
  auto done = s.snapshot();
  EXPECT_FALSE(done->revisionRunning);
  EXPECT_TRUE(done->chains.at("x").trace->stopped);
  EXPECT_FALSE(s.setRevisionPace(-3));
  EXPECT_FALSE(s.setRevisionPace(std::nan("")));
}

TEST(Session, PacedRevisionTakesAsLongAsItsPaceAndItsRateCountsComputeOnly) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  SettingValues xs;
  xs.numbers = {{"steps", 10}};
  ASSERT_TRUE(s.setChainSettings("x", xs));
  ASSERT_TRUE(s.setRevisionPace(20));  // 10 steps: about half a second
  const auto t0 = std::chrono::steady_clock::now();
  s.post(cmd::RunChain{"x", 8, "generator", 3, {}});
  ASSERT_TRUE(s.waitIdle(30));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(seconds, 0.45);
  auto snap = s.snapshot();
  EXPECT_EQ(snap->chains.at("x").trace->lastStep(), 10);
  // The readout is the chain's compute speed, not the pace it was held to.
  EXPECT_GT(snap->revisionStepsPerSecond, 40.0);
  EXPECT_EQ(snap->langevinStepsPerSecond, 0.0);  // nothing trains
}

TEST(Session, InvalidLiveSettingIsRefusedWithAMessage) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  SettingValues xs;
  xs.numbers["step_size"] = -3;
  EXPECT_FALSE(s.setChainSettings("x", xs));
  s.post(cmd::StopRevision{});
  s.waitIdle(10);
  EXPECT_NE(s.snapshot()->lastError.find("x.step_size"), std::string::npos);
  EXPECT_EQ(test::dual(s.snapshot()->config).x.stepSize, 0.5);
  EXPECT_EQ(s.snapshot()->chains.at("x").settings.number("step_size"), 0.5);
  xs.numbers = {{"no_such_key", 1}};
  EXPECT_FALSE(s.setChainSettings("x", xs));
  EXPECT_FALSE(s.setChainSettings("no-such-chain", {}));
}

TEST(Session, PauseResumeStepAndStopTraining) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StepOnce{});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->iteration, 1);
  EXPECT_EQ(s.snapshot()->state, RunState::Paused);

  s.post(cmd::StartTraining{100000});
  auto snap = waitFor(s, 30, [](const SessionSnapshot& sn) { return sn.iteration >= 5; });
  EXPECT_EQ(snap->state, RunState::Training);
  s.post(cmd::Pause{});
  snap = waitFor(s, 30, [](const SessionSnapshot& sn) { return sn.state == RunState::Paused; });
  ASSERT_EQ(snap->state, RunState::Paused);
  const long pausedAt = snap->iteration;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(s.snapshot()->iteration, pausedAt) << "paused training must not advance";
  s.post(cmd::Resume{});
  snap = waitFor(s, 30, [&](const SessionSnapshot& sn) { return sn.iteration > pausedAt + 3; });
  EXPECT_GT(snap->iteration, pausedAt + 3);
  EXPECT_TRUE(snap->losses && !snap->losses->rows.empty());
  s.post(cmd::StopTraining{});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->state, RunState::Idle);
}

TEST(Session, CorruptCheckpointIsReportedAndTheSessionKeepsWorking) {
  const auto dir = test::tempDir("session_corrupt");
  std::ofstream(dir + "/bad.safetensors", std::ios::binary) << "\x10\x00\x00\x00garbage";
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  const auto errors = s.snapshot()->errorCount;
  s.post(cmd::LoadCheckpoint{dir + "/bad.safetensors"});
  ASSERT_TRUE(s.waitIdle(60));
  auto snap = s.snapshot();
  EXPECT_GT(snap->errorCount, errors);
  EXPECT_NE(snap->lastError.find("bad.safetensors"), std::string::npos) << snap->lastError;
  EXPECT_EQ(snap->state, RunState::Idle);
  s.post(cmd::RunChain{"x", 4, "generator", 1, {}});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_TRUE(s.snapshot()->chains.at("x").trace && s.snapshot()->chains.at("x").trace->finished);
}

TEST(Session, SaveAndLoadRestoreIterationAndModel) {
  const auto dir = test::tempDir("session_save");
  SessionOptions opts;
  opts.runDir = dir + "/run";
  Session s(test::sessionToy(), opts);
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StartTraining{7});
  ASSERT_TRUE(s.waitIdle(120));
  EXPECT_EQ(s.snapshot()->iteration, 7);
  s.post(cmd::SaveCheckpoint{});
  ASSERT_TRUE(s.waitIdle(60));
  const std::string ckpt = dir + "/run/checkpoint.safetensors";
  ASSERT_TRUE(std::filesystem::exists(ckpt)) << s.snapshot()->lastError;
  EXPECT_TRUE(std::filesystem::exists(dir + "/run/config.toml"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/run/losses.csv"));

  Session t(test::sessionToy());
  ASSERT_TRUE(t.waitIdle(60));
  t.post(cmd::LoadCheckpoint{ckpt});
  ASSERT_TRUE(t.waitIdle(60));
  EXPECT_EQ(t.snapshot()->iteration, 7) << t.snapshot()->lastError;
}

TEST(Session, AbsurdStepSizeExplodesTheChainButNotTheApp) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  SettingValues xs;
  xs.numbers = {{"step_size", 100}, {"steps", 2000}};
  ASSERT_TRUE(s.setChainSettings("x", xs));
  s.post(cmd::RunChain{"x", 8, "uniform", 2, {}});
  ASSERT_TRUE(s.waitIdle(120));
  auto snap = s.snapshot();
  ASSERT_TRUE(snap->chains.at("x").trace);
  if (snap->chains.at("x").trace->diverged)
    EXPECT_NE(snap->lastError.find("smaller step size"), std::string::npos);
  EXPECT_EQ(snap->state, RunState::Idle);
}

// A method that diverges on its third iteration: divergence becomes a state naming the
// iteration, and the last good checkpoint is left intact.
class DivergingMethod : public DualMcmc {
public:
  DivergingMethod(const RunConfig& c, torch::Device d) : DualMcmc(c, d), m_info(DualMcmc::info()) {
    m_info.name = "test-diverging";
  }
  const MethodInfo& info() const override { return m_info; }
  IterationResult iterate(const torch::Tensor& batch, MethodContext& ctx) override {
    auto r = DualMcmc::iterate(batch, ctx);
    if (++m_count == 3) {
      r.diverged = true;
      r.message = "loss_E is not finite";
    }
    return r;
  }

private:
  MethodInfo m_info;
  int m_count = 0;
};

TEST(Session, DivergenceIsAStateAndTheLastGoodCheckpointSurvives) {
  MethodRegistration r;
  r.name = "test-diverging";
  r.describe = [](const RunConfig& c) {
    auto info = describeDualMcmc(c);
    info.name = "test-diverging";
    return info;
  };
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<DivergingMethod>(c, d);
  };
  registerMethod(r);
  const auto dir = test::tempDir("session_diverge");
  RunConfig cfg = test::sessionToy();
  cfg.train.method = "test-diverging";
  cfg.train.checkpointEvery = 2;
  SessionOptions opts;
  opts.runDir = dir;
  Session s(cfg, opts);
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StartTraining{100});
  ASSERT_TRUE(s.waitIdle(120));
  auto snap = s.snapshot();
  EXPECT_EQ(snap->state, RunState::Diverged);
  EXPECT_EQ(snap->divergedAt, 3);
  EXPECT_NE(snap->lastError.find("diverged at iteration 3"), std::string::npos) << snap->lastError;
  const auto info = readCheckpointInfo(dir + "/checkpoint.safetensors");
  EXPECT_EQ(info.iteration, 2);
  s.post(cmd::SaveCheckpoint{});  // refused: would overwrite the good one
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(readCheckpointInfo(dir + "/checkpoint.safetensors").iteration, 2);
  s.post(cmd::LoadCheckpoint{dir + "/checkpoint.safetensors"});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->state, RunState::Idle);
  EXPECT_EQ(s.snapshot()->iteration, 2);
}

TEST(Session, MissingDataSetFailsWithAClearMessage) {
  RunConfig cfg = RunConfig::fromPreset("fmnist-small");
  cfg.data.path = "/nonexistent/fashion";
  cfg.runtime.device = "cpu";
  Session s(cfg);
  ASSERT_TRUE(s.waitIdle(60));
  auto snap = s.snapshot();
  EXPECT_EQ(snap->state, RunState::Failed);
  EXPECT_NE(snap->lastError.find("/nonexistent/fashion"), std::string::npos);
  s.post(cmd::StartTraining{});
  ASSERT_TRUE(s.waitIdle(10));
  EXPECT_EQ(s.snapshot()->state, RunState::Failed);
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(Session, XRevisionFromAGivenBatchStartsThereAndChecksItsSize) {
  Session s(test::sessionToy());
  ASSERT_TRUE(s.waitIdle(60));
  cmd::RunChain run{"x", 3, "batch", 1, {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f}};
  s.post(run);
  ASSERT_TRUE(s.waitIdle(60));
  auto snap = s.snapshot();
  const auto& xTrace = snap->chains.at("x").trace;
  ASSERT_TRUE(xTrace);
  ASSERT_FALSE(xTrace->snapshots.empty());
  EXPECT_EQ(xTrace->snapshots.front().state, run.start);
  const auto errors = snap->errorCount;
  run.start.pop_back();
  s.post(run);
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_GT(s.snapshot()->errorCount, errors);
  EXPECT_NE(s.snapshot()->lastError.find("expected 6"), std::string::npos);
}

} // namespace
} // namespace ebm
