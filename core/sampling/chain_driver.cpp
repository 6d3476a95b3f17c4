#include "sampling/chain_driver.h"
#include "base/runtime.h"

#include <cmath>

namespace ebm {
namespace {

// Per-chain L2 norm of a (B, ...) tensor.
torch::Tensor rowNorm(const torch::Tensor& t) {
  return t.flatten(1).norm(2, 1);
}

// Records one step's values and keeps snapshots bounded by thinning: when the list is full,
// every other snapshot is dropped and the interval doubles (the first one always stays).
class Recorder {
public:
  Recorder(Trace* trace, const ChainControl& control) : m_trace(trace), m_control(control) {}

  bool active() const { return m_trace != nullptr; }

  void begin(const ChainKernel& kernel, const torch::Tensor& state, int snapshotEvery) {
    if (!m_trace)
      return;
    Trace& t = *m_trace;
    t = Trace{};
    t.chain = kernel.chainName();
    t.chains = static_cast<int>(state.size(0));
    t.stateShape.assign(state.sizes().begin() + 1, state.sizes().end());
    t.snapshotEvery = std::max(1, snapshotEvery);
    kernel.describe(t);
  }

  void row(int step, int level, double stepSize, double noise, const KernelEval& e,
           const torch::Tensor& drift, const torch::Tensor& noiseT) {
    if (!m_trace)
      return;
    Trace& t = *m_trace;
    t.steps.push_back(step);
    if (level >= 0)
      t.levels.push_back(level);
    t.stepSize.push_back(stepSize);
    t.noise.push_back(noise);
    t.energy.push_back(toFloats(e.energy));
    const auto nan = std::vector<float>(t.chains, std::nanf(""));
    t.gradNorm.push_back(e.grad.defined() ? toFloats(rowNorm(e.grad)) : nan);
    t.driftNorm.push_back(drift.defined() ? toFloats(rowNorm(drift)) : nan);
    t.noiseNorm.push_back(noiseT.defined() ? toFloats(rowNorm(noiseT)) : nan);
    if (e.mse.defined())
      t.mse.push_back(toFloats(e.mse));
    for (const auto& [name, values] : e.extras)
      extraRow(t, name).values.push_back(toFloats(values));
  }

  void maybeSnapshot(int step, const torch::Tensor& state, const torch::Tensor& decoded,
                     bool force) {
    if (!m_trace)
      return;
    Trace& t = *m_trace;
    if (!force && step % t.snapshotEvery != 0)
      return;
    if (!t.snapshots.empty() && t.snapshots.back().step == step)
      return;
    TraceSnapshot s;
    s.step = step;
    s.state = toFloats(state);
    if (decoded.defined())
      s.decoded = toFloats(decoded);
    t.snapshots.push_back(std::move(s));
    const int cap = std::max(4, m_control.maxSnapshots);
    if (static_cast<int>(t.snapshots.size()) > cap) {
      std::vector<TraceSnapshot> kept;
      for (size_t i = 0; i < t.snapshots.size(); ++i)
        if (i % 2 == 0 || i + 1 == t.snapshots.size())
          kept.push_back(std::move(t.snapshots[i]));
      t.snapshots = std::move(kept);
      t.snapshotEvery *= 2;
    }
  }

  void notify() {
    if (m_trace && m_control.onStep)
      m_control.onStep(*m_trace);
  }

  void changes(int step, const SettingValues& before, const SettingValues& now) {
    if (!m_trace)
      return;
    for (auto& what : describeChanges(before, now))
      m_trace->changes.push_back({step, std::move(what)});
  }

  void finish(bool finished, bool stopped, bool diverged, std::string message) {
    if (!m_trace)
      return;
    m_trace->finished = finished;
    m_trace->stopped = stopped;
    m_trace->diverged = diverged;
    m_trace->message = std::move(message);
    notify();
  }

private:
  static TraceRow& extraRow(Trace& t, const std::string& name) {
    for (auto& r : t.extras)
      if (r.name == name)
        return r;
    t.extras.push_back({name, {}});
    return t.extras.back();
  }

  Trace* m_trace;
  const ChainControl& m_control;
};

bool allFinite(const torch::Tensor& a, const torch::Tensor& b) {
  bool ok = torch::isfinite(a).all().item<bool>();
  if (ok && b.defined())
    ok = torch::isfinite(b).all().item<bool>();
  return ok;
}

bool stopRequested(const ChainControl& c) {
  return c.stop && c.stop->load(std::memory_order_relaxed);
}

struct Outcome {
  bool diverged = false, stopped = false;
  std::string message;
};

// The final state's energy (and extras) and its snapshot.
void recordFinal(ChainKernel& kernel, Recorder& rec, const ChainControl& control, int step,
                 const torch::Tensor& state, const SettingValues& s, Outcome& out) {
  if (!control.evaluateFinal) {
    rec.maybeSnapshot(step, state, {}, true);
    return;
  }
  torch::NoGradGuard noGrad;
  const auto e = kernel.evaluateFinal(state, s);
  rec.row(step, kernel.level(), kernel.recordedStepSize(s), kernel.noiseStd(s), e, {}, {});
  if (!torch::isfinite(e.energy).all().item<bool>()) {
    out.diverged = true;
    out.message = "non-finite " + kernel.quantity() + " after " + kernel.chainName() + "-step " +
                  std::to_string(step);
  }
  rec.maybeSnapshot(step, state, e.decoded, true);
}

} // namespace

double ChainKernel::driftCoefficient(const SettingValues& s) const {
  const double step = s.number("step_size");
  return 0.5 * step * step;
}

double ChainKernel::noiseStd(const SettingValues& s) const {
  return s.number("noise");
}

torch::Tensor runChain(ChainKernel& kernel, const torch::Tensor& start,
                       const LiveValue<SettingValues>& settings, const ChainControl& control,
                       const torch::Tensor& free) {
  TORCH_CHECK(control.gen != nullptr, "runChain: the ", kernel.chainName(),
              "-chain needs a generator for its noise");
  Recorder rec(control.trace, control);
  SettingValues cfg = settings.get();
  rec.begin(kernel, start, cfg.integer("snapshot_every", 1));

  auto state = start.detach().clone();
  Outcome out;
  int step = 0;
  for (;; ++step) {
    SettingValues now = settings.get();
    rec.changes(step, cfg, now);
    cfg = std::move(now);
    if (step >= cfg.integer("steps"))
      break;
    if (stopRequested(control)) {
      out.stopped = true;
      out.message = "stopped at step " + std::to_string(step);
      break;
    }
    const auto e = kernel.evaluate(state, cfg, rec.active());
    const double driftCoef = kernel.driftCoefficient(cfg);
    const double noiseStd = kernel.noiseStd(cfg);
    const auto noiseFactor = kernel.noiseFactor(cfg);
    torch::NoGradGuard noGrad;
    if (!rec.active() && !free.defined()) {
      // Fast path (training chains): in place, fewest operations. The noise is drawn even when
      // its std is 0 so that recorded and unrecorded chains with one seed see the same numbers.
      state.add_(e.grad, -driftCoef);
      auto xi = torch::randn(state.sizes(), *control.gen, state.options());
      if (noiseFactor.defined())
        xi.mul_(noiseFactor);
      state.add_(xi, noiseStd);
      continue;
    }
    auto drift = e.grad * (-driftCoef);
    auto noise = torch::randn(state.sizes(), *control.gen, state.options()) * noiseStd;
    if (noiseFactor.defined())
      noise = noise * noiseFactor;
    if (free.defined()) {
      drift = drift * free;
      noise = noise * free;
    }
    rec.row(step, kernel.level(), kernel.recordedStepSize(cfg), noiseStd, e, drift, noise);
    rec.maybeSnapshot(step, state, e.decoded, step == 0);
    rec.notify();
    // A per-step check costs a device sync, so it runs only when a trace is recorded (which
    // syncs anyway); without one, a NaN propagates into the state and the caller's losses.
    if (rec.active() && !allFinite(e.energy, e.grad)) {
      out.diverged = true;
      out.message = "non-finite " + kernel.quantity() + " at " + kernel.chainName() + "-step " +
                    std::to_string(step) + " (step size " +
                    std::to_string(kernel.recordedStepSize(cfg)) + ")";
      break;
    }
    state = state + drift + noise;
  }
  if (!out.diverged && rec.active())
    recordFinal(kernel, rec, control, step, state, cfg, out);
  rec.finish(!out.stopped && !out.diverged, out.stopped, out.diverged, out.message);
  return state.detach();
}

torch::Tensor runChain(ChainKernel& kernel, const torch::Tensor& start,
                       const SettingValues& settings, const ChainControl& control,
                       const torch::Tensor& free) {
  const LiveValue<SettingValues> fixed(settings);
  return runChain(kernel, start, fixed, control, free);
}

} // namespace ebm
