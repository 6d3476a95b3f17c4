// Runs the chains whose traces test_chain_golden.cpp compares with the recorded ones: for the two
// shipped Dual-MCMC models, a recorded x-revision, a recorded z-revision and two training
// iterations (whose chains take the unrecorded fast path), all on fixed seeds, serialised to bytes.
#pragma once

#include "config.h"
#include "methods/checkpoint.h"
#include "methods/method.h"
#include "base/runtime.h"
#include "sampling/langevin.h"

#include <torch/torch.h>

#include <cstring>
#include <string>
#include <vector>

namespace ebm::test {

class GoldenWriter {
public:
  template <typename T> void put(const std::vector<T>& v) {
    const uint64_t n = v.size();
    raw(&n, sizeof n);
    raw(v.data(), n * sizeof(T));
  }
  void put(const std::vector<std::vector<float>>& rows) {
    put(std::vector<uint64_t>{rows.size()});
    for (const auto& r : rows)
      put(r);
  }
  void put(const torch::Tensor& t) {
    const auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    put(std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel()));
  }
  void put(const Trace& t) {
    put(t.steps);
    put(t.energy);
    put(t.mse);
    put(t.gradNorm);
    put(t.driftNorm);
    put(t.noiseNorm);
    put(t.stepSize);
    put(t.noise);
    for (const auto& s : t.snapshots) {
      put(std::vector<int>{s.step});
      put(s.state);
      put(s.decoded);
    }
    put(std::vector<int>{t.finished, t.stopped, t.diverged});
  }
  std::vector<char> bytes;

private:
  void raw(const void* p, size_t n) {
    const auto* c = static_cast<const char*>(p);
    bytes.insert(bytes.end(), c, c + n);
  }
};

inline void goldenChainsOf(const std::string& name, GoldenWriter& out) {
  const std::string path = findResource("checkpoints/" + name + ".safetensors");
  const auto info = readCheckpointInfo(path);
  RunConfig cfg = info.config;
  auto method = makeMethod(cfg, torch::kCPU);
  loadCheckpointInto(path, *method);
  std::vector<int64_t> shape = cfg.model.family == "mlp"
                                   ? std::vector<int64_t>{cfg.model.dataDim}
                                   : std::vector<int64_t>{cfg.model.channels, cfg.model.imageSize,
                                                          cfg.model.imageSize};
  LiveValue<SettingValues> xLive(method->chainSettings(cfg, "x"));
  LiveValue<SettingValues> zLive(method->chainSettings(cfg, "z"));
  std::atomic<bool> stop{false};

  auto gen = makeGenerator(torch::kCPU, 42);
  Trace xTrace;
  MethodContext ctx;
  ctx.gen = &gen;
  ctx.stop = &stop;
  ctx.settings = {{"x", &xLive}, {"z", &zLive}};
  ctx.traces["x"] = &xTrace;
  RevisionRequest rx;
  rx.chain = "x";
  rx.chains = 6;
  rx.init = "generator";
  out.put(method->revise(rx, ctx));
  out.put(xTrace);

  auto targetsGen = makeGenerator(torch::kCPU, 7);
  std::vector<int64_t> batchShape = shape;
  batchShape.insert(batchShape.begin(), 5);
  auto targets = torch::tanh(torch::randn(batchShape, targetsGen));
  Trace zTrace;
  ctx.traces = {{"z", &zTrace}};
  RevisionRequest rz;
  rz.chain = "z";
  rz.chains = 5;
  rz.init = "inference";
  rz.batch = targets;
  out.put(method->revise(rz, ctx));
  out.put(zTrace);

  ctx.traces.clear();
  cfg.train.batchSize = 8;
  batchShape[0] = 8;
  for (int i = 0; i < 2; ++i) {
    const auto r = method->iterate(torch::tanh(torch::randn(batchShape, targetsGen)), ctx);
    out.put(r.losses);
  }
}

inline std::vector<char> goldenChainBytes() {
  GoldenWriter out;
  goldenChainsOf("toy2d", out);
  goldenChainsOf("fmnist-small", out);
  return out.bytes;
}

} // namespace ebm::test
