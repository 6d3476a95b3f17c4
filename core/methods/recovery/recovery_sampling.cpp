// Sampling of the recovery-likelihood methods: progressive sampling from noise through every
// level (METHODS §2.7, §3.6), one level's recovery of noised data (the chain "y" as a revision),
// and the trace that spans the levels.
#include "methods/recovery/recovery_method.h"

#include "base/runtime.h"
#include "errors.h"
#include "models/time_embedding.h"

#include <algorithm>
#include <optional>

namespace ebm {
namespace {

// Appends one level's trace to the trace of the whole ladder; steps continue after `offset`.
void appendLevel(Trace& into, const Trace& part, int level, int offset) {
  if (into.steps.empty() && into.snapshots.empty()) {
    into.chain = part.chain;
    into.chains = part.chains;
    into.stateShape = part.stateShape;
    into.snapshotEvery = part.snapshotEvery;
  }
  into.steps.reserve(into.steps.size() + part.steps.size());
  for (size_t i = 0; i < part.steps.size(); ++i) {
    into.steps.push_back(part.steps[i] + offset);
    into.levels.push_back(level);
  }
  auto append = [](auto& dst, const auto& src) { dst.insert(dst.end(), src.begin(), src.end()); };
  append(into.energy, part.energy);
  append(into.gradNorm, part.gradNorm);
  append(into.driftNorm, part.driftNorm);
  append(into.noiseNorm, part.noiseNorm);
  append(into.driftVec, part.driftVec);
  append(into.noiseVec, part.noiseVec);
  append(into.stepSize, part.stepSize);
  append(into.noise, part.noise);
  for (const TraceRow& row : part.extras) {
    auto it = std::find_if(into.extras.begin(), into.extras.end(),
                           [&](const TraceRow& r) { return r.name == row.name; });
    TraceRow& target =
        it != into.extras.end() ? *it : into.extras.emplace_back(TraceRow{row.name, {}});
    append(target.values, row.values);
  }
  for (SettingChange c : part.changes) {
    c.step += offset;
    into.changes.push_back(std::move(c));
  }
  for (TraceSnapshot s : part.snapshots) {
    s.step += offset;
    into.snapshots.push_back(std::move(s));
  }
  into.stopped = part.stopped;
  into.diverged = part.diverged;
  into.message = part.message;
}

std::vector<float> levelStateFloats(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// Level states are recorded while a ladder's states stay under ~32 MB (two states per level).
constexpr int64_t kMaxLevelStateFloats = int64_t{8} << 20;

bool roomForLevelStates(const Trace& ladder, int64_t floatsPerLevel) {
  return static_cast<int64_t>(ladder.levelStates.size() + 1) * floatsPerLevel <=
         kMaxLevelStateFloats;
}

} // namespace

torch::Tensor RecoveryMethod::diffused(const KnownPixels& known, int level,
                                       torch::Generator& gen) const {
  const auto x = known.x.to(m_device, torch::kFloat);
  return m_schedule.signal[level] * x + m_schedule.noise[level] * torch::randn(x.sizes(), gen, x.options());
}

torch::Tensor RecoveryMethod::sampleLevel(const torch::Tensor& x, int level,
                                          const LiveValue<SettingValues>& live,
                                          const ChainControl& control, const KnownPixels& known,
                                          LevelStates* states) {
  const auto levels =
      torch::full({x.size(0)}, level, torch::TensorOptions(torch::kLong).device(m_device));
  // The guidance in force when the level starts (a live change applies from the next level).
  const Guidance guidance =
      sampleGuidance(live.peek(), static_cast<int>(x.size(0)), m_settings.numClasses, m_device);
  RecoveryChain chain{x, levels, {}, {}, "sample"};
  if (!known.empty()) {
    // Replacement (§4.4): x_{l+1} and the chain hold the observation diffused to their levels.
    const auto mask = known.mask.to(m_device, torch::kFloat);
    chain.conditioning = mask * diffused(known, level + 1, *control.gen) + (1.0 - mask) * x;
    chain.observedMask = mask;
    chain.observed = m_schedule.scale[level] * diffused(known, level, *control.gen);
  }
  torch::Tensor y0 = chain.conditioning; // DRL: the chain starts at x~ itself
  if (m_init) {
    torch::NoGradGuard noGrad;
    y0 = proposalMean(chain.conditioning, levels, guidance) +
         m_schedule.proposalStd[level] * torch::randn(x.sizes(), *control.gen, x.options());
  }
  if (states) {
    const double m = live.peek().number("step_multiplier", 1.0);
    states->level = level;
    states->conditioning = levelStateFloats(chain.conditioning);
    states->proposal = m_init ? levelStateFloats(y0) : std::vector<float>{};
    states->pull = m * m * m_schedule.kappa[level] * m_schedule.isRecovery[level];
  }
  const auto y = recover(chain, y0, guidance, live, control);
  return y / m_schedule.scale[level];
}

torch::Tensor RecoveryMethod::longRun(const torch::Tensor& x, int steps,
                                      const LiveValue<SettingValues>& live,
                                      const ChainControl& control, const KnownPixels& known) {
  const auto levels = torch::zeros({x.size(0)}, torch::TensorOptions(torch::kLong).device(m_device));
  const Guidance guidance =
      sampleGuidance(live.peek(), static_cast<int>(x.size(0)), m_settings.numClasses, m_device);
  RecoveryChain chain{{}, levels, {}, {}, "sample"};
  chain.marginal = true;
  if (!known.empty()) {
    chain.observedMask = known.mask.to(m_device, torch::kFloat);
    chain.observed = m_schedule.scale[0] * diffused(known, 0, *control.gen);
  }
  SettingValues fixed = live.peek();
  fixed.numbers["steps"] = steps;
  const LiveValue<SettingValues> settings(fixed);
  const auto y = recover(chain, x * m_schedule.scale[0], guidance, settings, control);
  return y / m_schedule.scale[0];
}

torch::Tensor RecoveryMethod::sampleNoise(int n, torch::Generator& gen) {
  return sampleStarts(n, "noise", gen);
}

torch::Tensor RecoveryMethod::sampleFromNoise(int n, MethodContext& ctx) {
  TORCH_CHECK(ctx.gen, "RecoveryMethod::sampleFromNoise: the context has no generator");
  if (n < 1)
    throw Error("sampling needs at least one chain");
  return sampleFrom(sampleNoise(n, *ctx.gen), ctx);
}

torch::Tensor RecoveryMethod::sampleFrom(const torch::Tensor& start, MethodContext& ctx,
                                         const KnownPixels& known) {
  TORCH_CHECK(ctx.gen, "RecoveryMethod::sampleFrom: the context has no generator");
  if (!start.defined() || start.size(0) < 1)
    throw Error("sampling needs at least one chain");
  const auto n = start.size(0);
  const LiveValue<SettingValues>& live = ctx.live("sample");
  const bool ema = live.peek().flag("ema", m_settings.sampleWithEma);
  m_ebm->eval();
  if (m_init)
    m_init->eval();
  std::optional<EmaScope> emaEbm, emaInit;
  if (ema) {
    emaEbm.emplace(*m_emaEbm, *m_ebm);
    if (m_init)
      emaInit.emplace(*m_emaInit, *m_init);
  }
  auto x = start.to(m_device, torch::kFloat);
  Trace* trace = ctx.trace("sample");
  Trace ladder, part;
  int offset = 0;
  LevelStates begun;  // the states of the level running now
  auto control = [&](int level) {
    ChainControl c = ctx.control(trace ? &part : nullptr, true);
    if (trace && ctx.onStep)
      c.onStep = [&, level, offset](const Trace& t) {
        Trace view = ladder;
        appendLevel(view, t, level, offset);
        if (!begun.conditioning.empty())
          view.levelStates.push_back(begun);
        ctx.onStep(view);
      };
    return c;
  };
  auto record = [&](int level) {
    if (trace) {
      appendLevel(ladder, part, level, offset);
      offset = ladder.lastStep() + 1;
    }
  };
  for (int level = m_schedule.top(); level >= 0 && !ctx.stopRequested(); --level) {
    const bool keep = trace && roomForLevelStates(ladder, 2 * start.numel());
    begun = LevelStates{};
    begun.firstStep = offset;
    x = sampleLevel(x, level, live, control(level), known, keep ? &begun : nullptr);
    if (keep)
      ladder.levelStates.push_back(std::move(begun));
    begun = LevelStates{};
    record(level);
  }
  if (const int steps = live.peek().integer("long_run", 0); steps > 0 && !ctx.stopRequested()) {
    x = longRun(x, steps, live, control(0), known);
    record(0);
  }
  if (m_init && !ctx.stopRequested())
    x = tweedie(x, sampleGuidance(live.peek(), static_cast<int>(n), m_settings.numClasses,
                                  m_device));
  if (!known.empty()) {
    const auto mask = known.mask.to(m_device, torch::kFloat);
    x = mask * known.x.to(m_device, torch::kFloat) + (1.0 - mask) * x;
  }
  if (trace) {
    ladder.finished = !ctx.stopRequested() && !ladder.diverged;
    ladder.stopped = ctx.stopRequested();
    *trace = std::move(ladder);
  }
  m_ebm->train();
  if (m_init)
    m_init->train();
  return x;
}

torch::Tensor RecoveryMethod::tweedie(const torch::Tensor& x, const Guidance& guidance) {
  const TweedieStep& t = m_schedule.tweedie;
  const auto levels =
      torch::zeros({x.size(0)}, torch::TensorOptions(torch::kLong).device(m_device));
  auto xg = x.detach().requires_grad_(true);
  const auto f = chainEnergy(levels, guidance)(xg * t.inputScale, levels).sum();
  const auto grad = torch::autograd::grad({f}, {xg})[0];
  return ((x + t.gradientCoef * grad) / t.signalScale).detach();
}

torch::Tensor RecoveryMethod::reviseAtLevel(const RevisionRequest& request, MethodContext& ctx) {
  if (!request.batch.defined() || request.batch.size(0) < 1)
    throw Error("a recovery revision needs data to noise (the chain conditions on it)");
  const LiveValue<SettingValues>& live = ctx.live("y");
  const int level = std::clamp(live.peek().integer("level", 0), 0, m_schedule.top());
  const auto x = request.batch.to(m_device, torch::kFloat);
  const int64_t n = x.size(0);
  // Noise the data to x_{l+1} as training does, then recover x_l from it.
  const auto eps = torch::randn(x.sizes(), *ctx.gen, x.options());
  const auto xNext = m_schedule.signal[level + 1] * x + m_schedule.noise[level + 1] * eps;
  const auto levels = torch::full({n}, level, torch::TensorOptions(torch::kLong).device(m_device));
  m_ebm->eval();
  torch::Tensor y0 = xNext;
  if (m_init) {
    torch::NoGradGuard noGrad;
    m_init->eval();
    y0 = proposalMean(xNext, levels) +
         m_schedule.proposalStd[level] * torch::randn(x.sizes(), *ctx.gen, x.options());
    m_init->train();
  }
  RecoveryChain chain{xNext, levels, {}, {}, "y"};
  const auto y = recover(chain, y0, {}, live, ctx.control(ctx.trace("y"), true));
  m_ebm->train();
  return (y / m_schedule.scale[level]).to(torch::kCPU);
}

torch::Tensor RecoveryMethod::revise(const RevisionRequest& request, MethodContext& ctx) {
  TORCH_CHECK(ctx.gen, "RecoveryMethod::revise: the context has no generator");
  // Init "batch": the ladder starts from given top-level noise (e.g. the noise other samplers
  // share), else from noise drawn with the request's seed.
  if (request.chain == "sample" && request.init == "batch" && request.batch.defined())
    return sampleFrom(request.batch, ctx).to(torch::kCPU);
  if (request.chain == "sample")
    return sampleFromNoise(request.chains, ctx).to(torch::kCPU);
  if (request.chain == "y")
    return reviseAtLevel(request, ctx);
  throw Error(m_info.name + " has no chain named '" + request.chain + "' (it has y and sample)");
}

} // namespace ebm
