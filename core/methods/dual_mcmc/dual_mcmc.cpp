#include "methods/dual_mcmc/dual_mcmc.h"

#include "errors.h"
#include "sampling/langevin.h"
#include "base/runtime.h"
#include "io/safetensors.h"

#include <cmath>
#include <sstream>

namespace ebm {
namespace {

constexpr double kGapLimit = 1e4;  // reference abort threshold on |mean E(x) - mean E(x~)|

std::vector<std::pair<std::string, torch::Tensor>> namedParameters(const torch::nn::Module& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : m.named_parameters())
    out.emplace_back(item.key(), item.value());
  return out;
}

double scalar(const torch::Tensor& t) { return t.detach().to(torch::kCPU).item<double>(); }

// Start states of a revision come from their own stream, so that chains from different
// initialisers with the same seed see the same Langevin noise (common random numbers).
torch::Generator initGenerator(const MethodContext& ctx) {
  return makeGenerator(ctx.device, ctx.gen->current_seed() ^ 0x9E3779B97F4A7C15ULL);
}

IterationResult interrupted(const std::string& message) {
  IterationResult result;
  result.interrupted = true;
  result.message = message;
  return result;
}

} // namespace

torch::Tensor gaussianNll(const torch::Tensor& z, const Posterior& q) {
  const auto d = (z - q.mu).pow(2) / (q.logvar.exp() + 1e-6);
  return 0.5 * (q.logvar + d).flatten(1).sum(1);
}

NetConfig netConfig(const ModelConfig& shape, const DualMcmcNets& nets) {
  NetConfig c;
  c.family = shape.family;
  c.dataDim = shape.dataDim;
  c.imageSize = shape.imageSize;
  c.channels = shape.channels;
  c.nz = nets.nz;
  c.ebmWidth = nets.ebmWidth;
  c.genWidth = nets.genWidth;
  c.infWidth = nets.infWidth;
  c.genTanh = nets.genTanh;
  c.spectralNorm = nets.spectralNorm;
  return c;
}

DualMcmc::DualMcmc(const RunConfig& config, torch::Device device)
    : m_config(config), m_settings(dualMcmcSettings(config)), m_info(describeDualMcmc(config)),
      m_device(device) {
  config.validate();
  const std::string& mode = m_settings.train.mode;
  m_mode = mode == "cooperative" ? Mode::Cooperative
           : mode == "short-run" ? Mode::ShortRun
                                 : Mode::Dual;
  torch::manual_seed(config.train.seed);  // initial weights are a function of the seed
  const NetConfig nets = netConfig(config.model, m_settings.model);
  m_E = makeEnergyNet(nets);
  m_G = makeGeneratorNet(nets);
  m_I = makeInferenceNet(nets);
  applyReferenceInit(*m_E);
  applyReferenceInit(*m_G);
  applyReferenceInit(*m_I);
  m_E->to(device);
  m_G->to(device);
  m_I->to(device);
  // The reference keeps all three in training mode throughout (BatchNorm batch statistics,
  // one power iteration per EBM forward), sampling included (METHODS §1.5, §4.1 B7).
  m_E->train();
  m_G->train();
  m_I->train();
  const auto& t = m_settings.train;
  auto opts = [&](double lr, double wd) {
    AdamOptions o;
    o.lr = lr;
    o.beta1 = t.beta1;
    o.beta2 = t.beta2;
    o.weightDecay = wd;
    return o;
  };
  m_optE = std::make_unique<Adam>(namedParameters(*m_E), opts(t.lrE, t.wdE));
  m_optG = std::make_unique<Adam>(namedParameters(*m_G), opts(t.lrG, t.wdG));
  m_optI = std::make_unique<Adam>(namedParameters(*m_I), opts(t.lrI, t.wdI));
}

void DualMcmc::setEpoch(int epoch) {
  const auto& t = m_settings.train;
  const double f = std::pow(t.lrDecay, epoch);
  m_optE->setLr(t.lrE * f);
  m_optG->setLr(t.lrG * f);
  m_optI->setLr(t.lrI * f);
}

torch::Tensor DualMcmc::sampleLatent(int n, torch::Generator& gen) {
  return torch::randn({n, m_settings.model.nz, 1, 1}, gen, torch::TensorOptions().device(m_device));
}

torch::Tensor DualMcmc::initialX(int n, const std::string& init, torch::Generator& gen) {
  auto shape = dataShape(m_config.model);
  shape.insert(shape.begin(), n);
  const auto opt = torch::TensorOptions().device(m_device);
  if (init == "generator") {
    torch::NoGradGuard noGrad;
    return m_G->forward(sampleLatent(n, gen));
  }
  if (init == "gaussian")
    return torch::randn(shape, gen, opt);
  if (init == "uniform")
    return torch::rand(shape, gen, opt) * 2.0 - 1.0;
  throw ConfigError("x.init = " + init + ": expected generator, gaussian, uniform or batch");
}

torch::Tensor DualMcmc::initialZ(const torch::Tensor& x, const std::string& init,
                                torch::Generator& gen, const Posterior* q) {
  torch::NoGradGuard noGrad;
  const int n = static_cast<int>(x.size(0));
  if (init == "inference" || init == "inference-mean") {
    const Posterior own = q ? Posterior{} : m_I->forward(x);
    const Posterior& p = q ? *q : own;
    if (init == "inference-mean")
      return p.mu.detach();
    const auto eps = torch::randn(p.mu.sizes(), gen, p.mu.options());
    return (p.mu + (0.5 * p.logvar).exp() * eps).detach();
  }
  if (init == "gaussian")
    return sampleLatent(n, gen);
  if (init == "uniform")
    return torch::rand({n, m_settings.model.nz, 1, 1}, gen,
                       torch::TensorOptions().device(m_device)) * 2.0 - 1.0;
  throw ConfigError("z.init = " + init + ": expected inference, inference-mean, gaussian or uniform");
}

// What Algorithm 1's steps hand on to the later ones (METHODS §1.6).
struct DualMcmc::XChain { // step 1
  torch::Tensor z;        // the prior draw
  torch::Tensor x0;       // G(z), with its graph (step 3's sample term)
  torch::Tensor xTilde;   // x0 revised by x-Langevin, detached
};

struct DualMcmc::ZChain { // step 2, dual mode only (undefined otherwise)
  Posterior q;            // I(x), with its graph (step 4's real pairs)
  torch::Tensor zTilde;   // the revised latents of the data, detached
};

struct DualMcmc::GeneratorStep { // step 3's loss and its terms
  torch::Tensor loss, data, sample;
};

struct DualMcmc::InferenceStep { // step 4's loss and its terms
  torch::Tensor loss, real, generated;
};

namespace {

// The EBM's loss is divided by the x-chain's temperature T = (n/s)^2 (METHODS §1.5): a noise of 0,
// or a step size so small that T overflows, passes each setting's range (a revision may use
// it) but leaves training nothing to learn from, so an iteration refuses it by name rather than
// ending in a loss that is not finite.
void checkTemperature(const LangevinXConfig& x, double temperature) {
  if (temperature >= 1e-20 && temperature <= 1e20)
    return;
  std::ostringstream msg;
  msg << "x.noise = " << x.noise << " with x.step_size = " << x.stepSize
      << " gives the temperature T = (n/s)^2 = " << temperature
      << ", which the EBM's loss is divided by: training cannot learn with it (T must lie in "
         "[1e-20, 1e20]); change n or s, or set train.use_temperature = false";
  throw ConfigError(msg.str());
}

} // namespace

IterationResult DualMcmc::iterate(const torch::Tensor& batch, MethodContext& ctx) {
  TORCH_CHECK(ctx.gen, "DualMcmc::iterate: the context has no generator");
  const auto& xLive = ctx.live("x");
  const auto& zLive = ctx.live("z");
  const auto& t = m_settings.train;
  const auto x = batch.to(m_device);
  const auto xcfg = toXConfig(xLive.peek());
  const double temperature = t.useTemperature ? xTemperature(xcfg) : 1.0;
  checkTemperature(xcfg, temperature);
  if (m_mode == Mode::ShortRun)
    return iterateShortRun(x, ctx, temperature);

  // Steps 1-5 in the reference's order: every random draw and every update in the same place,
  // so a seeded run repeats the recorded one bit for bit (ChainGolden).
  const XChain xs = sampleAndReviseX(x.size(0), xLive, ctx);
  const ZChain zs = m_mode == Mode::Dual ? inferAndReviseZ(x, zLive, ctx) : ZChain{};
  if (ctx.stopRequested())
    return interrupted("iteration interrupted by a stop request; no update made");
  const GeneratorStep g = updateGenerator(x, xs, zs);
  const InferenceStep i = updateInference(xs, zs);

  // 5. EBM: negatives from the updated generator revised again (fine_tune), or x~ (Eq. 7).
  torch::Tensor negatives = xs.xTilde;
  if (t.twoChains)
    negatives = reviseFromUpdatedGenerator(xs.z, xLive, ctx);
  const auto energyStep = updateEnergy(x, negatives, temperature);

  IterationResult result;
  result.losses = lossValues(energyStep, g, i, xs, x[0].numel());
  checkDivergence(result);
  return result;
}

DualMcmc::XChain DualMcmc::sampleAndReviseX(int64_t n, const LiveValue<SettingValues>& xLive,
                                            MethodContext& ctx) {
  // 1. Sample and revise x: x0 = G(z) keeps its graph; x~ = x-Langevin from x0 (Eq. 5). With
  // x.steps = 0 this is generator-only sampling, x~ = x0.
  XChain xs;
  xs.z = sampleLatent(static_cast<int>(n), *ctx.gen);
  xs.x0 = m_G->forward(xs.z);
  xs.xTilde = langevinX(*m_E, xs.x0.detach(), xLive, ctx.control(ctx.trace("x"), false));
  return xs;
}

DualMcmc::ZChain DualMcmc::inferAndReviseZ(const torch::Tensor& x,
                                           const LiveValue<SettingValues>& zLive,
                                           MethodContext& ctx) {
  // 2. Infer and revise z (dual only): z~ = z-Langevin on the posterior (Eq. 21), started as
  // the run's z.init says: from q(z|x) ("Inf + L") or, for the ablation rows "L = k", from the
  // prior. With prior starts I still learns from both pairs in step 4 (it only stops steering
  // the chain), so the checkpoint's inference model stays comparable in eval-recon.
  ZChain zs;
  zs.q = m_I->forward(x);
  const auto z0 = initialZ(x, m_settings.z.init, *ctx.gen, &zs.q);
  zs.zTilde = langevinZ(*m_G, x, z0, zLive, ctx.control(ctx.trace("z"), false));
  return zs;
}

DualMcmc::GeneratorStep DualMcmc::updateGenerator(const torch::Tensor& x, const XChain& xs,
                                                  const ZChain& zs) {
  // 3. Generator: learns from data through z~ and from the EBM through x~ (Eq. 8). Cooperative
  // learning keeps only the second term, so the data batch never reaches G's update.
  const auto& t = m_settings.train;
  const double B = static_cast<double>(x.size(0));
  m_optG->zeroGrad();
  GeneratorStep g;
  g.sample = (xs.x0 - xs.xTilde).pow(2).sum() / B;
  g.loss = t.sFactor * g.sample;
  if (m_mode == Mode::Dual) {
    g.data = (m_G->forward(zs.zTilde) - x).pow(2).sum() / B;
    g.loss = t.gFactor * g.data + g.loss;
  }
  g.loss.backward();
  m_optG->step();
  return g;
}

DualMcmc::InferenceStep DualMcmc::updateInference(const XChain& xs, const ZChain& zs) {
  // 4. Inference model: real pairs (x, z~) and generated pairs (x~, z) (Eq. 9); cooperative
  // learning has no real pairs (no z-chain on data), so I learns from generated pairs only.
  const auto& t = m_settings.train;
  m_optI->zeroGrad();
  InferenceStep i;
  i.generated = gaussianNll(xs.z, m_I->forward(xs.xTilde)).mean();
  i.loss = t.iFactor * i.generated;
  if (m_mode == Mode::Dual) {
    i.real = gaussianNll(zs.zTilde, zs.q).mean();
    i.loss = t.gFactor * i.real + i.loss;
  }
  i.loss.backward();
  m_optI->step();
  return i;
}

torch::Tensor DualMcmc::reviseFromUpdatedGenerator(const torch::Tensor& z,
                                                   const LiveValue<SettingValues>& xLive,
                                                   MethodContext& ctx) {
  // Step 5's second x-chain (fine_tune): the same z decoded by the updated G, revised again.
  // G and I are updated by now, so a stop request does not end this chain: an iteration is
  // either abandoned before any update or finished, never left half applied.
  torch::Tensor start;
  {
    torch::NoGradGuard noGrad;
    start = m_G->forward(z);
  }
  auto control = ctx.control(nullptr, false);
  control.stop = nullptr;
  return langevinX(*m_E, start, xLive, control);
}

std::vector<double> DualMcmc::lossValues(const std::array<torch::Tensor, 3>& energyStep,
                                         const GeneratorStep& g, const InferenceStep& i,
                                         const XChain& xs, int64_t pixels) const {
  const auto& [lossE, eData, eNeg] = energyStep;
  const double xShift = scalar((xs.xTilde - xs.x0.detach()).pow(2).flatten(1).sum(1).sqrt().mean());
  if (m_mode != Mode::Dual)
    return {scalar(lossE),  scalar(eData),       scalar(eNeg), scalar(g.loss), scalar(g.sample),
            scalar(i.loss), scalar(i.generated), xShift,       m_optE->lr()};
  // Per-pixel MSE of G(z~) before the G update, from the data term (no extra G forward,
  // which in training mode would also move BatchNorm's running statistics).
  const double zMse = scalar(g.data) / static_cast<double>(pixels);
  return {scalar(lossE),       scalar(eData),    scalar(eNeg),   scalar(g.loss),
          scalar(g.data),      scalar(g.sample), scalar(i.loss), scalar(i.real),
          scalar(i.generated), xShift,           zMse,           m_optE->lr()};
}

IterationResult DualMcmc::iterateShortRun(const torch::Tensor& x, MethodContext& ctx,
                                          double temperature) {
  // Short-run EBM (the "no generator" baseline): x-chains start from noise and the EBM learns
  // from them alone; G and I take no part and keep their weights.
  const auto start = initialX(static_cast<int>(x.size(0)), m_settings.x.init, *ctx.gen);
  const auto negatives =
      langevinX(*m_E, start, ctx.live("x"), ctx.control(ctx.trace("x"), false));
  if (ctx.stopRequested())
    return interrupted("iteration interrupted by a stop request; no update made");
  const auto [lossE, eData, eNeg] = updateEnergy(x, negatives, temperature);
  IterationResult result;
  result.losses = {scalar(lossE), scalar(eData), scalar(eNeg),
                   scalar((negatives - start).pow(2).flatten(1).sum(1).sqrt().mean()),
                   m_optE->lr()};
  checkDivergence(result);
  return result;
}

std::array<torch::Tensor, 3> DualMcmc::updateEnergy(const torch::Tensor& x,
                                                    const torch::Tensor& negatives,
                                                    double temperature) {
  m_optE->zeroGrad();
  const auto eData = m_E->forward(x).mean();
  const auto eNeg = m_E->forward(negatives).mean();
  const auto lossE = (eData - eNeg) / temperature;
  lossE.backward();
  m_optE->step();
  return {lossE, eData, eNeg};
}

void DualMcmc::checkDivergence(IterationResult& result) const {
  // 6. The reference aborts on a NaN loss or an energy gap beyond 1e4. Every mode reports
  // E_data and E_neg as its second and third losses.
  const auto& names = m_info.lossNames;
  for (size_t i = 0; i < result.losses.size(); ++i) {
    if (!std::isfinite(result.losses[i])) {
      result.diverged = true;
      result.message = names[i] + " is not finite";
      return;
    }
  }
  const double gap = result.losses[1] - result.losses[2];
  if (std::fabs(gap) > kGapLimit) {
    result.diverged = true;
    result.message = "energy gap |E(data) - E(samples)| = " + std::to_string(std::fabs(gap)) +
                     " exceeds 1e4";
  }
}

torch::Tensor DualMcmc::revise(const RevisionRequest& request, MethodContext& ctx) {
  TORCH_CHECK(ctx.gen, "DualMcmc::revise: the context has no generator");
  if (request.chain == "x")
    return reviseX(request, ctx);
  if (request.chain == "z")
    return reviseZ(request, ctx);
  throw Error("dual-mcmc has no chain named '" + request.chain + "' (it has x and z)");
}

SettingValues DualMcmc::chainSettings(const RunConfig& config, const std::string& chain) const {
  if (chain == "x")
    return toSettings(dualMcmcSettings(config).x);
  if (chain == "z")
    return toSettings(dualMcmcSettings(config).z);
  throw Error("dual-mcmc has no chain named '" + chain + "'");
}

void DualMcmc::storeChainSettings(RunConfig& config, const std::string& chain,
                                  const SettingValues& values) const {
  DualMcmcSettings s = dualMcmcSettings(config);
  if (chain == "x")
    config.methodSettings["x"] = toSettings(toXConfig(values, s.x));
  else if (chain == "z")
    config.methodSettings["z"] = toSettings(toZConfig(values, s.z));
  else
    throw Error("dual-mcmc has no chain named '" + chain + "'");
}

double DualMcmc::stepsPerIteration(const std::map<std::string, SettingValues>& settings) const {
  const auto steps = [&](const char* chain) {
    auto it = settings.find(chain);
    return it == settings.end() ? 0.0 : it->second.number("steps");
  };
  if (m_mode == Mode::ShortRun)
    return steps("x");
  const double xChains = m_settings.train.twoChains ? 2.0 : 1.0;
  return steps("x") * xChains + (m_mode == Mode::Dual ? steps("z") : 0.0);
}

torch::Tensor DualMcmc::reviseX(const RevisionRequest& request, MethodContext& ctx) {
  torch::Tensor start;
  if (request.init == "batch") {
    if (!request.batch.defined() || request.batch.size(0) < 1)
      throw Error("x-revision with init 'batch' needs a batch of start states");
    start = request.batch.to(m_device);
  } else {
    auto initGen = initGenerator(ctx);
    start = initialX(request.chains, request.init, initGen);
  }
  return langevinX(*m_E, start, ctx.live("x"), ctx.control(ctx.trace("x"), true))
      .to(torch::kCPU);
}

torch::Tensor DualMcmc::reviseZ(const RevisionRequest& request, MethodContext& ctx) {
  if (!request.batch.defined() || request.batch.size(0) < 1)
    throw Error("z-revision needs data to reconstruct");
  const auto x = request.batch.to(m_device);
  auto initGen = initGenerator(ctx);
  const auto z0 = initialZ(x, request.init, initGen);
  const auto zTilde = langevinZ(*m_G, x, z0, ctx.live("z"), ctx.control(ctx.trace("z"), true));
  torch::NoGradGuard noGrad;
  return m_G->forward(zTilde).to(torch::kCPU);
}

torch::Tensor DualMcmc::energy(const torch::Tensor& batch) {
  // Eval mode freezes the spectral-norm vectors, so looking at the model does not change it.
  torch::NoGradGuard noGrad;
  m_E->eval();
  auto e = m_E->forward(batch.to(m_device)).to(torch::kCPU);
  m_E->train();
  return e;
}

std::vector<std::pair<std::string, torch::Tensor>> DualMcmc::stateTensors() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  const std::pair<const char*, const torch::nn::Module*> models[] = {
      {"E", m_E.get()}, {"G", m_G.get()}, {"I", m_I.get()}};
  for (const auto& [prefix, m] : models) {
    for (const auto& p : m->named_parameters())
      out.emplace_back(std::string(prefix) + "." + p.key(), p.value());
    for (const auto& b : m->named_buffers())
      out.emplace_back(std::string(prefix) + "." + b.key(), b.value());
  }
  m_optE->stateTensors("optim.E", out);
  m_optG->stateTensors("optim.G", out);
  m_optI->stateTensors("optim.I", out);
  return out;
}

void DualMcmc::loadStateTensors(const SafeTensors& st) {
  loadNamedTensors(stateTensors(), st);
  m_optE->syncFromState();
  m_optG->syncFromState();
  m_optI->syncFromState();
}

} // namespace ebm
