// The level sampler of DRL and CDRL as tasks use it (METHODS §4.4): the long run at level 0,
// inpainting by replacement, and interpolation in the top-level noise with common chain noise.
#include "base/runtime.h"
#include "data/toy2d.h"
#include "errors.h"
#include "methods/capabilities.h"
#include "methods/method.h"
#include "tasks/inpainting.h"
#include "tasks/interpolation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ebm {
namespace {

RunConfig tinyImages(const std::string& method) {
  RunConfig cfg = RunConfig::fromPreset(method + "-fmnist");
  for (const std::string o : {".model.ebm_width=8", ".model.temb_dim=8", ".model.ch_mult=1,2",
                              ".y.steps=3", ".sample.steps=3"})
    cfg.applyOverride(method + o);
  if (method == "cdrl")
    for (const char* o : {"cdrl.model.init_width=8", "cdrl.model.init_temb_dim=8",
                          "cdrl.model.init_groups=4", "cdrl.model.init_mult=1,2"})
      cfg.applyOverride(o);
  cfg.validate();
  return cfg;
}

class LevelSamplerTasks : public ::testing::TestWithParam<std::string> {};

TEST_P(LevelSamplerTasks, LongRunAddsItsStepsAtTheLowestLevel) {
  const RunConfig cfg = tinyImages(GetParam());
  auto method = makeMethod(cfg, torch::kCPU);
  auto& sampler = requireLevelSampler(*method, "the test");
  auto run = [&](int longRun) {
    FixedChainSettings s(*method, cfg);
    s.set("sample", "long_run", longRun);
    auto gen = makeGenerator(torch::kCPU, 5);
    MethodContext ctx = s.context(torch::kCPU, gen);
    Trace trace;
    ctx.traces["sample"] = &trace;
    sampler.sampleFrom(sampler.sampleNoise(3, gen), ctx);
    return trace;
  };
  const Trace plain = run(0), longer = run(20);
  EXPECT_EQ(longer.lastStep(), plain.lastStep() + 1 + 20); // a new segment starts at its state
  ASSERT_EQ(longer.levels.size(), longer.steps.size());
  EXPECT_EQ(longer.levels.back(), 0);
  EXPECT_TRUE(longer.finished);
}

TEST_P(LevelSamplerTasks, ARevisionFromGivenNoiseIsTheLadderFromThatNoise) {
  // Init "batch" (the arena's shared noise): the revision runs the ladder from the given
  // top-level noise, the very run sampleFrom makes from it with the same chain noise.
  const RunConfig cfg = tinyImages(GetParam());
  auto method = makeMethod(cfg, torch::kCPU);
  auto& sampler = requireLevelSampler(*method, "the test");
  auto noiseGen = makeGenerator(torch::kCPU, 11);
  const torch::Tensor start = sampler.sampleNoise(3, noiseGen);
  FixedChainSettings s(*method, cfg);
  auto genA = makeGenerator(torch::kCPU, 5);
  MethodContext a = s.context(torch::kCPU, genA);
  Trace trace;
  a.traces["sample"] = &trace;
  RevisionRequest request;
  request.chain = "sample";
  request.chains = 3;
  request.init = "batch";
  request.batch = start;
  const torch::Tensor revised = method->revise(request, a);
  // A second model of the same config (the same initial weights): a run may change state such
  // as the spectral norm's power-iteration vectors, so the first model is not run twice.
  auto twin = makeMethod(cfg, torch::kCPU);
  FixedChainSettings t(*twin, cfg);
  auto genB = makeGenerator(torch::kCPU, 5);
  MethodContext b = t.context(torch::kCPU, genB);
  const torch::Tensor direct = requireLevelSampler(*twin, "the test").sampleFrom(start, b);
  // Equal up to float rounding (an untrained tiny model's samples reach |x| ~ 10^3).
  EXPECT_TRUE(torch::allclose(revised, direct, 1e-5, 1e-5));
  ASSERT_FALSE(trace.snapshots.empty());
  if (GetParam() == "drl") {  // DRL's chain starts at the noise itself (CDRL: at a proposal)
    const auto flat = start.flatten();
    const std::vector<float> given(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
    EXPECT_EQ(trace.snapshots.front().state, given);
  }
}

TEST_P(LevelSamplerTasks, KnownPixelsStayAndTheHoleIsSampled) {
  const RunConfig cfg = tinyImages(GetParam());
  auto method = makeMethod(cfg, torch::kCPU);
  auto& sampler = requireLevelSampler(*method, "the test");
  auto gen = makeGenerator(torch::kCPU, 6);
  const auto x = torch::rand({2, 1, 32, 32}, gen) * 2 - 1;
  auto mask = torch::ones({2, 1, 32, 32});
  mask.narrow(2, 8, 16).narrow(3, 8, 16).zero_();
  FixedChainSettings s(*method, cfg);
  MethodContext ctx = s.context(torch::kCPU, gen);
  const auto out = sampler.sampleFrom(sampler.sampleNoise(2, gen), ctx, {x, mask});
  EXPECT_TRUE(torch::equal(out * mask, x * mask));
  EXPECT_GT(((out - x) * (1 - mask)).abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST_P(LevelSamplerTasks, InpaintingRunsTheLadderAndScoresItsStages) {
  const RunConfig cfg = tinyImages(GetParam());
  auto method = makeMethod(cfg, torch::kCPU);
  std::vector<float> images(2 * 1024);
  for (size_t i = 0; i < images.size(); ++i)
    images[i] = std::sin(0.3f * float(i));
  std::vector<Mask> masks(2, makeMask("M40", 32, 32, 1));
  InpaintSettings settings;
  settings.chains = 1; // one chain per image is fine without BatchNorm
  const auto r = inpaint(*method, cfg, images, {1, 32, 32}, masks, settings);
  ASSERT_EQ(r.stages.size(), GetParam() == "cdrl" ? 2u : 1u);
  EXPECT_NE(r.stages.back().name.find("ladder"), std::string::npos);
  for (const auto& st : r.stages) {
    EXPECT_EQ(st.images.size(), images.size());
    EXPECT_TRUE(std::isfinite(st.scores.psnrHole));
  }
  EXPECT_FALSE(r.xCurveSteps.empty());
  // Observed pixels are the image's own in every stage.
  for (size_t i = 0; i < images.size(); ++i)
    if (masks[i / 1024].observed[i % 1024])
      EXPECT_FLOAT_EQ(r.stages.back().images[i], images[i]);
}

TEST_P(LevelSamplerTasks, InterpolationEndsAreTheSamplesOfTheEndNoises) {
  const RunConfig cfg = tinyImages(GetParam());
  auto method = makeMethod(cfg, torch::kCPU);
  InterpolationSettings s;
  s.points = 4;
  s.spherical = true;
  const auto r = interpolate(*method, cfg, s);
  ASSERT_EQ(r.decoded.size(), 4u * 1024u);
  EXPECT_EQ(r.nz, 1024);
  ASSERT_EQ(r.energyDecoded.size(), 4u);
  // Common chain noise: the same path point gives the same image, so a second run agrees.
  const auto again = interpolate(*method, cfg, s);
  EXPECT_EQ(again.decoded, r.decoded);
  // Different ends give different images: the start matters.
  EXPECT_NE(std::vector<float>(r.decoded.begin(), r.decoded.begin() + 1024),
            std::vector<float>(r.decoded.end() - 1024, r.decoded.end()));
  s.ends = "data";
  EXPECT_THROW(interpolate(*method, cfg, s), Error);
}

INSTANTIATE_TEST_SUITE_P(DrlAndCdrl, LevelSamplerTasks, ::testing::Values("drl", "cdrl"),
                         [](const auto& info) { return info.param; });

} // namespace
} // namespace ebm
