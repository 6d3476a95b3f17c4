#include "bench.h"

#include "blas_kernels.h"

#include "data/data_source.h"
#include "methods/capabilities.h"
#include "methods/method.h"
#include "models/models.h"
#include "errors.h"
#include "sampling/langevin.h"
#include "base/runtime.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace ebm {
namespace {

using Clock = std::chrono::steady_clock;

void sync(torch::Device device) {
  if (device.is_cuda())
    torch::cuda::synchronize();
}

// Median milliseconds per call of fn over `repeats` timed calls after two warm-ups; a stop
// request ends it between calls (Interrupted naming `what`).
template <typename Fn>
double medianMs(int repeats, torch::Device device, StopFlag stop, const std::string& what, Fn fn) {
  for (int i = 0; i < 2; ++i) {
    throwIfStopped(stop, "benchmark stopped while timing " + what + "; nothing written");
    fn();
  }
  sync(device);
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    throwIfStopped(stop, "benchmark stopped while timing " + what + "; nothing written");
    const auto t0 = Clock::now();
    fn();
    sync(device);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2];
}

// One training batch of the config's data, or random images when asked or when the data is
// missing; `note` says which.
torch::Tensor benchBatch(const RunConfig& cfg, bool synthetic, torch::Generator& cpuGen,
                         std::string& note) {
  const int B = cfg.train.batchSize;
  torch::Tensor batch;
  note.clear();
  if (cfg.data.kind == "toy2d" || !synthetic) {
    try {
      batch = makeDataSource(cfg.data, cfg.model)->next(B, cpuGen);
      note = cfg.data.kind;
    } catch (const std::exception& e) {
      note = std::string("synthetic (") + e.what() + ")";
    }
  }
  if (!batch.defined()) {
    auto shape = dataShape(cfg.model);
    shape.insert(shape.begin(), B);
    batch = torch::rand(shape, cpuGen) * 2.0 - 1.0;
    if (note.empty())
      note = "synthetic";
  }
  return batch;
}

// A settings table of the preset's method (its optimisation settings, say), or nothing when the
// method declares no table of that name.
SettingValues methodTableOrNone(const RunConfig& cfg, const std::string& name) {
  return describeMethod(cfg)->schema(name) ? cfg.methodTable(name) : SettingValues{};
}

// The config with one chain's step count changed, validated (names a bad count).
RunConfig withSteps(const TrainingMethod& method, RunConfig cfg, const std::string& chain,
                    int steps) {
  SettingValues v = method.chainSettings(cfg, chain);
  v.numbers["steps"] = steps;
  method.storeChainSettings(cfg, chain, v);
  return cfg;
}

// A method that samples from noise without a generator (e.g. level by level): one training
// iteration, and sampling a batch through its first sampling chain.
nlohmann::json benchNoiseSampler(const std::string& preset, const RunConfig& cfg,
                                 TrainingMethod& method, const BenchOptions& o,
                                 torch::Device device) {
  const ChainSpec* chain = nullptr;
  for (const auto& c : method.info().chains)
    if (c.dataSpace && !c.hasTarget && !chain)
      chain = &c;
  if (!chain)
    throw Error(method.info().title + " has no chain that samples from noise");
  auto gen = makeGenerator(device, 7);
  auto cpuGen = makeGenerator(torch::kCPU, 7);
  const int B = cfg.train.batchSize;
  std::string dataNote;
  const torch::Tensor batch = benchBatch(cfg, o.synthetic, cpuGen, dataNote);
  FixedChainSettings settings(method, cfg);
  auto ctx = settings.context(device, gen);
  const double iter = medianMs(std::max(3, o.iterations), device, o.stop,
                               preset + " iterations", [&] { method.iterate(batch, ctx); });
  const double sample = medianMs(3, device, o.stop, preset + " sampling", [&] {
    method.revise({chain->name, B, "", {}}, ctx);
  });
  nlohmann::json j;
  j["preset"] = preset;
  j["method"] = method.name();
  j["data"] = dataNote;
  j["batch_size"] = B;
  j["levels"] = method.info().capabilities.noiseLevels;
  for (const auto& c : method.info().chains)
    j["steps"][c.name] = settings.get(c.name).integer("steps");
  j["ms_per_iteration"] = iter;
  j["iterations_per_second"] = 1000.0 / iter;
  j["ms_per_sample_batch"] = sample;
  j["ms_per_sample"] = sample / B;
  j["peak_rss_mib_so_far"] = static_cast<double>(peakResidentBytes()) / (1024.0 * 1024.0);
  return j;
}

nlohmann::json benchPreset(const std::string& preset, const BenchOptions& o,
                           torch::Device device) {
  RunConfig cfg = RunConfig::fromPreset(preset);
  auto owned = makeMethod(cfg, device);
  TrainingMethod& method = *owned;
  if (!method.latentModel() && method.info().capabilities.samplesFromNoise)
    return benchNoiseSampler(preset, cfg, method, o, device);
  auto& energy = requireEnergy(method, "the x-step benchmark");
  auto& latent = requireLatent(method, "the z-step benchmark");
  auto gen = makeGenerator(device, 7);
  auto cpuGen = makeGenerator(torch::kCPU, 7);
  const int B = cfg.train.batchSize;
  std::string dataNote;
  const torch::Tensor batch = benchBatch(cfg, o.synthetic, cpuGen, dataNote);

  // One Langevin step = settings with steps = 1 (forward + input gradient + update).
  const SettingValues xSettings = method.chainSettings(cfg, "x");
  const SettingValues zSettings = method.chainSettings(cfg, "z");
  LangevinXConfig xs = toXConfig(xSettings);
  xs.steps = 1;
  LangevinZConfig zs = toZConfig(zSettings);
  zs.steps = 1;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.evaluateFinal = false;
  const auto x0 = energy.sampleStarts(B, "generator", gen);
  const auto xd = batch.to(device);
  const auto z0 = latent.samplePrior(B, gen);
  const double xStep = medianMs(o.repeats, device, o.stop, preset + " x-steps",
                                [&] { langevinX(energy.energyNet(), x0, xs, ctl); });
  const double zStep = medianMs(o.repeats, device, o.stop, preset + " z-steps",
                                [&] { langevinZ(latent.decoder(), xd, z0, zs, ctl); });

  FixedChainSettings settings(method, cfg);
  auto ctx = settings.context(device, gen);
  const double iter = medianMs(std::max(3, o.iterations), device, o.stop,
                               preset + " iterations", [&] { method.iterate(batch, ctx); });

  nlohmann::json j;
  j["preset"] = preset;
  j["data"] = dataNote;
  j["batch_size"] = B;
  j["x_steps"] = xSettings.integer("steps");
  j["z_steps"] = zSettings.integer("steps");
  j["two_chains"] = methodTableOrNone(cfg, "train").flag("two_chains");
  j["params"] = {{"E", parameterCount(energy.energyNet())},
                 {"G", parameterCount(latent.decoder())},
                 {"I", parameterCount(latent.encoder())}};
  j["ms_per_x_step"] = xStep;
  j["ms_per_z_step"] = zStep;
  j["ms_per_iteration"] = iter;
  j["iterations_per_second"] = 1000.0 / iter;
  j["peak_rss_mib_so_far"] = static_cast<double>(peakResidentBytes()) / (1024.0 * 1024.0);
  return j;
}

} // namespace

std::string runBenchmark(const BenchOptions& o) {
  const int threads = configureThreads(o.threads);
  setChainParts(o.chainParts);
  setCudaGraphs(o.cudaGraphs);
  setPrecision(o.precision);
  const auto device = resolveDevice(o.device);
  nlohmann::json out;
  out["device"] = describeDevice(device);
  out["threads"] = threads;
  out["blas_kernels"] = blasKernels();
  out["chain_parts"] = o.chainParts > 0 ? o.chainParts : threads;
  out["cuda_graphs"] = o.cudaGraphs && device.is_cuda();
  out["precision"] = o.precision;
  out["torch_version"] = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
  out["results"] = nlohmann::json::array();
  for (const auto& p : o.presets) {
    out["results"].push_back(benchPreset(p, o, device));
  }
  out["peak_rss_mib"] = static_cast<double>(peakResidentBytes()) / (1024.0 * 1024.0);
  return out.dump(2);
}

SweepResult runSweep(const BenchOptions& o) {
  configureThreads(o.threads);
  setChainParts(o.chainParts);
  setCudaGraphs(o.cudaGraphs);
  setPrecision(o.precision);
  const auto device = resolveDevice(o.device);
  RunConfig cfg = RunConfig::fromPreset(o.sweepPreset);
  auto method = makeMethod(cfg, device);
  if (!method->info().chain("x") || !method->info().chain("z"))
    throw Error("bench sweep: preset " + o.sweepPreset + " trains '" + cfg.train.method +
                "', which has no x- and z-chains to sweep");
  const int xSteps = method->chainSettings(cfg, "x").integer("steps");
  const int zSteps = method->chainSettings(cfg, "z").integer("steps");
  const std::vector<int> kxs = o.sweepKx.empty() ? std::vector<int>{xSteps} : o.sweepKx;
  const std::vector<int> kzs = o.sweepKz.empty() ? std::vector<int>{zSteps} : o.sweepKz;
  auto gen = makeGenerator(device, 7);
  auto cpuGen = makeGenerator(torch::kCPU, 7);
  SweepResult result;
  const torch::Tensor batch = benchBatch(cfg, o.synthetic, cpuGen, result.data);
  result.preset = o.sweepPreset;
  result.device = describeDevice(device);
  result.batchSize = cfg.train.batchSize;
  const SettingValues train = methodTableOrNone(cfg, "train");
  result.twoChains = train.flag("two_chains");
  result.mode = train.choice("mode");
  for (const int kx : kxs) {
    for (const int kz : kzs) {
      RunConfig probe = withSteps(*method, withSteps(*method, cfg, "x", kx), "z", kz);
      probe.validate();  // names a bad step count
      // The iteration re-reads its chain settings every step, so one model serves every pair.
      FixedChainSettings settings(*method, probe);
      auto ctx = settings.context(device, gen);
      const double ms = medianMs(std::max(3, o.iterations), device, o.stop,
                                 "k_x=" + std::to_string(kx) + ", k_z=" + std::to_string(kz),
                                 [&] { method->iterate(batch, ctx); });
      result.rows.push_back({kx, kz, ms});
    }
  }
  return result;
}

} // namespace ebm
