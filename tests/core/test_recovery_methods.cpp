// DRL and CDRL as methods: presets, description, one iteration's losses and their signs,
// progressive sampling with a level axis, checkpoint round trips, and a short CDRL run that beats
// its own initializer (METHODS §2, §3, §4.7).
#include "base/runtime.h"
#include "cli/cli.h"
#include "data/toy2d.h"
#include "errors.h"
#include "io/safetensors.h"
#include "methods/method.h"
#include "methods/recovery/recovery_method.h"
#include "report.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ebm {
namespace {

RunConfig tinyToy(const std::string& method) {
  RunConfig cfg = RunConfig::fromPreset(method + "-toy2d");
  cfg.train.batchSize = 64;
  cfg.applyOverride(method + ".model.ebm_width=16");
  cfg.applyOverride(method + ".model.temb_dim=16");
  if (method == "cdrl") {
    cfg.applyOverride("cdrl.model.init_groups=4");
    cfg.applyOverride("cdrl.model.init_width=16");
    cfg.applyOverride("cdrl.model.init_temb_dim=16");
  }
  cfg.applyOverride(method + ".y.steps=5");
  cfg.applyOverride(method + ".sample.steps=5");
  cfg.validate();
  return cfg;
}

std::unique_ptr<RecoveryMethod> build(const RunConfig& cfg) {
  auto m = makeMethod(cfg, torch::kCPU);
  auto* r = dynamic_cast<RecoveryMethod*>(m.get());
  EXPECT_NE(r, nullptr);
  m.release();
  return std::unique_ptr<RecoveryMethod>(r);
}

class RecoveryMethods : public ::testing::TestWithParam<std::string> {};

TEST_P(RecoveryMethods, PresetDescribesLevelsChainsAndTables) {
  const RunConfig cfg = RunConfig::fromPreset(GetParam() + "-toy2d");
  const auto info = describeMethod(cfg);
  EXPECT_EQ(info->name, GetParam());
  EXPECT_TRUE(info->capabilities.energy);
  EXPECT_EQ(info->capabilities.noiseLevels, 6);
  EXPECT_TRUE(info->capabilities.samplesFromNoise);
  EXPECT_EQ(info->capabilities.initializer, GetParam() == "cdrl");
  ASSERT_NE(info->chain("y"), nullptr);
  ASSERT_NE(info->chain("sample"), nullptr);
  EXPECT_NE(info->table("model"), nullptr);
  EXPECT_NE(info->table("schedule"), nullptr);
  // The preset's own table round-trips through TOML.
  EXPECT_EQ(RunConfig::fromToml(cfg.toToml()).toToml(), cfg.toToml());
}

TEST_P(RecoveryMethods, OneIterationReportsFiniteLossesAndRaisesPositivesOverNegatives) {
  const RunConfig cfg = tinyToy(GetParam());
  auto method = build(cfg);
  auto gen = makeGenerator(torch::kCPU, 7);
  FixedChainSettings settings(*method, cfg);
  MethodContext ctx = settings.context(torch::kCPU, gen);
  auto dataGen = makeGenerator(torch::kCPU, 8);
  const auto batch = sampleToy2d("checkerboard", 64, dataGen);
  // Loss sign (§4.7 item 6): repeated steps on one batch raise f on the positives relative to
  // the negatives, i.e. the contrastive loss falls.
  const auto first = method->iterate(batch, ctx);
  ASSERT_FALSE(first.diverged) << first.message;
  for (double v : first.losses)
    EXPECT_TRUE(std::isfinite(v));
  double gapFirst = 0, gapLast = 0;
  for (int i = 0; i < 40; ++i) {
    auto g = makeGenerator(torch::kCPU, 100); // the same pairs and chains every time
    MethodContext fixed = settings.context(torch::kCPU, g);
    const auto r = method->iterate(batch, fixed);
    const double gap = r.losses[1] - r.losses[2];
    (i == 0 ? gapFirst : gapLast) = gap;
  }
  EXPECT_GT(gapLast, gapFirst);
}

TEST_P(RecoveryMethods, SamplingWalksDownEveryLevelAndRecordsTheLadder) {
  const RunConfig cfg = tinyToy(GetParam());
  auto method = build(cfg);
  auto gen = makeGenerator(torch::kCPU, 9);
  FixedChainSettings settings(*method, cfg);
  MethodContext ctx = settings.context(torch::kCPU, gen);
  Trace trace;
  ctx.traces["sample"] = &trace;
  const auto x = method->revise({"sample", 8, "", {}}, ctx);
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{8, 2}));
  EXPECT_TRUE(torch::isfinite(x).all().item<bool>());
  ASSERT_FALSE(trace.levels.empty());
  EXPECT_EQ(trace.levels.front(), 5);
  EXPECT_EQ(trace.levels.back(), 0);
  EXPECT_EQ(trace.levels.size(), trace.steps.size());
  EXPECT_TRUE(std::is_sorted(trace.steps.begin(), trace.steps.end()));
  EXPECT_TRUE(trace.finished);
  EXPECT_NE(trace.extra("recovery_distance"), nullptr);
}

TEST_P(RecoveryMethods, CheckpointStateRoundTripsBitExactly) {
  const RunConfig cfg = tinyToy(GetParam());
  auto a = build(cfg);
  auto gen = makeGenerator(torch::kCPU, 10);
  FixedChainSettings settings(*a, cfg);
  MethodContext ctx = settings.context(torch::kCPU, gen);
  auto dataGen = makeGenerator(torch::kCPU, 11);
  a->iterate(sampleToy2d("checkerboard", 64, dataGen), ctx);
  SafeTensors st;
  for (const auto& [name, t] : a->stateTensors())
    st.tensors.emplace_back(name, t.detach().clone().contiguous());
  RunConfig other = cfg;
  other.train.seed = 99; // different initial weights, overwritten by the load
  auto b = build(other);
  b->loadStateTensors(st);
  const auto sa = a->stateTensors(), sb = b->stateTensors();
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].first, sb[i].first);
    EXPECT_TRUE(torch::equal(sa[i].second, sb[i].second)) << sa[i].first;
  }
}

INSTANTIATE_TEST_SUITE_P(DrlAndCdrl, RecoveryMethods, ::testing::Values("drl", "cdrl"),
                         [](const auto& info) { return info.param; });

TEST(Cdrl, ShortToyRunBeatsItsOwnInitializer) {
  // After a short run on the checkerboard, the chains' samples are closer to the data (MMD) than
  // the initializer's proposals alone (the same sampler with zero Langevin steps).
  RunConfig cfg = RunConfig::fromPreset("cdrl-toy2d");
  cfg.train.batchSize = 256;
  cfg.applyOverride("cdrl.y.steps=8");
  auto method = build(cfg);
  auto gen = makeGenerator(torch::kCPU, 12);
  FixedChainSettings settings(*method, cfg);
  MethodContext ctx = settings.context(torch::kCPU, gen);
  auto dataGen = makeGenerator(torch::kCPU, 13);
  for (int i = 0; i < 300; ++i) {
    const auto r = method->iterate(sampleToy2d("checkerboard", 256, dataGen), ctx);
    ASSERT_FALSE(r.diverged) << r.message;
  }
  auto draw = [&](int steps) {
    FixedChainSettings s(*method, cfg);
    s.set("sample", "steps", steps);
    auto g = makeGenerator(torch::kCPU, 14);
    MethodContext c = s.context(torch::kCPU, g);
    return method->revise({"sample", 1000, "", {}}, c);
  };
  const auto truth = sampleToy2d("checkerboard", 1000, dataGen);
  const double withChains = mmdRbf(draw(15), truth);
  const double initializerOnly = mmdRbf(draw(0), truth);
  EXPECT_LT(withChains, initializerOnly);
}

TEST(LevelLadder, OneColumnPerLevelHoldingItsLastSnapshot) {
  // Two chains of 1x2x2 images over levels 2, 1, 0 (steps 0-1, 2-3, 4-5); each snapshot's pixels
  // are its step, so the ladder's columns must show steps 1, 3 and 5.
  Trace t;
  t.chains = 2;
  t.stateShape = {1, 2, 2};
  for (int step = 0; step < 6; ++step) {
    t.steps.push_back(step);
    t.levels.push_back(2 - step / 2);
    t.snapshots.push_back({step, std::vector<float>(8, -1.f + 0.2f * step), {}});
  }
  const Image img = renderLevelLadder(t);
  const int pad = 2;
  EXPECT_EQ(img.width, 3 * 2 + 4 * pad);  // three levels
  EXPECT_EQ(img.height, 2 * 2 + 3 * pad); // two chains
  auto pixel = [&](int col) {             // top-left pixel of chain 0's tile in column `col`
    const int x = pad + col * (2 + pad), y = pad;
    return static_cast<int>(img.pixels[static_cast<size_t>(y * img.width + x) * img.channels]);
  };
  EXPECT_LT(pixel(0), pixel(1));
  EXPECT_LT(pixel(1), pixel(2));
  Trace flat = t;
  flat.levels.clear();
  EXPECT_THROW(renderLevelLadder(flat), Error);
}

int runRecoveryCli(std::vector<std::string> args) {
  args.insert(args.begin(), "ebm-lab-cli");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  return cli::run(static_cast<int>(argv.size()), argv.data());
}

TEST(Cdrl, CliSamplesTheShippedModelWithFewerStepsPerLevel) {
  // K' = 5 of K = 15 steps per level: the step multiplier becomes sqrt(15 / 5) (METHODS §4.4).
  const std::string shipped =
      std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/cdrl-toy2d.safetensors";
  const auto dir = test::tempDir("cdrl_cli");
  testing::internal::CaptureStdout();
  const int rc = runRecoveryCli({"sample", "--checkpoint", shipped, "--chains", "4",
                                 "--steps-per-level", "5", "--out", dir + "/fewer"});
  const std::string out = testing::internal::GetCapturedStdout();
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("5 steps per level instead of 15: step multiplier 1 x sqrt(15/5) = 1.73205"),
            std::string::npos)
      << out;
  // Six levels of 5 steps plus each level's start state: steps 0..35.
  EXPECT_NE(out.find("sample-revision: 4 chains, 35 steps"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir + "/fewer/samples.png"));  // a 2-D ladder: end points
  EXPECT_TRUE(std::filesystem::exists(dir + "/fewer/samples.csv"));
  // A chain without noise levels has no step multiplier to scale.
  const std::string dual = std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";
  EXPECT_EQ(runRecoveryCli(
                {"sample", "--checkpoint", dual, "--steps-per-level", "5", "--out", dir + "/dual"}),
            1);
}

// The share of samples.csv's points within 0.15 of (x, y).
double shareNear(const std::string& csv, double x, double y) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line); // header
  int near = 0, all = 0;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    const double px = std::stod(line.substr(0, comma)), py = std::stod(line.substr(comma + 1));
    near += std::hypot(px - x, py - y) < 0.15;
    ++all;
  }
  return all ? double(near) / all : 0.0;
}

TEST(Cdrl, CliComposesARowAndAColumnOfTheShippedGridModel) {
  // Row 1 (y = -0.4, class 1) and column 3 (x = 0.4, class 8) of the 5 x 5 grid: their product
  // relative to the unconditional model puts the samples on the one mode they share.
  const std::string grid =
      std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/cdrl-grid2d-cond.safetensors";
  const auto dir = test::tempDir("cdrl_compose");
  testing::internal::CaptureStdout();
  const int rc = runRecoveryCli({"sample", "--checkpoint", grid, "--chains", "500", "--labels",
                                 "1,8", "--guidance", "1", "--out", dir + "/both"});
  ASSERT_EQ(rc, 0) << testing::internal::GetCapturedStdout();
  ASSERT_EQ(runRecoveryCli({"sample", "--checkpoint", grid, "--chains", "500", "--labels", "1",
                            "--guidance", "1", "--out", dir + "/row"}),
            0);
  testing::internal::GetCapturedStdout();
  const double both = shareNear(dir + "/both/samples.csv", 0.4, -0.4);
  const double rowOnly = shareNear(dir + "/row/samples.csv", 0.4, -0.4);
  EXPECT_GT(both, 0.8);
  EXPECT_LT(rowOnly, 0.4);
  // An unconditional model takes no labels; a fourth label has no slot.
  const std::string plain =
      std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/cdrl-toy2d.safetensors";
  EXPECT_EQ(runRecoveryCli({"sample", "--checkpoint", plain, "--labels", "1", "--out",
                            dir + "/plain"}),
            1);
  EXPECT_EQ(runRecoveryCli({"sample", "--checkpoint", grid, "--labels", "1,2,3,4", "--out",
                            dir + "/four"}),
            1);
}

} // namespace
} // namespace ebm
