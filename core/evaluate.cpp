#include "evaluate.h"

#include "checkpoint.h"
#include "data_source.h"
#include "dual_mcmc.h"
#include "errors.h"
#include "langevin.h"
#include "method.h"
#include "metrics.h"
#include "runtime.h"

namespace ebm {

std::vector<ReconstructionRow> evaluateReconstruction(const ReconstructionOptions& o) {
  if (o.images < 2 || o.batch < 2)
    throw Error("reconstruction: images and batch must be at least 2");
  configureThreads(o.threads);
  const auto device = resolveDevice(o.device);
  const CheckpointInfo info = readCheckpointInfo(o.checkpoint);
  if (info.method != "dual-mcmc")
    throw Error(o.checkpoint + ": method '" + info.method + "' has no inference model to reconstruct with");
  DualMcmc model(info.config, device);
  loadCheckpointInto(o.checkpoint, model);
  auto cpu = makeGenerator(torch::kCPU, o.seed);
  const auto data = makeDataSource(info.config.data, info.config.model)->heldOut(o.images, cpu);
  const int64_t n = data.size(0);

  std::vector<ReconstructionRow> rows;
  for (const auto& init : o.inits) {
    for (int k : o.steps) {
      if (k < 0)
        throw Error("reconstruction: negative step count " + std::to_string(k));
      double sse = 0, psnrSum = 0, ssimSum = 0;
      auto gen = makeGenerator(device, o.seed);  // same noise for every row
      for (int64_t start = 0; start < n; start += o.batch) {
        const auto x = data.narrow(0, start, std::min<int64_t>(o.batch, n - start));
        if (x.size(0) < 2)
          break;  // BatchNorm in training mode needs two samples
        LangevinZConfig zc = info.config.z;
        zc.steps = k;
        LiveValue<LangevinZConfig> live(zc);
        MethodContext ctx;
        ctx.device = device;
        ctx.gen = &gen;
        ctx.zSettings = &live;
        RevisionRequest req;
        req.init = init;
        req.batch = x;
        const auto recon = model.reviseZ(req, ctx).to(torch::kCPU);
        sse += (recon - x).pow(2).sum().item<double>();
        psnrSum += psnr(recon, x, 2.0).sum().item<double>();
        if (x.dim() == 4)
          ssimSum += ssim((recon + 1) / 2, (x + 1) / 2, 1.0).sum().item<double>();
      }
      ReconstructionRow r;
      r.init = init;
      r.steps = k;
      r.mse = sse / static_cast<double>(data.numel());
      r.mse01 = r.mse / 4.0;
      r.psnr = psnrSum / static_cast<double>(n);
      r.ssim = data.dim() == 4 ? ssimSum / static_cast<double>(n) : std::nan("");
      rows.push_back(r);
    }
  }
  return rows;
}

std::vector<OodRow> evaluateOod(const OodOptions& o) {
  if (o.images < 2)
    throw Error("ood: images must be at least 2");
  configureThreads(o.threads);
  const auto device = resolveDevice(o.device);
  const CheckpointInfo info = readCheckpointInfo(o.checkpoint);
  auto method = makeMethod(info.config, device);
  loadCheckpointInto(o.checkpoint, *method);
  auto cpu = makeGenerator(torch::kCPU, o.seed);
  const auto data = makeDataSource(info.config.data, info.config.model)->heldOut(o.images, cpu);
  if (data.dim() != 4)
    throw Error("ood: needs an image model (got data of shape " +
                std::to_string(data.dim()) + "-D)");
  auto energies = [&](const torch::Tensor& x) {
    std::vector<double> out;
    for (int64_t s = 0; s < x.size(0); s += 256) {
      const auto e = method->energy(x.narrow(0, s, std::min<int64_t>(256, x.size(0) - s)))
                         .to(torch::kDouble)
                         .contiguous();
      out.insert(out.end(), e.data_ptr<double>(), e.data_ptr<double>() + e.numel());
    }
    return out;
  };
  auto negate = [](std::vector<double> v) {
    for (auto& x : v)
      x = -x;
    return v;
  };
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v)
      s += x;
    return s / static_cast<double>(v.size());
  };
  const auto eIn = energies(data);
  std::vector<OodRow> rows;
  for (const auto& set : o.sets) {
    torch::Tensor x;
    if (set == "uniform")
      x = torch::rand(data.sizes(), cpu) * 2.0 - 1.0;
    else if (set == "vflip")
      x = data.flip({2});
    else if (set == "hflip")
      x = data.flip({3});
    else if (set == "invert")
      x = -data;
    else
      throw Error("ood: unknown set '" + set + "' (uniform, vflip, hflip, invert)");
    const auto eOut = energies(x);
    OodRow r;
    r.set = set;
    r.auroc = auroc(negate(eIn), negate(eOut));
    r.meanEnergyIn = mean(eIn);
    r.meanEnergyOut = mean(eOut);
    rows.push_back(r);
  }
  return rows;
}

} // namespace ebm
