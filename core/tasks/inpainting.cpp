#include "tasks/inpainting.h"

#include "methods/capabilities.h"
#include "methods/method.h"
#include "errors.h"
#include "sampling/langevin.h"
#include "eval/metrics.h"
#include "base/runtime.h"
#include "tasks/generator_mode.h"

#include <algorithm>

namespace ebm {
namespace {

// The hole's bounding box per image (the whole image when nothing is missing).
struct Box {
  int64_t top = 0, left = 0, height = 0, width = 0;
};

Box holeBox(const Mask& m) {
  int top = m.height, left = m.width, bottom = -1, right = -1;
  for (int y = 0; y < m.height; ++y)
    for (int x = 0; x < m.width; ++x)
      if (!m.observed[size_t(y) * m.width + x]) {
        top = std::min(top, y);
        bottom = std::max(bottom, y);
        left = std::min(left, x);
        right = std::max(right, x);
      }
  if (bottom < 0)
    return {0, 0, m.height, m.width};
  return {top, left, bottom - top + 1, right - left + 1};
}

// Scores of recoveries (N*c, C, H, W) against the originals, chains of image i at i*c..i*c+c-1.
InpaintScores score(const torch::Tensor& rec, const torch::Tensor& orig, const torch::Tensor& hole,
                    const std::vector<Box>& boxes, int chains) {
  InpaintScores s;
  const int64_t n = rec.size(0);
  s.psnrHole = psnr(rec, orig, 2.0, hole).mean().item<double>();
  s.psnrAll = psnr(rec, orig, 2.0).mean().item<double>();
  const auto holeCount = hole.expand_as(rec).sum().clamp_min(1.0);
  s.mseHole = ((rec - orig).pow(2) * hole).sum().div(holeCount).item<double>();
  s.ssimAll = ssim((rec + 1) / 2, (orig + 1) / 2, 1.0).mean().item<double>();
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    const Box& b = boxes[size_t(i / chains)];
    auto crop = [&](const torch::Tensor& t) {
      return t.narrow(0, i, 1).narrow(2, b.top, b.height).narrow(3, b.left, b.width);
    };
    sum += ssim((crop(rec) + 1) / 2, (crop(orig) + 1) / 2, 1.0).item<double>();
  }
  s.ssimHole = sum / double(n);
  return s;
}

// Hole PSNR of each snapshot of a trace whose states (or decoded states) are recoveries.
void curve(const Trace& t, bool decoded, const torch::Tensor& orig, const torch::Tensor& mask,
           std::vector<int>& steps, std::vector<double>& values) {
  const auto hole = 1.0 - mask;
  for (const auto& s : t.snapshots) {
    const auto& v = decoded ? s.decoded : s.state;
    if (static_cast<int64_t>(v.size()) != orig.numel())
      continue;
    auto x = torch::from_blob(const_cast<float*>(v.data()), orig.sizes(), torch::kFloat)
                 .to(orig.device());
    x = mask * orig + hole * x;
    steps.push_back(s.step);
    values.push_back(psnr(x, orig, 2.0, hole).mean().item<double>());
  }
}

// Checks the data, the masks and the settings before anything is computed; returns the number
// of images.
int checkedImageCount(const std::vector<float>& images, const std::vector<int64_t>& shape,
                      const std::vector<Mask>& masks, const InpaintSettings& settings) {
  if (shape.size() != 3)
    throw Error("inpainting needs image data (C x H x W); this model's data are not images");
  const int64_t per = shape[0] * shape[1] * shape[2];
  if (per <= 0 || images.empty() || images.size() % size_t(per) != 0)
    throw Error("inpainting: " + std::to_string(images.size()) + " values are not whole " +
                std::to_string(shape[0]) + "x" + std::to_string(shape[1]) + "x" +
                std::to_string(shape[2]) + " images");
  const int n = static_cast<int>(images.size() / size_t(per));
  if (static_cast<int>(masks.size()) != n)
    throw Error("inpainting: " + std::to_string(masks.size()) + " masks for " +
                std::to_string(n) + " images");
  for (const auto& m : masks)
    if (m.height != shape[1] || m.width != shape[2])
      throw Error("inpainting: a " + std::to_string(m.height) + "x" + std::to_string(m.width) +
                  " mask does not fit " + std::to_string(shape[1]) + "x" +
                  std::to_string(shape[2]) + " images");
  if (settings.zSteps < 0 || settings.xSteps < 0 || !(settings.zStepSize > 0) ||
      !(settings.xStepSize > 0) || settings.zNoise < 0 || settings.xNoise < 0)
    throw Error("inpainting: step counts must be >= 0, step sizes > 0 and noise >= 0");
  return n;
}

// The originals and masks on the model's device, and their copies with each image repeated once
// per chain (the chains of image i at i*chains..i*chains+chains-1), which every stage works on.
struct Problem {
  int images = 0, chains = 1;
  torch::Tensor x, mask;      // (N, C, H, W) originals; (N, 1, H, W) masks, 1 = observed
  torch::Tensor xr, mr, hole; // x and mask repeated per chain; hole = 1 - mr
  std::vector<Box> boxes;     // the hole's bounding box, per image
};

Problem setUp(const std::vector<float>& images, const std::vector<int64_t>& shape,
              const std::vector<Mask>& masks, int n, int chains, torch::Device device) {
  Problem p;
  p.images = n;
  p.chains = chains;
  p.x = torch::from_blob(const_cast<float*>(images.data()), {n, shape[0], shape[1], shape[2]},
                         torch::kFloat)
            .to(device);
  std::vector<float> maskValues;
  maskValues.reserve(size_t(n) * shape[1] * shape[2]);
  for (const auto& m : masks) {
    for (auto v : m.observed)
      maskValues.push_back(v ? 1.0f : 0.0f);
    p.boxes.push_back(holeBox(m));
  }
  // clone(): on the CPU, to() would keep aliasing maskValues, which dies with this function.
  p.mask = torch::from_blob(maskValues.data(), {n, 1, shape[1], shape[2]}, torch::kFloat)
               .clone()
               .to(device);
  p.xr = p.x.repeat_interleave(chains, 0);
  p.mr = p.mask.repeat_interleave(chains, 0);
  p.hole = 1.0 - p.mr;
  return p;
}

using Progress = std::function<void(const std::string&)>;

// Stage 1: the inference model reads the masked image (holes grey), the generator decodes.
// Returns the inferred latents, stage 2's starts.
torch::Tensor inferenceStage(LatentModel& latent, const Problem& p, const Progress& progress,
                             InpaintResult& out) {
  const std::string name = "inference + generator";
  if (progress)
    progress(name);
  torch::Tensor z0, rec1;
  {
    torch::NoGradGuard noGrad;
    z0 = latent.encoder().forward(p.xr * p.mr).mu;
    rec1 = p.mr * p.xr + p.hole * latent.decoder().forward(z0);
  }
  out.stages.push_back({name, toFloats(rec1), score(rec1, p.xr, p.hole, p.boxes, p.chains)});
  return z0;
}

// Stage 2: z-Langevin on the posterior of the observed pixels only. Returns the decoded
// recoveries, stage 3's starts.
torch::Tensor maskedZLangevinStage(Generator& G, const LangevinZConfig& base,
                                   const InpaintSettings& s, ChainControl control, const Problem& p,
                                   const torch::Tensor& z0, const Progress& progress,
                                   InpaintResult& out) {
  const std::string name = "+ masked z-Langevin";
  if (progress)
    progress(name);
  LangevinZConfig zc = base;
  zc.steps = s.zSteps;
  zc.stepSize = s.zStepSize;
  zc.noise = s.zNoise;
  zc.snapshotEvery = std::max(1, s.zSteps / 40);
  Trace zTrace;
  control.trace = &zTrace;
  const auto zTilde = langevinZ(G, p.xr, z0, zc, control, p.mr);
  torch::Tensor rec2;
  {
    torch::NoGradGuard noGrad;
    rec2 = p.mr * p.xr + p.hole * G.forward(zTilde);
  }
  out.stages.push_back({name, toFloats(rec2), score(rec2, p.xr, p.hole, p.boxes, p.chains)});
  curve(zTrace, true, p.xr, p.mr, out.zCurveSteps, out.zCurvePsnrHole);
  return rec2;
}

// Stage 3: x-Langevin on the EBM; gradient and noise reach only the missing pixels, so the
// observed ones stay exactly the data's. Returns the final recoveries.
torch::Tensor xLangevinStage(EnergyNet& energy, const LangevinXConfig& base,
                             const InpaintSettings& s, ChainControl control, const Problem& p,
                             const torch::Tensor& rec2, const Progress& progress,
                             InpaintResult& out) {
  const std::string name = "+ x-Langevin";
  if (progress)
    progress(name);
  LangevinXConfig xc = base;
  xc.steps = s.xSteps;
  xc.stepSize = s.xStepSize;
  xc.noise = s.xNoise;
  xc.snapshotEvery = std::max(1, s.xSteps / 40);
  Trace xTrace;
  control.trace = &xTrace;
  const auto rec3 = langevinX(energy, rec2, xc, control, p.mr);
  if (xTrace.diverged)
    throw Error("inpainting: the x-chain diverged (" + xTrace.message +
                "); try a smaller x step size");
  out.stages.push_back({name, toFloats(rec3), score(rec3, p.xr, p.hole, p.boxes, p.chains)});
  curve(xTrace, false, p.xr, p.mr, out.xCurveSteps, out.xCurvePsnrHole);
  return rec3;
}

// Per-pixel std over each image's chains (images x H x W); zeros with a single chain.
torch::Tensor spreadMap(const torch::Tensor& rec, const std::vector<int64_t>& shape,
                        const Problem& p) {
  if (p.chains <= 1)
    return torch::zeros({p.images, shape[1], shape[2]},
                        torch::TensorOptions().dtype(torch::kFloat).device(rec.device()));
  const auto perImage = rec.view({p.images, p.chains, shape[0], shape[1], shape[2]});
  return perImage.std(1, /*unbiased=*/false).mean(1);
}

// Models that sample level by level (DRL, CDRL): the replacement method (METHODS §4.4), every
// level's chain holding the observation diffused to its level. CDRL's first stage is its
// initializer alone (no Langevin steps); the last is the full ladder, with its hole PSNR per
// recorded step.
void levelStages(TrainingMethod& method, const RunConfig& config, LevelSampler& sampler,
                 const Problem& p, const InpaintSettings& settings, const Progress& progress,
                 const std::atomic<bool>* stop, InpaintResult& out) {
  const auto device = p.x.device();
  const KnownPixels known{p.xr, p.mr};
  auto run = [&](const std::string& name, bool steps, Trace* trace) {
    if (progress)
      progress(name);
    FixedChainSettings chains(method, config);
    if (!steps)
      chains.set("sample", "steps", 0);
    auto gen = makeGenerator(device, settings.seed);
    MethodContext ctx = chains.context(device, gen, stop);
    if (trace)
      ctx.traces["sample"] = trace;
    const auto starts = sampler.sampleNoise(static_cast<int>(p.xr.size(0)), gen);
    const auto rec = sampler.sampleFrom(starts, ctx, known).clamp(-1, 1);
    if (stop && stop->load())
      throw Interrupted("inpainting stopped");
    out.stages.push_back({name, toFloats(rec), score(rec, p.xr, p.hole, p.boxes, p.chains)});
    return rec;
  };
  if (method.info().capabilities.initializer)
    run("initializer proposals, no Langevin steps", false, nullptr);
  Trace trace;
  const auto steps = FixedChainSettings(method, config).get("sample").integer("steps");
  const auto rec = run("recovery ladder, " + std::to_string(steps) + " steps per level", true,
                       &trace);
  curve(trace, false, p.xr, p.mr, out.xCurveSteps, out.xCurvePsnrHole);
  out.stdMap = toFloats(spreadMap(rec, out.shape, p));
}

// The result's description of the problem (shape, counts, originals, masked input, masks);
// the stages fill in the rest.
InpaintResult resultFor(const std::vector<float>& images, const std::vector<int64_t>& shape,
                        const std::vector<Mask>& masks, const Problem& p) {
  InpaintResult out;
  out.shape = shape;
  out.images = p.images;
  out.chains = p.chains;
  out.original = images;
  out.masked = toFloats(p.x * p.mask);
  out.masks = masks;
  return out;
}

} // namespace

InpaintResult inpaint(TrainingMethod& method, const RunConfig& config, const std::vector<float>& images,
                      const std::vector<int64_t>& shape, const std::vector<Mask>& masks,
                      const InpaintSettings& settings,
                      const std::function<void(const std::string&)>& progress,
                      const std::atomic<bool>* stop) {
  const int n = checkedImageCount(images, shape, masks, settings);
  const int chains = std::max(1, settings.chains);
  if (!method.latentModel() && method.levelSampler()) {
    const auto state = method.stateTensors();
    const auto device = state.empty() ? torch::Device(torch::kCPU) : state.front().second.device();
    const Problem p = setUp(images, shape, masks, n, chains, device);
    InpaintResult out = resultFor(images, shape, masks, p);
    levelStages(method, config, *method.levelSampler(), p, settings, progress, stop, out);
    return out;
  }
  auto& latent = requireLatent(method, "inpainting");
  if (n * chains < 2 && !settings.generatorEval)
    throw Error("inpainting: BatchNorm batch statistics need at least 2 chains in all; use "
                "more chains or the generator's running statistics");
  auto& energy = requireEnergy(method, "inpainting's x-stage");
  Generator& G = latent.decoder();
  const auto device = G.parameters().front().device();
  const Problem p = setUp(images, shape, masks, n, chains, device);
  auto gen = makeGenerator(device, settings.seed);

  InpaintResult out = resultFor(images, shape, masks, p);

  const GeneratorModeGuard mode(G, settings.generatorEval);
  ChainControl control;  // stages 2 and 3 draw their noise from one generator, in turn
  control.gen = &gen;
  control.stop = stop;
  control.maxSnapshots = 64;
  const auto z0 = inferenceStage(latent, p, progress, out);
  const auto zBase = toZConfig(method.chainSettings(config, "z"));
  const auto xBase = toXConfig(method.chainSettings(config, "x"));
  const auto rec2 = maskedZLangevinStage(G, zBase, settings, control, p, z0, progress, out);
  const auto rec3 =
      xLangevinStage(energy.energyNet(), xBase, settings, control, p, rec2, progress, out);
  out.stdMap = toFloats(spreadMap(rec3, shape, p));
  return out;
}

} // namespace ebm
