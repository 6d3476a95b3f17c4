#include "methods/dual_mcmc/dual_mcmc.h"
#include "sampling/langevin.h"
#include "base/runtime.h"
#include "errors.h"
#include "data/toy2d.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm {
namespace {

TEST(DualMcmc, InferenceNllIsTheGaussianFormula) {
  torch::manual_seed(5);
  const int B = 6, nz = 4;
  Posterior q{torch::randn({B, nz, 1, 1}), torch::randn({B, nz, 1, 1}) * 0.5};
  const auto z = torch::randn({B, nz, 1, 1});
  const auto nll = gaussianNll(z, q);
  for (int b = 0; b < B; ++b) {
    double logN = 0;  // log N(z; mu, diag e^l) summed over dims
    for (int d = 0; d < nz; ++d) {
      const double mu = q.mu[b][d][0][0].item<double>();
      const double lv = q.logvar[b][d][0][0].item<double>();
      const double zz = z[b][d][0][0].item<double>();
      const double var = std::exp(lv);
      logN += -0.5 * std::log(2 * M_PI * var) - 0.5 * (zz - mu) * (zz - mu) / var;
    }
    const double expected = -logN - 0.5 * nz * std::log(2 * M_PI);
    EXPECT_NEAR(nll[b].item<double>(), expected, 1e-4 * std::fabs(expected) + 1e-4);
  }
}

RunConfig toyConfig() {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  cfg.runtime.device = "cpu";
  return cfg;
}

struct Harness {
  explicit Harness(const RunConfig& cfg)
      : method(cfg, torch::kCPU), gen(makeGenerator(torch::kCPU, 21)),
        dataGen(makeGenerator(torch::kCPU, 22)), settings(method, cfg),
        ctx(settings.context(torch::kCPU, gen)) {}
  DualMcmc method;
  torch::Generator gen, dataGen;
  FixedChainSettings settings;
  MethodContext ctx;
};

TEST(DualMcmc, OneIterationUpdatesEveryModelAndReportsFiniteLosses) {
  configureThreads(2);
  Harness h(toyConfig());
  std::vector<torch::Tensor> before;
  for (auto& [name, t] : h.method.stateTensors())
    before.push_back(t.clone());
  const auto batch = sampleToy2d("8gaussians", 256, h.dataGen);
  const auto r = h.method.iterate(batch, h.ctx);
  ASSERT_FALSE(r.diverged) << r.message;
  ASSERT_EQ(r.losses.size(), h.method.info().lossNames.size());
  for (double v : r.losses)
    EXPECT_TRUE(std::isfinite(v));
  bool eChanged = false, gChanged = false, iChanged = false;
  size_t i = 0;
  for (auto& [name, t] : h.method.stateTensors()) {
    const bool changed = !torch::equal(before[i++], t);
    eChanged |= name.rfind("E.", 0) == 0 && changed;
    gChanged |= name.rfind("G.", 0) == 0 && changed;
    iChanged |= name.rfind("I.", 0) == 0 && changed;
  }
  EXPECT_TRUE(eChanged && gChanged && iChanged);
}

TEST(DualMcmc, AnIterationRefusesATemperatureTheLossCannotBeDividedByNamingTheSettings) {
  Harness h(toyConfig());
  const auto batch = sampleToy2d("8gaussians", 64, h.dataGen);
  const auto before = h.method.stateTensors().front().second.clone();
  for (const auto& [key, value] : {std::pair{"noise", 0.0}, std::pair{"step_size", 1e-300}}) {
    const double kept = h.settings.get("x").numbers.at(key);
    h.settings.set("x", key, value);
    try {
      h.method.iterate(batch, h.ctx);
      FAIL() << key << " = " << value << " was trained with";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("temperature T = (n/s)^2"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find(std::string("x.") + key), std::string::npos);
    }
    h.settings.set("x", key, kept);
  }
  EXPECT_TRUE(torch::equal(before, h.method.stateTensors().front().second)) << "nothing changed";
}

TEST(DualMcmc, EbmStepLowersDataEnergyRelativeToNegatives) {
  // METHODS §4.7 item 6: loss sign. Same negatives before and after one update.
  RunConfig cfg = toyConfig();
  test::DualEdit(cfg)->train.twoChains = false;
  Harness h(cfg);
  auto probeGen = makeGenerator(torch::kCPU, 3);
  const auto data = sampleToy2d("8gaussians", 512, probeGen);
  const auto noise = torch::rand({512, 2}, probeGen) * 3.0 - 1.5;
  const double gapBefore =
      (h.method.energy(data).mean() - h.method.energy(noise).mean()).item<double>();
  for (int i = 0; i < 5; ++i)
    h.method.iterate(sampleToy2d("8gaussians", 256, h.dataGen), h.ctx);
  const double gapAfter =
      (h.method.energy(data).mean() - h.method.energy(noise).mean()).item<double>();
  EXPECT_LT(gapAfter, gapBefore);
}

TEST(DualMcmc, ShortRunOnEightGaussiansLearns) {
  configureThreads(1);  // the toy MLPs are dispatch-bound: one thread is fastest
  RunConfig cfg = toyConfig();
  Harness h(cfg);
  auto evalGen = makeGenerator(torch::kCPU, 99);
  const auto truth = sampleToy2d("8gaussians", 1000, evalGen);
  auto samples = [&] {
    auto g = makeGenerator(torch::kCPU, 5);
    ChainControl ctl;
    ctl.gen = &g;
    return langevinX(h.method.ebm(), h.method.initialX(1000, "generator", g),
                     test::dual(cfg).x, ctl);
  };
  const double mmdBefore = mmdRbf(samples(), truth);
  for (int i = 0; i < 400; ++i) {
    const auto r = h.method.iterate(sampleToy2d("8gaussians", 256, h.dataGen), h.ctx);
    ASSERT_FALSE(r.diverged) << "iteration " << i << ": " << r.message;
  }
  const double mmdAfter = mmdRbf(samples(), truth);
  EXPECT_LT(mmdAfter, 0.5 * mmdBefore) << "MMD before " << mmdBefore << " after " << mmdAfter;

  auto g = makeGenerator(torch::kCPU, 6);
  const auto uniform = torch::rand({1000, 2}, g) * 3.0 - 1.5;
  const double eData = h.method.energy(truth).mean().item<double>();
  const double eUniform = h.method.energy(uniform).mean().item<double>();
  EXPECT_LT(eData, eUniform) << "data should get lower energy than uniform noise";
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(DualMcmc, IterationAndCheckpointStateOnGpu_CUDA) {
  if (!torch::cuda::is_available())
    GTEST_SKIP() << "no CUDA device";
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  DualMcmc gpu(cfg, torch::Device(torch::kCUDA, 0));
  auto gen = makeGenerator(torch::Device(torch::kCUDA, 0), 1);
  auto cpuGen = makeGenerator(torch::kCPU, 1);
  FixedChainSettings settings(gpu, cfg);
  auto ctx = settings.context(torch::Device(torch::kCUDA, 0), gen);
  for (int i = 0; i < 3; ++i) {
    const auto r = gpu.iterate(sampleToy2d("8gaussians", 256, cpuGen), ctx);
    ASSERT_FALSE(r.diverged) << r.message;
  }
  for (auto& [name, t] : gpu.stateTensors())
    EXPECT_TRUE(t.is_cuda() || name.find(".step") != std::string::npos) << name;
  // The same weights give the same energies on CPU.
  DualMcmc cpu(cfg, torch::kCPU);
  const auto src = gpu.stateTensors();
  auto dst = cpu.stateTensors();
  for (size_t i = 0; i < src.size(); ++i) {
    torch::NoGradGuard g;
    dst[i].second.copy_(src[i].second.cpu());
  }
  const auto probe = sampleToy2d("8gaussians", 64, cpuGen);
  EXPECT_TRUE(torch::allclose(gpu.energy(probe), cpu.energy(probe), 1e-4, 1e-4));
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(DualMcmc, RevisionsFromDifferentInitialisersShareTheirLangevinNoise) {
  // Common random numbers: with the same seed, the noise added along the chain does not
  // depend on how the start states were drawn. With a zero step size the chain is pure noise,
  // so end - start must be identical for two initialisers.
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  DualMcmc m(cfg, torch::kCPU);
  LangevinXConfig xs = test::dual(cfg).x;
  xs.stepSize = 1e-12;
  xs.noise = 0.1;
  xs.steps = 5;
  LiveValue<SettingValues> live(toSettings(xs));
  std::vector<torch::Tensor> moves;
  for (const char* init : {"gaussian", "uniform"}) {
    auto gen = makeGenerator(torch::kCPU, 42);
    Trace trace;
    MethodContext ctx;
    ctx.gen = &gen;
    ctx.settings["x"] = &live;
    ctx.traces["x"] = &trace;
    RevisionRequest req;
    req.chain = "x";
    req.chains = 8;
    req.init = init;
    const auto end = m.revise(req, ctx);
    const auto& first = trace.snapshots.front().state;
    const auto start = torch::from_blob(const_cast<float*>(first.data()), {8, 2}).clone();
    moves.push_back(end - start);
  }
  EXPECT_TRUE(torch::allclose(moves[0], moves[1], 1e-5, 1e-6));
}

} // namespace
} // namespace ebm
