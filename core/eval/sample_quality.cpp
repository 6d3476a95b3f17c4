#include "sample_quality.h"

#include "methods/checkpoint.h"
#include "eval/eval_data.h"
#include "models/classifier.h"
#include "methods/capabilities.h"
#include "methods/method.h"
#include "errors.h"
#include "evaluate.h"
#include "models/inception.h"
#include "sampling/langevin.h"
#include "sampling/recovery_langevin.h"
#include "eval/metrics.h"
#include "base/runtime.h"
#include "io/safetensors.h"
#include "data/data_source.h"
#include "data/toy2d.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace ebm {
namespace {

struct Drawn {
  torch::Tensor generated;  // the chains' starts, x0 (N, ...) CPU
  torch::Tensor revised;    // the chains' results, x~ (N, ...) CPU
  LangevinXConfig x;        // the revision's settings
  std::string startName = "generator";  // what the starts are, for the result's rows
  std::string revisedName = "revised";
  std::string description;  // the sampler as a line of text
};

std::string fmtNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// "revision k_x = 30, s_x = 0.2, n_x = 0.001", or the noise sampler's own settings.
std::string describeSampler(const Drawn& d, const SettingValues* noiseSampler) {
  if (!noiseSampler)
    return "revision k_x = " + std::to_string(d.x.steps) + ", s_x = " + fmtNumber(d.x.stepSize) +
           ", n_x = " + fmtNumber(d.x.noise);
  const SettingValues& v = *noiseSampler;
  std::string out = "sampler: " + std::to_string(v.integer("steps")) +
                    " steps per level, step multiplier " +
                    fmtNumber(v.number("step_multiplier", 1.0)) + ", noise scale " +
                    fmtNumber(v.number("noise_scale", 1.0));
  if (v.choices.count("label")) {
    out += ", label " + v.choice("label");
    for (const char* k : {"label_2", "label_3"})
      if (v.choice(k, "none") != "none")
        out += " + " + v.choice(k);
    out += ", guidance w = " + fmtNumber(v.number("guidance", 0.0));
  }
  return out;
}

/// A sampler that starts from noise rather than from a generator (no latent model).
bool samplesFromNoiseOnly(TrainingMethod& method) {
  return !method.latentModel() && method.info().capabilities.samplesFromNoise;
}

/// The model of a checkpoint, on the options' device; it must be able to sample.
OpenedModel openModel(const SampleOptions& o, CheckpointInfo& info) {
  auto opened = openCheckpoint(o.checkpoint, o.device);
  info = opened.info;
  if (samplesFromNoiseOnly(*opened.method))
    return opened;
  requireLatent(*opened.method, "sampling from the generator");
  requireEnergy(*opened.method, "the x-revision of samples");
  return opened;
}

/// Labels, weights and guidance of a class-conditional sampler (METHODS §3.8, §4.4).
void applyConditioning(const ChainSpec& chain, const SampleOptions& o, FixedChainSettings& s) {
  const SettingValues v = conditioningSettings(chain, o.labels, o.weights, o.guidance);
  for (const auto& [key, value] : v.choices)
    s.set(chain.name, key, value);
  for (const auto& [key, value] : v.numbers)
    s.set(chain.name, key, value);
}

/// Samples of a method that draws from noise: its sampling chain as the options set it, and
/// the same chain without Langevin steps (the initializer's proposals alone, where it has one).
Drawn drawFromNoise(TrainingMethod& model, const RunConfig& cfg, const SampleOptions& o,
                    torch::Device device) {
  const ChainSpec* chain = nullptr;
  for (const auto& c : model.info().chains)
    if (c.dataSpace && !c.hasTarget && !chain)
      chain = &c;
  if (!chain)
    throw Error(model.info().title + " has no chain that samples from noise");
  FixedChainSettings full(model, cfg), none(model, cfg);
  const SettingValues saved = full.get(chain->name);
  if (o.xSteps >= 0)
    full.set(chain->name, "steps", o.xSteps);
  if (o.stepsPerLevel > 0) {
    // Fewer steps per level with the Langevin time K s^2 kept (METHODS §4.4).
    const int k = saved.integer("steps");
    full.set(chain->name, "steps", o.stepsPerLevel);
    full.set(chain->name, "step_multiplier",
             saved.number("step_multiplier", 1.0) * fewerStepsMultiplier(k, o.stepsPerLevel));
  }
  applyConditioning(*chain, o, full);
  applyConditioning(*chain, o, none);
  none.set(chain->name, "steps", 0);
  const SettingValues used = full.get(chain->name);
  Drawn d;
  d.x.steps = used.integer("steps");
  d.description = describeSampler(d, &used);
  d.x.stepSize = used.number("step_multiplier", used.number("step_size"));
  d.x.noise = used.number("noise_scale", used.number("noise"));
  d.startName = model.info().capabilities.initializer ? "initializer" : "no-steps";
  d.revisedName = "sampler";
  auto draw = [&](FixedChainSettings& settings) {
    auto gen = makeGenerator(device, o.seed);  // the same starts and noise for both
    MethodContext ctx = settings.context(device, gen, o.stop);
    std::vector<torch::Tensor> parts;
    for (int done = 0; done < o.samples;) {
      const int n = std::min(o.batch, o.samples - done);
      parts.push_back(model.revise({chain->name, n, "", {}}, ctx).to(torch::kCPU));
      throwIfStopped(o.stop, "sampling stopped after " + std::to_string(done) + " of " +
                                 std::to_string(o.samples) + " samples");
      done += n;
    }
    return torch::cat(parts, 0);
  };
  d.generated = draw(none);
  d.revised = draw(full);
  return d;
}

Drawn drawSamples(TrainingMethod& model, const RunConfig& cfg, const SampleOptions& o,
                  torch::Device device) {
  if (o.samples < 2 || o.batch < 2)
    throw Error("sample quality: samples and batch must be at least 2 (got " +
                std::to_string(o.samples) + " and " + std::to_string(o.batch) + ")");
  if (samplesFromNoiseOnly(model))
    return drawFromNoise(model, cfg, o, device);
  Drawn d;
  d.x = toXConfig(model.chainSettings(cfg, "x"));
  if (o.xSteps >= 0)
    d.x.steps = o.xSteps;
  if (o.xStepSize > 0)
    d.x.stepSize = o.xStepSize;
  if (o.xNoise >= 0)
    d.x.noise = o.xNoise;
  RunConfig probe = cfg;
  model.storeChainSettings(probe, "x", toSettings(d.x));
  probe.validate();  // names the bad setting
  auto& latent = requireLatent(model, "sampling from the generator");
  auto& energy = requireEnergy(model, "the x-revision of samples");
  // Latents and chain noise come from separate streams, so x0 does not depend on k_x.
  auto latentGen = makeGenerator(device, o.seed);
  auto chainGen = makeGenerator(device, o.seed ^ 0x9E3779B97F4A7C15ULL);
  ChainControl ctl;
  ctl.gen = &chainGen;
  ctl.stop = o.stop;
  ctl.evaluateFinal = false;
  std::vector<torch::Tensor> g, r;
  for (int done = 0; done < o.samples;) {
    // Every batch has o.batch samples (BatchNorm statistics); the last one is trimmed.
    const auto z = latent.samplePrior(o.batch, latentGen);
    torch::Tensor x0;
    {
      torch::NoGradGuard noGrad;
      x0 = latent.decoder().forward(z);
    }
    const auto xt = langevinX(energy.energyNet(), x0, d.x, ctl);
    throwIfStopped(o.stop, "sampling stopped after " + std::to_string(done) + " of " +
                               std::to_string(o.samples) + " samples");
    const int keep = std::min(o.batch, o.samples - done);
    g.push_back(x0.narrow(0, 0, keep).to(torch::kCPU));
    r.push_back(xt.narrow(0, 0, keep).to(torch::kCPU));
    done += keep;
  }
  d.generated = torch::cat(g, 0);
  d.revised = torch::cat(r, 0);
  return d;
}

std::string classifierLabel(const SafeTensors& st) {
  const auto kind = st.metadata.find("data_kind");
  if (kind == st.metadata.end())
    return "classifier-FD";
  if (kind->second == "fashion-mnist")
    return "FMNIST-FD";
  if (kind->second == "cifar10")
    return "CIFAR10-classifier-FD";
  return kind->second + "-classifier-FD";
}

} // namespace

void applyPaperProtocol(FdOptions& o) {
  const PaperFidProtocol p;
  o.sampling.samples = p.samples;
  o.sampling.batch = p.batch;
  o.sampling.xSteps = p.xSteps;
  o.sampling.xStepSize = p.xStepSize;
  o.sampling.xNoise = p.xNoise;
  o.split = p.split;
  o.inceptionRange = p.inceptionRange;
}

std::vector<std::string> paperProtocolDifferences(const FdOptions& o,
                                                  const LangevinXConfig& checkpointX) {
  const PaperFidProtocol p;
  const SampleOptions& s = o.sampling;
  std::vector<std::string> out;
  auto number = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  if (s.samples != p.samples)
    out.push_back("samples: " + std::to_string(s.samples) + " generated samples; the protocol "
                  "draws " + std::to_string(p.samples));
  if (s.batch != p.batch)
    out.push_back("batch: " + std::to_string(s.batch) +
                  " samples per generator batch; the protocol's BatchNorm batch statistics come "
                  "from batches of " + std::to_string(p.batch));
  if (o.split != p.split)
    out.push_back("reference: the " + o.split + " split; the protocol compares with " +
                  p.split + "ing-split statistics");
  // The sampler in effect: the options where set, the checkpoint's training sampler elsewhere.
  const bool ownSteps = s.xSteps >= 0, ownSize = s.xStepSize > 0, ownNoise = s.xNoise >= 0;
  const int steps = ownSteps ? s.xSteps : checkpointX.steps;
  const double size = ownSize ? s.xStepSize : checkpointX.stepSize;
  const double noise = ownNoise ? s.xNoise : checkpointX.noise;
  auto same = [](double a, double b) { return std::fabs(a - b) <= 1e-12 * std::fabs(b); };
  auto origin = [](bool own) { return own ? std::string() : std::string(" (the checkpoint's)"); };
  if (steps != p.xSteps)
    out.push_back("sampler: k_x = " + std::to_string(steps) + origin(ownSteps) +
                  "; the protocol's test-time sampler takes " + std::to_string(p.xSteps) +
                  " steps");
  if (!same(size, p.xStepSize))
    out.push_back("sampler: s_x = " + number(size) + origin(ownSize) +
                  "; the protocol's test-time step size is " + number(p.xStepSize));
  if (!same(noise, p.xNoise))
    out.push_back("sampler: n_x = " + number(noise) + origin(ownNoise) +
                  "; the protocol's test-time noise is " + number(p.xNoise));
  if (o.inception.empty())
    out.push_back("features: no Inception network (--inception), so no FID; a classifier's "
                  "Fréchet distance is not comparable to the paper's FID");
  else if (o.inceptionRange != p.inceptionRange)
    out.push_back("Inception input: range " + o.inceptionRange +
                  "; the protocol feeds (x + 1) / 2 clamped to [0, 1]");
  return out;
}

FdResult evaluateFd(const FdOptions& o) {
  if (o.classifier.empty() && o.inception.empty())
    throw Error("eval-fd: give a classifier file (train-classifier writes one) and/or an "
                "Inception TorchScript file");
  if (o.split != "test" && o.split != "train")
    throw Error("eval-fd: split '" + o.split + "': expected test or train");
  const SampleOptions& s = o.sampling;
  configureThreads(s.threads);
  const auto device = resolveDevice(s.device);
  CheckpointInfo info;
  auto model = openModel(s, info);
  const auto shape = dataShape(info.config.model);
  if (shape.size() != 3)
    throw Error(s.checkpoint + ": eval-fd needs an image model (use eval-toy for 2-D data)");

  // Load feature extractors before the (slow) sampling so that a bad file fails fast.
  FeatureClassifier classifier{nullptr};
  FdResult result;
  result.classifierTestAccuracy = std::nan("");
  if (!o.classifier.empty()) {
    classifier = loadClassifier(o.classifier);
    const auto& a = classifier->options();
    if (a.channels != shape[0] || a.imageSize != shape[1] || a.imageSize != shape[2])
      throw Error(o.classifier + ": the classifier takes " + std::to_string(a.channels) + "x" +
                  std::to_string(a.imageSize) + "x" + std::to_string(a.imageSize) +
                  " images but the model makes " + std::to_string(shape[0]) + "x" +
                  std::to_string(shape[1]) + "x" + std::to_string(shape[2]) +
                  " (train the classifier with the model's padding, e.g. --pad32)");
    const SafeTensors st = readSafeTensors(o.classifier);
    result.classifierName = classifierLabel(st);
    if (const auto acc = st.metadata.find("test_accuracy"); acc != st.metadata.end())
      result.classifierTestAccuracy = std::atof(acc->second.c_str());
  }
  std::unique_ptr<InceptionFeatures> inception;
  if (!o.inception.empty())
    inception = std::make_unique<InceptionFeatures>(o.inception, device, o.inceptionRange);

  auto cpu = makeGenerator(torch::kCPU, s.seed);
  const auto reference = evaluationData(info.config, o.split, s.samples, cpu);
  const std::string floorSplit = o.split == "test" ? "train" : "test";
  const auto floorImages = evaluationData(info.config, floorSplit, s.samples, cpu);
  const Drawn d = drawSamples(*model.method, info.config, s, device);
  result.split = o.split;
  result.referenceImages = reference.size(0);
  result.samples = d.generated.size(0);
  result.xSteps = d.x.steps;
  result.xStepSize = d.x.stepSize;
  result.xNoise = d.x.noise;
  result.sampler = d.description.empty() ? describeSampler(d, nullptr) : d.description;

  auto addRows = [&](const std::string& name, auto&& features) {
    const GaussianFit ref = fitGaussian(features(reference));
    result.rows.push_back({name, d.startName, frechetDistance(fitGaussian(features(d.generated)), ref)});
    result.rows.push_back({name, d.revisedName, frechetDistance(fitGaussian(features(d.revised)), ref)});
    result.rows.push_back({name, floorSplit, frechetDistance(fitGaussian(features(floorImages)), ref)});
  };
  if (classifier)
    addRows("classifier", [&](const torch::Tensor& x) { return classifierFeatures(*classifier, x); });
  if (inception)
    addRows("inception", [&](const torch::Tensor& x) { return inception->features(x); });
  return result;
}

namespace {

/// What eval-toy compares samples with: `truth` the reference set, `floor` a second set from the
/// same data (its distance to `truth` is what an ideal sampler would reach).
struct ToyReference {
  torch::Tensor truth, floor;
  std::string name, description;
  bool hasDensity = false;
};

/// toy2d: two sets of fresh draws. A point file has no closed-form density and no sampler: its
/// held-out points are the reference and as many training points the floor.
ToyReference toyReference(const RunConfig& config, int samples, torch::Generator& cpu) {
  ToyReference r;
  if (config.data.kind == "toy2d") {
    r.name = config.data.toy;
    r.truth = sampleToy2d(r.name, samples, cpu);
    r.floor = sampleToy2d(r.name, samples, cpu);
    r.hasDensity = toyHasLogDensity(r.name);
    r.description = "fresh draws of the true distribution";
    return r;
  }
  auto source = makeDataSource(config.data, config.model);
  r.name = config.data.path;
  r.truth = source->heldOut(samples, cpu);
  const int64_t train = std::min<int64_t>(samples, source->size());
  r.floor = source->next(static_cast<int>(train), cpu);
  r.description = "the " + std::to_string(r.truth.size(0)) + " held-out points of " + r.name +
                  " (data row: " + std::to_string(train) +
                  " training points; a point file has no closed-form density, so no mean log p)";
  return r;
}

} // namespace

ToyResult evaluateToy(const SampleOptions& o) {
  // The MMD compares every pair of points: n^2 kernel values per row.
  constexpr int kMaxToySamples = 20000;
  if (o.samples > kMaxToySamples)
    throw Error("eval-toy: " + std::to_string(o.samples) + " samples are too many: the MMD "
                "compares every pair of points (n^2 kernel values); at most " +
                std::to_string(kMaxToySamples));
  configureThreads(o.threads);
  const auto device = resolveDevice(o.device);
  CheckpointInfo info;
  auto model = openModel(o, info);
  if (info.config.data.kind != "toy2d" && info.config.data.kind != "points")
    throw Error(o.checkpoint + ": eval-toy needs a model trained on 2-D data (data.kind = "
                "toy2d or points), this one has data.kind = " + info.config.data.kind);
  auto cpu = makeGenerator(torch::kCPU, o.seed);
  const ToyReference ref = toyReference(info.config, o.samples, cpu);
  const Drawn d = drawSamples(*model.method, info.config, o, device);

  ToyResult result;
  result.toy = ref.name;
  result.reference = ref.description;
  result.hasDensity = ref.hasDensity;
  result.xSteps = d.x.steps;
  result.sampler = d.description.empty() ? describeSampler(d, nullptr) : d.description;
  auto row = [&](const std::string& name, const torch::Tensor& pts) {
    ToyRow r;
    r.samples = name;
    r.mmd = mmdRbf(pts, ref.truth);
    r.meanLogDensity = std::nan("");
    if (ref.hasDensity) {
      const auto logp = toyLogDensity(ref.name, pts.to(torch::kFloat));
      const auto finite = torch::isfinite(logp);
      const int64_t inside = finite.sum().item<int64_t>();
      r.fractionOutside = 1.0 - static_cast<double>(inside) / static_cast<double>(logp.numel());
      // Mean over points with positive density; the fraction outside is reported beside it.
      r.meanLogDensity = inside > 0 ? logp.masked_select(finite).mean().item<double>()
                                    : -std::numeric_limits<double>::infinity();
    }
    result.rows.push_back(r);
  };
  row(d.startName, d.generated);
  row(d.revisedName, d.revised);
  row("data", ref.floor);
  return result;
}

} // namespace ebm
