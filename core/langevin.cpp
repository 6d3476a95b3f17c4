#include "langevin.h"

#include <cmath>
#include <sstream>

namespace ebm {
namespace {

std::vector<float> toFloats(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Per-chain L2 norm of a (B, ...) tensor.
torch::Tensor rowNorm(const torch::Tensor& t) { return t.flatten(1).norm(2, 1); }

std::string describeChange(double before, double after, const char* name) {
  std::ostringstream os;
  os << name << ' ' << before << " -> " << after;
  return os.str();
}

// Records one step's values and keeps snapshots bounded by thinning: when the list is full,
// every other snapshot is dropped and the interval doubles (the first one always stays).
class Recorder {
public:
  Recorder(Trace* trace, const ChainControl& control) : m_trace(trace), m_control(control) {}

  bool active() const { return m_trace != nullptr; }

  void begin(ChainKind kind, const torch::Tensor& state, int snapshotEvery) {
    if (!m_trace)
      return;
    Trace& t = *m_trace;
    t = Trace{};
    t.kind = kind;
    t.chains = static_cast<int>(state.size(0));
    t.stateShape.assign(state.sizes().begin() + 1, state.sizes().end());
    t.snapshotEvery = std::max(1, snapshotEvery);
  }

  void row(int step, double stepSize, double noise, const torch::Tensor& energy,
           const torch::Tensor& grad, const torch::Tensor& drift, const torch::Tensor& noiseT,
           const torch::Tensor& mse = {}) {
    if (!m_trace)
      return;
    Trace& t = *m_trace;
    t.steps.push_back(step);
    t.stepSize.push_back(stepSize);
    t.noise.push_back(noise);
    t.energy.push_back(toFloats(energy));
    const auto nan = std::vector<float>(t.chains, std::nanf(""));
    t.gradNorm.push_back(grad.defined() ? toFloats(rowNorm(grad)) : nan);
    t.driftNorm.push_back(drift.defined() ? toFloats(rowNorm(drift)) : nan);
    t.noiseNorm.push_back(noiseT.defined() ? toFloats(rowNorm(noiseT)) : nan);
    if (mse.defined())
      t.mse.push_back(toFloats(mse));
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

  void change(int step, std::string what) {
    if (m_trace)
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
  Trace* m_trace;
  const ChainControl& m_control;
};

template <typename Config>
void noteChanges(Recorder& rec, int step, const Config& before, const Config& now) {
  if (now.stepSize != before.stepSize)
    rec.change(step, describeChange(before.stepSize, now.stepSize, "step_size"));
  if (now.noise != before.noise)
    rec.change(step, describeChange(before.noise, now.noise, "noise"));
  if (now.steps != before.steps)
    rec.change(step, describeChange(before.steps, now.steps, "steps"));
}

bool allFinite(const torch::Tensor& a, const torch::Tensor& b) {
  bool ok = torch::isfinite(a).all().item<bool>();
  if (ok && b.defined())
    ok = torch::isfinite(b).all().item<bool>();
  return ok;
}

bool stopRequested(const ChainControl& c) {
  return c.stop && c.stop->load(std::memory_order_relaxed);
}

} // namespace

double Trace::mean(const std::vector<float>& row) {
  if (row.empty())
    return std::nan("");
  double s = 0;
  for (float v : row)
    s += v;
  return s / static_cast<double>(row.size());
}

torch::Tensor langevinX(EnergyNet& energy, const torch::Tensor& x0,
                        const LiveValue<LangevinXConfig>& settings, const ChainControl& control,
                        const torch::Tensor& mask) {
  TORCH_CHECK(control.gen != nullptr, "langevinX needs a generator for its noise");
  Recorder rec(control.trace, control);
  LangevinXConfig cfg = settings.get();
  rec.begin(ChainKind::X, x0, cfg.snapshotEvery);
  const torch::Tensor free = mask.defined() ? (1.0 - mask) : torch::Tensor();

  auto x = x0.detach().clone();
  bool diverged = false, stopped = false;
  std::string message;
  int step = 0;
  for (;; ++step) {
    const LangevinXConfig now = settings.get();
    noteChanges(rec, step, cfg, now);
    cfg = now;
    if (step >= cfg.steps)
      break;
    if (stopRequested(control)) {
      stopped = true;
      message = "stopped at step " + std::to_string(step);
      break;
    }
    torch::Tensor grad;
    const auto e = energy.energyAndGrad(x, grad, rec.active());
    const double driftCoef = 0.5 * cfg.stepSize * cfg.stepSize;
    torch::NoGradGuard noGrad;
    if (!rec.active() && !free.defined()) {
      // Fast path (training chains): x <- x - (s^2/2) g + n xi, in place, fewest operations.
      // The noise is drawn even when n = 0 so that recorded and unrecorded chains with the same
      // seed see the same random numbers.
      x.add_(grad, -driftCoef);
      x.add_(torch::randn(x.sizes(), *control.gen, x.options()), cfg.noise);
      continue;
    }
    auto drift = grad * (-driftCoef);
    auto noise = torch::randn(x.sizes(), *control.gen, x.options()) * cfg.noise;
    if (free.defined()) {
      drift = drift * free;
      noise = noise * free;
    }
    rec.row(step, cfg.stepSize, cfg.noise, e, grad, drift, noise);
    rec.maybeSnapshot(step, x, {}, step == 0);
    rec.notify();
    // A per-step check costs a device sync, so it runs only when a trace is recorded (which
    // syncs anyway); without one, a NaN propagates into the state and the caller's losses.
    if (rec.active() && !allFinite(e, grad)) {
      diverged = true;
      message = "non-finite energy or gradient at x-step " + std::to_string(step) +
                " (step size " + std::to_string(cfg.stepSize) + ")";
      break;
    }
    x = x + drift + noise;
  }
  if (!diverged && rec.active()) {
    if (control.evaluateFinal) {
      torch::NoGradGuard noGrad;
      const auto e = energy.forward(x);
      rec.row(step, cfg.stepSize, cfg.noise, e, {}, {}, {});
      if (!torch::isfinite(e).all().item<bool>()) {
        diverged = true;
        message = "non-finite energy after x-step " + std::to_string(step);
      }
    }
    rec.maybeSnapshot(step, x, {}, true);
  }
  rec.finish(!stopped && !diverged, stopped, diverged, message);
  return x.detach();
}

namespace {

// U(z) per chain from an already decoded G(z) (Eq. 21 with the reference's SSE convention).
torch::Tensor potentialFromDecoded(const torch::Tensor& decoded, const torch::Tensor& x,
                                   const torch::Tensor& z, const LangevinZConfig& cfg,
                                   const torch::Tensor& mask) {
  auto residual = decoded - x;
  if (mask.defined())
    residual = residual * mask;
  const auto sse = residual.pow(2).flatten(1).sum(1);
  const double likeScale = (cfg.halfSse ? 0.5 : 1.0) / (cfg.sigma * cfg.sigma);
  const auto prior = z.pow(2).flatten(1).sum(1) / (2.0 * cfg.priorSigma * cfg.priorSigma);
  return sse * likeScale + prior;
}

} // namespace

torch::Tensor zPotential(Generator& generator, const torch::Tensor& x, const torch::Tensor& z,
                         const LangevinZConfig& cfg, const torch::Tensor& mask) {
  return potentialFromDecoded(generator.forward(z), x, z, cfg, mask);
}

torch::Tensor langevinZ(Generator& generator, const torch::Tensor& x, const torch::Tensor& z0,
                        const LiveValue<LangevinZConfig>& settings, const ChainControl& control,
                        const torch::Tensor& mask) {
  TORCH_CHECK(control.gen != nullptr, "langevinZ needs a generator for its noise");
  TORCH_CHECK(x.size(0) == z0.size(0), "langevinZ: ", x.size(0), " targets but ", z0.size(0),
              " chains");
  Recorder rec(control.trace, control);
  LangevinZConfig cfg = settings.get();
  rec.begin(ChainKind::Z, z0, cfg.snapshotEvery);
  if (control.trace) {
    control.trace->decodedShape.assign(x.sizes().begin() + 1, x.sizes().end());
    control.trace->target = toFloats(x);
  }
  // Per-pixel MSE of the decoded chain state; over observed pixels when masked.
  const auto msePerChain = [&](const torch::Tensor& decoded) {
    auto r = (decoded - x).pow(2);
    if (!mask.defined())
      return r.flatten(1).mean(1);
    auto m = mask.expand_as(r);
    return (r * m).flatten(1).sum(1) / m.flatten(1).sum(1).clamp_min(1.0);
  };

  auto z = z0.detach().clone();
  bool diverged = false, stopped = false;
  std::string message;
  int step = 0;
  for (;; ++step) {
    const LangevinZConfig now = settings.get();
    noteChanges(rec, step, cfg, now);
    cfg = now;
    if (step >= cfg.steps)
      break;
    if (stopRequested(control)) {
      stopped = true;
      message = "stopped at step " + std::to_string(step);
      break;
    }
    // U(z) = c SSE(G(z), x) + |z|^2 / (2 sigma_p^2): the likelihood part goes back through G
    // as a vector-Jacobian product with dU/dG = 2c (G(z) - x) (masked), the prior is added here.
    torch::Tensor u, grad;
    const double likeScale = (cfg.halfSse ? 0.5 : 1.0) / (cfg.sigma * cfg.sigma);
    const auto decoded = generator.forwardAndVjp(
        z,
        [&](const torch::Tensor& out) {
          auto residual = out - x;
          if (mask.defined())
            residual = residual * mask;
          u = residual.pow(2).flatten(1).sum(1) * likeScale +
              z.pow(2).flatten(1).sum(1) / (2.0 * cfg.priorSigma * cfg.priorSigma);
          return residual * (2.0 * likeScale);
        },
        grad);
    torch::NoGradGuard noGrad;
    grad.add_(z, 1.0 / (cfg.priorSigma * cfg.priorSigma));
    const double driftCoef = 0.5 * cfg.stepSize * cfg.stepSize;
    if (!rec.active()) {
      z.add_(grad, -driftCoef);
      z.add_(torch::randn(z.sizes(), *control.gen, z.options()), cfg.noise);
      continue;
    }
    auto drift = grad * (-driftCoef);
    auto noise = torch::randn(z.sizes(), *control.gen, z.options()) * cfg.noise;
    if (rec.active()) {
      rec.row(step, cfg.stepSize, cfg.noise, u, grad, drift, noise, msePerChain(decoded));
      rec.maybeSnapshot(step, z, decoded, step == 0);
      rec.notify();
    }
    if (rec.active() && !allFinite(u, grad)) {
      diverged = true;
      message = "non-finite posterior potential or gradient at z-step " + std::to_string(step) +
                " (step size " + std::to_string(cfg.stepSize) + ")";
      break;
    }
    z = z + drift + noise;
  }
  if (!diverged && rec.active()) {
    if (control.evaluateFinal) {
      torch::NoGradGuard noGrad;
      const auto decoded = generator.forward(z);
      const auto u = potentialFromDecoded(decoded, x, z, cfg, mask);
      rec.row(step, cfg.stepSize, cfg.noise, u, {}, {}, {}, msePerChain(decoded));
      rec.maybeSnapshot(step, z, decoded, true);
    } else {
      rec.maybeSnapshot(step, z, {}, true);
    }
  }
  rec.finish(!stopped && !diverged, stopped, diverged, message);
  return z.detach();
}

} // namespace ebm
