#include "methods/recovery/recovery_method.h"

#include "base/runtime.h"
#include "errors.h"
#include "io/safetensors.h"
#include "models/time_embedding.h"

#include <cmath>
#include <optional>

namespace ebm {
namespace {

constexpr double kLossFloor = -1e6; // DRL's early exit (§2.5)

std::vector<std::pair<std::string, torch::Tensor>> namedParameters(torch::nn::Module& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : m.named_parameters())
    out.emplace_back(p.key(), p.value());
  return out;
}

void clipGradients(torch::nn::Module& m, double limit) {
  if (limit > 0)
    torch::nn::utils::clip_grad_norm_(m.parameters(), limit);
}

double scalar(const torch::Tensor& t) {
  return t.item<double>();
}

IterationResult interrupted() {
  IterationResult r;
  r.interrupted = true;
  r.message = "iteration interrupted by a stop request; no update made";
  return r;
}

// -f(scale_0 x, level 0): the lowest level's energy as a data-space energy network.
class LevelZeroEnergy : public EnergyNet {
public:
  explicit LevelZeroEnergy(std::function<torch::Tensor(const torch::Tensor&)> f)
      : m_f(std::move(f)) {}
  torch::Tensor forward(const torch::Tensor& x) override { return m_f(x); }
  // The EBM inside is not a submodule: its power iteration could not be advanced for parts.
  bool splitsByChain() const override { return false; }

private:
  std::function<torch::Tensor(const torch::Tensor&)> m_f;
};

} // namespace

struct RecoveryMethod::Pair {
  torch::Tensor levels; // (B) int64
  torch::Tensor x;      // x_l
  torch::Tensor xNext;  // x_{l+1}
  torch::Tensor weight; // (B) loss weights sigma_0 / sigma_l
};

RecoveryMethod::RecoveryMethod(const RunConfig& config, torch::Device device,
                               RecoveryVariant variant, MethodInfo info)
    : m_config(config), m_device(device), m_info(std::move(info)) {
  config.validate();
  checkRecovery(config, variant);
  m_settings = recoverySettings(config, variant);
  m_schedule = makeSchedule(m_settings);
  m_tables = scheduleTensors(m_schedule, device);
  m_shape = dataShape(config.model);
  torch::manual_seed(config.train.seed); // initial weights are a function of the seed
  m_ebm = TembEbm(m_settings.ebm);
  m_ebm->to(device);
  const RecoveryTraining& t = m_settings.train;
  AdamOptions adam{t.lrEbm, t.beta1, t.beta2, t.eps, 0.0};
  m_optEbm = std::make_unique<Adam>(namedParameters(*m_ebm), adam);
  const bool cdrl = variant == RecoveryVariant::Cdrl;
  // DRL averages every variable, spectral-norm vectors included; CDRL the parameters with
  // torch_ema's warm-up (§4.1 B6).
  m_emaEbm = std::make_unique<Ema>(*m_ebm, EmaOptions{t.emaDecay, cdrl, !cdrl});
  if (cdrl) {
    m_init = InitializerNet(m_settings.initializer);
    m_init->to(device);
    adam.lr = t.lrInitializer;
    m_optInit = std::make_unique<Adam>(namedParameters(*m_init), adam);
    m_emaInit = std::make_unique<Ema>(*m_init, EmaOptions{t.emaDecay, true, false});
  }
  m_levelZero = std::make_shared<LevelZeroEnergy>([this](const torch::Tensor& x) {
    const auto levels =
        torch::zeros({x.size(0)}, torch::TensorOptions(torch::kLong).device(x.device()));
    return -levelEnergy(x * m_schedule.scale[0], levels);
  });
}

RecoveryMethod::~RecoveryMethod() = default;

torch::Tensor RecoveryMethod::nullLabels(int64_t n) const {
  if (m_settings.numClasses <= 0)
    return {};
  return torch::full({n}, -1, torch::TensorOptions(torch::kLong).device(m_device));
}

torch::Tensor RecoveryMethod::levelEnergy(const torch::Tensor& y, const torch::Tensor& levels,
                                          const torch::Tensor& labels) {
  const auto time =
      sinusoidalEmbedding(m_tables.energyTime.index_select(0, levels), m_settings.ebm.tembDim);
  return m_ebm->energy(y, time, labels.defined() ? labels : nullLabels(levels.size(0)));
}

namespace {
bool allEqual(const torch::Tensor& t) {
  return !t.defined() || t.numel() == 0 || (t == t.reshape({-1})[0]).all().item<bool>();
}
} // namespace

TembContext RecoveryMethod::energyContext(const torch::Tensor& levels,
                                          const torch::Tensor& labels) {
  auto lab = labels.defined() ? labels : nullLabels(levels.size(0));
  auto lev = levels;
  if (allEqual(levels) && allEqual(lab)) { // one row broadcasts over the chains
    lev = levels.narrow(0, 0, 1);
    if (lab.defined())
      lab = lab.narrow(0, 0, 1);
  }
  torch::NoGradGuard noGrad;
  return m_ebm->context(
      sinusoidalEmbedding(m_tables.energyTime.index_select(0, lev), m_settings.ebm.tembDim), lab);
}

namespace {

// Rows [begin, begin + n) of a context with one row per chain; a one-row context serves all.
TembContext contextRows(const TembContext& c, int64_t begin, int64_t n) {
  const auto rows = [&](const torch::Tensor& t) {
    return t.defined() && t.size(0) > 1 ? t.narrow(0, begin, n) : t;
  };
  TembContext r;
  for (const auto& shift : c.blockShift)
    r.blockShift.push_back(rows(shift));
  r.head = rows(c.head);
  return r;
}

} // namespace

LevelEnergy RecoveryMethod::chainEnergy(const torch::Tensor& levels, const Guidance& guidance) {
  return chainEnergyParts(levels, guidance).rows(0, levels.size(0));
}

LevelEnergyParts RecoveryMethod::chainEnergyParts(const torch::Tensor& levels,
                                                  const Guidance& guidance) {
  LevelEnergyParts parts;
  if (!guidance.conditional()) {
    const TembContext context = energyContext(levels, {});
    parts.rows = [this, context](int64_t begin, int64_t n) -> LevelEnergy {
      const TembContext c = contextRows(context, begin, n);
      return [this, c](const torch::Tensor& y, const torch::Tensor&) { return m_ebm->forward(y, c); };
    };
    parts.beforeSplit = [this] { m_ebm->advanceForwardPowerIterations(1); };
    return parts;
  }
  std::vector<TembContext> terms;
  for (const auto& labels : guidance.labels)
    terms.push_back(energyContext(levels, labels));
  std::optional<TembContext> unconditional;
  if (guidance.needsUnconditional())
    unconditional = energyContext(levels, {});
  const auto coefficients = guidance.coefficients;
  parts.rows = [this, terms, unconditional, coefficients](int64_t begin,
                                                          int64_t n) -> LevelEnergy {
    std::vector<TembContext> t;
    for (const auto& c : terms)
      t.push_back(contextRows(c, begin, n));
    std::optional<TembContext> u;
    if (unconditional)
      u = contextRows(*unconditional, begin, n);
    return [this, t, u, coefficients](const torch::Tensor& y, const torch::Tensor&) {
      std::vector<torch::Tensor> f;
      for (const auto& c : t)
        f.push_back(m_ebm->forward(y, c));
      return guidedCombination(u ? m_ebm->forward(y, *u) : torch::Tensor(), f, coefficients);
    };
  };
  // Every forward of a guided energy advances the power iteration once (training mode).
  const int forwards = static_cast<int>(terms.size()) + (unconditional ? 1 : 0);
  parts.beforeSplit = [this, forwards] { m_ebm->advanceForwardPowerIterations(forwards); };
  return parts;
}

torch::Tensor RecoveryMethod::recover(RecoveryChain chain, const torch::Tensor& y0,
                                      const Guidance& guidance,
                                      const LiveValue<SettingValues>& live,
                                      const ChainControl& control) {
  chain.parts = chainEnergyParts(chain.levels, guidance);
  const LevelEnergy whole = chain.parts.rows(0, chain.levels.size(0));
  // A guided energy in training mode advances the power iteration between its terms; advanced
  // all at once for parts, its terms would see other weights. Such a chain stays whole.
  if (guidance.conditional() && m_ebm->is_training())
    chain.parts = {};
  return recoveryLangevin(whole, m_schedule, y0, chain, live, control);
}

torch::Tensor RecoveryMethod::proposalMean(const torch::Tensor& xNext, const torch::Tensor& levels,
                                           const Guidance& guidance) {
  const auto time = sinusoidalEmbedding(m_tables.initializerTime.index_select(0, levels),
                                        m_settings.initializer.tembDim);
  const auto n = levels.size(0);
  if (!guidance.conditional())
    return m_init->forward(xNext, m_init->embedding(time, nullLabels(n)));
  std::vector<torch::Tensor> terms;
  for (const auto& labels : guidance.labels)
    terms.push_back(m_init->forward(xNext, m_init->embedding(time, labels)));
  const auto unconditional = guidance.needsUnconditional()
                                 ? m_init->forward(xNext, m_init->embedding(time, nullLabels(n)))
                                 : torch::Tensor();
  return guidedCombination(unconditional, terms, guidance.coefficients);
}

RecoveryMethod::Pair RecoveryMethod::drawPair(const torch::Tensor& x, torch::Generator& gen) const {
  Pair p;
  const int64_t dims = x.dim();
  p.levels = torch::randint(m_schedule.levels, {x.size(0)}, gen,
                            torch::TensorOptions(torch::kLong).device(m_device));
  const auto next = p.levels + 1;
  const auto eps = torch::randn(x.sizes(), gen, x.options());
  if (m_settings.variant == RecoveryVariant::Drl) {
    // A Markov pair with independent noises (§2.3).
    p.x = perChain(m_tables.signal, p.levels, dims) * x +
          perChain(m_tables.noise, p.levels, dims) * eps;
    p.xNext = perChain(m_tables.transition, p.levels, dims) * p.x +
              perChain(m_tables.sigma, p.levels, dims) * torch::randn(x.sizes(), gen, x.options());
  } else {
    // Shared noise: both from their marginals with one eps (§3.5 item 2).
    p.x = perChain(m_tables.signal, p.levels, dims) * x +
          perChain(m_tables.noise, p.levels, dims) * eps;
    p.xNext =
        perChain(m_tables.signal, next, dims) * x + perChain(m_tables.noise, next, dims) * eps;
  }
  p.weight = m_tables.lossWeight.index_select(0, p.levels);
  return p;
}

double RecoveryMethod::warmupFactor(int64_t step, int offset) const {
  const int warmup = m_settings.train.warmup;
  return warmup <= 0 ? 1.0 : std::min(1.0, static_cast<double>(step + offset) / warmup);
}

void RecoveryMethod::stepEbm(const torch::Tensor& loss) {
  loss.backward();
  clipGradients(*m_ebm, m_settings.train.gradClip);
  m_optEbm->setLr(m_settings.train.lrEbm * warmupFactor(m_optEbm->steps(), 0));
  m_optEbm->step();
  m_emaEbm->update(*m_ebm);
}

IterationResult RecoveryMethod::iterate(const torch::Tensor& batch, MethodContext& ctx) {
  TORCH_CHECK(ctx.gen, "RecoveryMethod::iterate: the context has no generator");
  const auto x = batch.to(m_device, torch::kFloat);
  return m_settings.variant == RecoveryVariant::Drl ? iterateDrl(x, ctx) : iterateCdrl(x, ctx);
}

IterationResult RecoveryMethod::iterateDrl(const torch::Tensor& x, MethodContext& ctx) {
  const Pair p = drawPair(x, *ctx.gen);
  const int64_t dims = x.dim();
  // Negatives: K steps from x~ = x_{l+1} itself (§2.5).
  RecoveryChain chain{p.xNext, p.levels, {}, {}, "y"};
  const auto yK =
      recover(chain, p.xNext, {}, ctx.live("y"), ctx.control(ctx.trace("y"), false));
  if (ctx.stopRequested())
    return interrupted();
  m_optEbm->zeroGrad();
  const auto fPos = levelEnergy(perChain(m_tables.scale, p.levels, dims) * p.x, p.levels);
  const auto fNeg = levelEnergy(yK, p.levels);
  const auto loss = (-(fPos - fNeg) * p.weight).mean();
  stepEbm(loss);
  IterationResult r;
  r.losses = {scalar(loss), scalar(fPos.mean()), scalar(fNeg.mean()),
              scalar((yK - p.xNext).flatten(1).norm(2, 1).mean()), m_optEbm->lr()};
  checkDivergence(r);
  return r;
}

IterationResult RecoveryMethod::iterateCdrl(const torch::Tensor& x, MethodContext& ctx) {
  const Pair p = drawPair(x, *ctx.gen);
  const int64_t dims = x.dim();
  // Conditional models: the batch's labels, each replaced by null with probability p_cond
  // (§3.8); one guidance term with coefficient 1 is the plain conditional model.
  Guidance guidance;
  torch::Tensor labels;
  if (m_settings.numClasses > 0) {
    labels = ctx.labels.defined() ? ctx.labels.to(m_device, torch::kLong) : nullLabels(x.size(0));
    TORCH_CHECK(labels.dim() == 1 && labels.size(0) == x.size(0),
                "conditional CDRL: expected one label per example");
    const auto drop =
        torch::rand({x.size(0)}, *ctx.gen, torch::TensorOptions().device(m_device)) <
        m_settings.train.pCond;
    labels = torch::where(drop, torch::full_like(labels, -1), labels);
    guidance = Guidance{{labels}, {1.0}};
  }
  m_ebm->train();
  m_optEbm->zeroGrad();
  // 3. Positives in training mode, backward at once.
  const auto fPos =
      levelEnergy(perChain(m_tables.scale, p.levels, dims) * p.x, p.levels, labels);
  const auto lossPos = -(p.weight * fPos).mean();
  lossPos.backward();
  // 4. The initializer's proposal (with its graph), the chain with the EBM in eval mode.
  m_init->train();
  const auto y0 = proposalMean(p.xNext, p.levels, guidance) +
                 perChain(m_tables.proposalStd, p.levels, dims) *
                     torch::randn(x.sizes(), *ctx.gen, x.options());
  m_ebm->eval();
  RecoveryChain chain{p.xNext, p.levels, {}, {}, "y"};
  const auto yK =
      recover(chain, y0.detach(), guidance, ctx.live("y"), ctx.control(ctx.trace("y"), false));
  if (ctx.stopRequested()) {
    m_ebm->train();
    return interrupted();
  }
  // 5. Negatives (still eval mode), clip, step, EMA.
  const auto fNeg = levelEnergy(yK, p.levels, labels);
  const auto lossNeg = (p.weight * fNeg).mean();
  m_ebm->train();
  stepEbm(lossNeg);
  // 6. The initializer absorbs the revision: mean squared displacement to y_K.
  m_optInit->zeroGrad();
  const auto lossInit = (yK - y0).pow(2).flatten(1).sum(1).mean();
  lossInit.backward();
  clipGradients(*m_init, m_settings.train.gradClip);
  m_optInit->setLr(m_settings.train.lrInitializer *
                   warmupFactor(m_optInit->steps(), m_settings.train.initializerWarmupOffset));
  m_optInit->step();
  m_emaInit->update(*m_init);
  IterationResult r;
  r.losses = {scalar(lossPos + lossNeg),
              scalar(fPos.mean()),
              scalar(fNeg.mean()),
              scalar(lossInit),
              scalar((yK - y0).flatten(1).norm(2, 1).mean()),
              m_optEbm->lr()};
  checkDivergence(r);
  return r;
}

void RecoveryMethod::checkDivergence(IterationResult& r) const {
  for (size_t i = 0; i < r.losses.size(); ++i)
    if (!std::isfinite(r.losses[i])) {
      r.diverged = true;
      r.message = m_info.lossNames[i] + " is not finite";
      return;
    }
  if (r.losses[0] < kLossFloor) {
    r.diverged = true;
    r.message = m_info.lossNames[0] + " = " + std::to_string(r.losses[0]) + " fell below -1e6";
  }
}

SettingValues RecoveryMethod::chainSettings(const RunConfig& config,
                                            const std::string& chain) const {
  if (!m_info.chain(chain))
    throw Error(m_info.name + " has no chain named '" + chain + "' (it has y and sample)");
  return config.methodTable(chain);
}

void RecoveryMethod::storeChainSettings(RunConfig& config, const std::string& chain,
                                        const SettingValues& values) const {
  if (!m_info.chain(chain))
    throw Error(m_info.name + " has no chain named '" + chain + "' (it has y and sample)");
  config.methodSettings[chain].merge(values);
}

double
RecoveryMethod::stepsPerIteration(const std::map<std::string, SettingValues>& settings) const {
  auto it = settings.find("y");
  return it == settings.end() ? 0.0 : it->second.number("steps");
}

std::vector<std::pair<std::string, torch::Tensor>> RecoveryMethod::stateTensors() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  const std::pair<const char*, const torch::nn::Module*> models[] = {
      {"ebm", m_ebm.get()}, {"init", m_init ? m_init.get() : nullptr}};
  for (const auto& [prefix, m] : models) {
    if (!m)
      continue;
    for (const auto& p : m->named_parameters())
      out.emplace_back(std::string(prefix) + "." + p.key(), p.value());
    for (const auto& b : m->named_buffers())
      out.emplace_back(std::string(prefix) + "." + b.key(), b.value());
  }
  m_emaEbm->stateTensors("ema.ebm", out);
  m_optEbm->stateTensors("optim.ebm", out);
  if (m_init) {
    m_emaInit->stateTensors("ema.init", out);
    m_optInit->stateTensors("optim.init", out);
  }
  return out;
}

void RecoveryMethod::loadStateTensors(const SafeTensors& st) {
  loadNamedTensors(stateTensors(), st);
  m_optEbm->syncFromState();
  m_emaEbm->syncFromState();
  if (m_init) {
    m_optInit->syncFromState();
    m_emaInit->syncFromState();
  }
}

torch::Tensor RecoveryMethod::energy(const torch::Tensor& x) {
  torch::NoGradGuard noGrad;
  m_ebm->eval();
  EmaScope ema(*m_emaEbm, *m_ebm);
  const auto e = m_levelZero->forward(x.to(m_device, torch::kFloat)).to(torch::kCPU);
  m_ebm->train();
  return e;
}

torch::Tensor RecoveryMethod::energyAtLevel(const torch::Tensor& y, int level) {
  if (level < 0 || level > m_schedule.top())
    throw Error("noise level " + std::to_string(level) + " outside this model's 0.." +
                std::to_string(m_schedule.top()));
  torch::NoGradGuard noGrad;
  m_ebm->eval();
  EmaScope ema(*m_emaEbm, *m_ebm);
  const auto levels =
      torch::full({y.size(0)}, level, torch::TensorOptions(torch::kLong).device(m_device));
  const auto e = (-levelEnergy(y.to(m_device, torch::kFloat), levels)).to(torch::kCPU);
  m_ebm->train();
  return e;
}

EnergyNet& RecoveryMethod::energyNet() {
  return *m_levelZero;
}

torch::Tensor RecoveryMethod::sampleStarts(int n, const std::string&, torch::Generator& gen) {
  std::vector<int64_t> shape{n};
  shape.insert(shape.end(), m_shape.begin(), m_shape.end());
  return torch::randn(shape, gen, torch::TensorOptions().device(m_device));
}

} // namespace ebm
