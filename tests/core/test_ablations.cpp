// The paper's ablations as training settings (§3.3, Tab. 4-5): each switch changes what it
// claims to change, checked by what an update may and may not depend on.
#include "config.h"
#include "methods/dual_mcmc/dual_mcmc.h"
#include "test_helpers.h"
#include "errors.h"
#include "base/runtime.h"
#include "data/toy2d.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace ebm {
namespace {

RunConfig ablationToy() {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  cfg.runtime.device = "cpu";
  test::DualEdit(cfg)->model.ebmWidth = 32;
  test::DualEdit(cfg)->model.genWidth = 32;
  test::DualEdit(cfg)->model.infWidth = 32;
  cfg.train.batchSize = 64;
  test::DualEdit(cfg)->x.steps = 5;
  test::DualEdit(cfg)->z.steps = 5;
  return cfg;
}

struct AblationHarness {
  explicit AblationHarness(const RunConfig& cfg)
      : method(cfg, torch::kCPU), gen(makeGenerator(torch::kCPU, 31)), settings(method, cfg),
        ctx(settings.context(torch::kCPU, gen)) {}
  IterationResult step(const torch::Tensor& batch) { return method.iterate(batch, ctx); }
  DualMcmc method;
  torch::Generator gen;
  FixedChainSettings settings;
  MethodContext ctx;
};

torch::Tensor batchFrom(uint64_t seed, int n = 64) {
  auto g = makeGenerator(torch::kCPU, seed);
  return sampleToy2d("8gaussians", n, g);
}

/// Copies of the parameters whose names start with `prefix` ("E.", "G." or "I.").
std::vector<torch::Tensor> params(const DualMcmc& m, const std::string& prefix) {
  std::vector<torch::Tensor> out;
  for (const auto& [name, t] : m.stateTensors())
    if (name.rfind(prefix, 0) == 0)
      out.push_back(t.clone());
  return out;
}

bool same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!torch::equal(a[i], b[i]))
      return false;
  return true;
}

void perturb(torch::nn::Module& module, uint64_t seed) {
  torch::NoGradGuard noGrad;
  auto g = makeGenerator(torch::kCPU, seed);
  for (auto& p : module.parameters())
    p.add_(torch::randn(p.sizes(), g) * 0.3);
}

double loss(const DualMcmc& m, const IterationResult& r, const std::string& name) {
  const auto names = m.info().lossNames;
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return r.losses.at(i);
  ADD_FAILURE() << "no loss named " << name;
  return std::nan("");
}

TEST(Ablations, ModeRoundTripsAndValidates) {
  RunConfig c;
  test::DualEdit(c)->train.mode = "cooperative";
  EXPECT_EQ(test::dual(RunConfig::fromToml(c.toToml())).train.mode, "cooperative");
  EXPECT_EQ(test::dual(RunConfig()).train.mode, "dual");
  try {
    RunConfig::fromToml("[train]\nmode = \"coop\"\n");
    ADD_FAILURE() << "unknown mode accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("train.mode"), std::string::npos) << e.what();
  }
  // A short-run EBM has no generator to start from.
  RunConfig s = ablationToy();
  test::DualEdit(s)->train.mode = "short-run";
  EXPECT_THROW(s.validate(), ConfigError);
  test::DualEdit(s)->x.init = "uniform";
  EXPECT_NO_THROW(s.validate());
  EXPECT_NO_THROW(s.applyOverride("x.init=gaussian"));
  EXPECT_THROW(s.applyOverride("x.init=generator"), ConfigError);
}

TEST(Ablations, ZeroXStepsTrainsOnGeneratorSamples) {
  configureThreads(1);
  RunConfig cfg = ablationToy();
  test::DualEdit(cfg)->x.steps = 0;  // generator-only sampling: x~ = x0
  AblationHarness h(cfg);
  const auto eBefore = params(h.method, "E.");
  const auto r = h.step(batchFrom(1));
  ASSERT_FALSE(r.diverged) << r.message;
  for (double v : r.losses)
    EXPECT_TRUE(std::isfinite(v));
  EXPECT_EQ(loss(h.method, r, "x_shift"), 0.0);
  EXPECT_EQ(loss(h.method, r, "G_sample"), 0.0);
  EXPECT_FALSE(same(eBefore, params(h.method, "E.")));
}

TEST(Ablations, NoiseStartedZChainsDoNotDependOnTheInferenceModel) {
  configureThreads(1);
  const auto batch = batchFrom(2);
  // The generator update sees I only through the z-chain's start: with prior starts (the paper's
  // "L = k" rows) a different I gives the same G; with inference starts ("Inf + L") it does not.
  for (const std::string init : {"gaussian", "inference"}) {
    RunConfig cfg = ablationToy();
    test::DualEdit(cfg)->z.init = init;
    AblationHarness a(cfg), b(cfg);
    perturb(b.method.inference(), 9);
    a.step(batch);
    b.step(batch);
    const bool equalG = same(params(a.method, "G."), params(b.method, "G."));
    EXPECT_EQ(equalG, init == "gaussian") << "z.init = " << init;
  }
  // initialZ itself: a prior start ignores the data and the inference model.
  AblationHarness h(ablationToy());
  auto g1 = makeGenerator(torch::kCPU, 4), g2 = makeGenerator(torch::kCPU, 4);
  const auto za = h.method.initialZ(batchFrom(5), "gaussian", g1);
  perturb(h.method.inference(), 3);
  const auto zb = h.method.initialZ(batchFrom(6), "gaussian", g2);
  EXPECT_TRUE(torch::equal(za, zb));
}

TEST(Ablations, CooperativeGeneratorUpdateNeverReadsTheData) {
  configureThreads(1);
  const auto batch1 = batchFrom(7), batch2 = batchFrom(8);
  for (const std::string mode : {"cooperative", "dual"}) {
    RunConfig cfg = ablationToy();
    test::DualEdit(cfg)->train.mode = mode;
    AblationHarness a(cfg), b(cfg);
    const auto ra = a.step(batch1);
    const auto rb = b.step(batch2);
    ASSERT_FALSE(ra.diverged || rb.diverged) << ra.message << rb.message;
    const bool equalG = same(params(a.method, "G."), params(b.method, "G."));
    EXPECT_EQ(equalG, mode == "cooperative") << "train.mode = " << mode;
    // The EBM still learns from the data in both modes.
    EXPECT_FALSE(same(params(a.method, "E."), params(b.method, "E."))) << mode;
  }
  RunConfig cfg = ablationToy();
  test::DualEdit(cfg)->train.mode = "cooperative";
  AblationHarness h(cfg);
  const auto names = h.method.info().lossNames;
  EXPECT_EQ(std::count(names.begin(), names.end(), "G_data"), 0);
  const auto iBefore = params(h.method, "I.");
  const auto r = h.step(batch1);
  ASSERT_EQ(r.losses.size(), names.size());
  EXPECT_FALSE(same(iBefore, params(h.method, "I.")))
      << "I still learns from the generated pairs (x~, z)";
}

TEST(Ablations, ShortRunTrainsOnlyTheEbmFromNoise) {
  configureThreads(1);
  RunConfig cfg = ablationToy();
  test::DualEdit(cfg)->train.mode = "short-run";
  test::DualEdit(cfg)->x.init = "uniform";
  AblationHarness a(cfg), b(cfg);
  perturb(b.method.generator(), 11);
  const auto g0 = params(a.method, "G."), i0 = params(a.method, "I."), e0 = params(a.method, "E.");
  const auto batch = batchFrom(12);
  for (int k = 0; k < 2; ++k) {
    const auto ra = a.step(batch);
    const auto rb = b.step(batch);
    ASSERT_FALSE(ra.diverged || rb.diverged) << ra.message << rb.message;
    ASSERT_EQ(ra.losses.size(), a.method.info().lossNames.size());
  }
  EXPECT_TRUE(same(g0, params(a.method, "G.")));
  EXPECT_TRUE(same(i0, params(a.method, "I.")));
  EXPECT_FALSE(same(e0, params(a.method, "E.")));
  // No generator in the EBM update: a different G leaves the EBM's trajectory unchanged.
  EXPECT_TRUE(same(params(a.method, "E."), params(b.method, "E.")));
}

} // namespace
} // namespace ebm
