// The method seam, proven by a second user: a test-only method (short-run Langevin on an
// analytic 2-D energy, one chain, one live setting) registered from this binary and driven
// through the registry, the Session and the CLI's train/sample commands, none of which name it.
#include "analytic_method.h"

#include "cli/cli.h"
#include "errors.h"
#include "methods/checkpoint.h"
#include "methods/method.h"
#include "session.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace ebm {
namespace {

RunConfig analyticConfig() {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  cfg.setMethod(test::kAnalyticMethod);  // Dual-MCMC's table does not carry over
  cfg.train.batchSize = 256;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 1;
  return cfg;
}

std::shared_ptr<const SessionSnapshot> idleSession(Session& s) {
  EXPECT_TRUE(s.waitIdle(60));
  auto snap = s.snapshot();
  EXPECT_EQ(snap->state, RunState::Idle) << snap->lastError;
  return snap;
}

class MethodSeam : public ::testing::Test {
protected:
  void SetUp() override { test::registerAnalyticMethod(); }
};

TEST_F(MethodSeam, RegisteredMethodDescribesItsChainAndCapabilities) {
  const auto names = methodNames();
  EXPECT_NE(std::find(names.begin(), names.end(), test::kAnalyticMethod), names.end());
  const auto info = describeMethod(analyticConfig());
  ASSERT_EQ(info->chains.size(), 1u);
  EXPECT_EQ(info->chains[0].name, "walk");
  EXPECT_TRUE(info->capabilities.energy);
  EXPECT_FALSE(info->capabilities.latentModel);
}

TEST_F(MethodSeam, SessionRunsItsChainWithLiveSettingsAndRefusesForeignOnes) {
  Session s(analyticConfig());
  auto snap = idleSession(s);
  ASSERT_TRUE(snap->methodInfo);
  EXPECT_EQ(snap->method, test::kAnalyticMethod);
  ASSERT_EQ(snap->chains.count("walk"), 1u);
  EXPECT_EQ(snap->chains.at("walk").settings.number("step_size"), 0.2);

  SettingValues foreign;
  foreign.numbers["noise"] = 0.1; // Dual-MCMC's x-chain has it; this chain does not
  EXPECT_FALSE(s.setChainSettings("walk", foreign));
  EXPECT_FALSE(s.setChainSettings("x", {}));
  SettingValues step;
  step.numbers["step_size"] = 0.1;
  ASSERT_TRUE(s.setChainSettings("walk", step));
  s.post(cmd::RunChain{"walk", 64, "", 3, {}});
  snap = idleSession(s);
  const auto& view = snap->chains.at("walk");
  ASSERT_TRUE(view.trace);
  EXPECT_TRUE(view.fromRevision);
  EXPECT_EQ(view.trace->chain, "walk");
  EXPECT_EQ(view.trace->lastStep(), 40);
  EXPECT_TRUE(view.trace->finished);
  for (double s : view.trace->stepSize)
    EXPECT_DOUBLE_EQ(s, 0.1);
  for (double n : view.trace->noise) // the kernel's noise std is its step size
    EXPECT_DOUBLE_EQ(n, 0.1);
}

TEST_F(MethodSeam, ItsChainSamplesTheAnalyticGaussian) {
  // E = |x - theta|^2 / (2 sigma^2) at temperature 1 is N(theta, sigma^2 I); theta starts at
  // (1, 1). Small steps, long chains: the moments match to the discretisation bias.
  Session s(analyticConfig());
  idleSession(s);
  SettingValues v;
  v.numbers = {{"step_size", 0.05}, {"steps", 3000}};
  ASSERT_TRUE(s.setChainSettings("walk", v));
  s.post(cmd::RunChain{"walk", 2000, "", 11, {}});
  ASSERT_TRUE(s.waitIdle(300));
  const auto trace = s.snapshot()->chains.at("walk").trace;
  ASSERT_TRUE(trace && trace->finished);
  const auto& last = trace->snapshots.back().state;
  double m[2] = {0, 0}, q[2] = {0, 0};
  const int n = trace->chains;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < 2; ++k) {
      m[k] += last[2 * i + k] / n;
      q[k] += last[2 * i + k] * last[2 * i + k] / n;
    }
  for (int k = 0; k < 2; ++k) {
    EXPECT_NEAR(m[k], 1.0, 0.05);
    EXPECT_NEAR(std::sqrt(q[k] - m[k] * m[k]), test::kAnalyticSigma, 0.03);
  }
}

TEST_F(MethodSeam, TrainingMovesThetaToTheDataMeanAndCheckpointsRoundTrip) {
  const auto dir = test::tempDir("seam_session");
  SessionOptions opts;
  opts.runDir = dir;
  Session s(analyticConfig(), opts);
  idleSession(s);
  s.post(cmd::StartTraining{150});
  ASSERT_TRUE(s.waitIdle(300));
  auto snap = s.snapshot();
  ASSERT_EQ(snap->iteration, 150) << snap->lastError;
  const auto& names = snap->losses->names;
  const auto& row = snap->losses->rows.back();
  const auto col = [&](const char* n) {
    return row[std::find(names.begin(), names.end(), n) - names.begin()];
  };
  // 8 Gaussians on a circle: the data mean is the origin.
  EXPECT_LT(std::hypot(col("theta_x"), col("theta_y")), 0.3);
  const auto opened = openCheckpoint(dir + "/checkpoint.safetensors", "cpu");
  EXPECT_EQ(opened.info.iteration, 150);
  EXPECT_EQ(opened.method->name(), test::kAnalyticMethod);
}

/// `text` with the line `key = ...` of the table `[table]` replaced by `line`.
std::string withLine(std::string text, const std::string& table, const std::string& key,
                     const std::string& line) {
  const auto head = text.find("[" + table + "]\n");
  EXPECT_NE(head, std::string::npos) << text;
  const auto at = text.find("\n" + key + " = ", head);
  EXPECT_NE(at, std::string::npos) << text;
  const auto end = text.find('\n', at + 1);
  return text.replace(at + 1, end - at - 1, line);
}

TEST_F(MethodSeam, ItsOwnTomlTableIsReadCheckedWrittenAndOverridden) {
  // toToml writes the method's table with every key, defaults filled in.
  const std::string written = analyticConfig().toToml();
  EXPECT_NE(written.find("[test_analytic.walk]\nsteps = 40\nstep_size = 0.2\n"),
            std::string::npos)
      << written;
  EXPECT_EQ(written.find("[dual_mcmc."), std::string::npos) << written;
  const std::string text = withLine(written, "test_analytic.walk", "step_size", "step_size = 0.05");
  RunConfig cfg = RunConfig::fromToml(text, "seam.toml");
  EXPECT_EQ(cfg.methodSettings.at("walk").number("step_size"), 0.05);
  // Written back and read again, the table survives.
  const RunConfig again = RunConfig::fromToml(cfg.toToml(), "again.toml");
  EXPECT_EQ(again.methodSettings.at("walk").number("step_size"), 0.05);
  // Its values are checked against the chain's schema, naming table, chain and key.
  try {
    RunConfig::fromToml(withLine(written, "test_analytic.walk", "step_size", "step_size = -1"),
                        "bad.toml");
    ADD_FAILURE() << "a negative step size was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test_analytic.walk.step_size = -1"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(RunConfig::fromToml(written + "\n[test_analytic.x]\nsteps = 3\n", "chain.toml"),
               ConfigError);
  // Dual-MCMC's aliases are Dual-MCMC's: an old [x] table means nothing to this method.
  EXPECT_THROW(RunConfig::fromToml(written + "\n[x]\nsteps = 3\n", "alias.toml"), ConfigError);
  RunConfig copy = cfg;
  EXPECT_THROW(copy.applyOverride("x.steps=3"), ConfigError);
  // Another method's table is not this one's: Dual-MCMC's config refuses it as unknown.
  EXPECT_THROW(RunConfig::fromToml(RunConfig::fromPreset("toy2d").toToml() +
                                       "\n[test_analytic.walk]\nstep_size = 0.1\n",
                                   "other.toml"),
               ConfigError);
  cfg.applyOverride("test_analytic.walk.steps=7");
  EXPECT_EQ(cfg.methodSettings.at("walk").number("steps"), 7);
  EXPECT_THROW(cfg.applyOverride("test_analytic.walk.noise=0.1"), ConfigError);

  // A session starts its chain from the table, and a checkpoint's config keeps a live change.
  const auto dir = test::tempDir("seam_table");
  SessionOptions opts;
  opts.runDir = dir;
  Session s(cfg, opts);
  auto snap = idleSession(s);
  EXPECT_EQ(snap->chains.at("walk").settings.number("step_size"), 0.05);
  SettingValues v;
  v.numbers["step_size"] = 0.07;
  ASSERT_TRUE(s.setChainSettings("walk", v));
  s.post(cmd::SaveCheckpoint{});
  idleSession(s);
  const auto info = readCheckpointInfo(dir + "/checkpoint.safetensors");
  EXPECT_EQ(info.config.methodSettings.at("walk").number("step_size"), 0.07);
  EXPECT_EQ(info.config.methodSettings.at("walk").number("steps"), 7);
}

int runCli(std::vector<std::string> args) {
  args.insert(args.begin(), "ebm-lab-cli");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  return cli::run(static_cast<int>(argv.size()), argv.data());
}

TEST_F(MethodSeam, TheCliTrainsAndSamplesIt) {
  const auto dir = test::tempDir("seam_cli");
  ASSERT_EQ(runCli({"train", "--preset", "toy2d", "--set", "train.method=\"test-analytic\"",
                    "--set", "train.batch_size=128", "--iterations", "20", "--threads", "1",
                    "--out", dir + "/run"}),
            0);
  ASSERT_TRUE(std::filesystem::exists(dir + "/run/checkpoint.safetensors"));
  testing::internal::CaptureStdout();
  const int rc = runCli({"sample", "--checkpoint", dir + "/run/checkpoint.safetensors", "--steps",
                         "12", "--chains", "8", "--out", dir + "/sample"});
  const std::string out = testing::internal::GetCapturedStdout();
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("walk-revision: 8 chains, 12 steps"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir + "/sample/trajectory.png"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/sample/energy.csv"));
  // reconstruct asks for a chain conditioned on data, which this method does not have.
  EXPECT_EQ(runCli({"reconstruct", "--checkpoint", dir + "/run/checkpoint.safetensors", "--out",
                    dir + "/recon"}),
            1);
}

} // namespace
} // namespace ebm
