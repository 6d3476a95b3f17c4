#include "sampling/chain_driver.h"
#include "base/runtime.h"
#include "sampling/step_graph.h"

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include <atomic>
#include <cmath>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>

namespace ebm {
namespace {

// Per-chain L2 norm of a (B, ...) tensor.
torch::Tensor rowNorm(const torch::Tensor& t) {
  return t.flatten(1).norm(2, 1);
}

// Per-chain squared norm, in double (the MALA terms are differences of large sums).
torch::Tensor rowSquares(const torch::Tensor& t) {
  return t.to(torch::kDouble).flatten(1).pow(2).sum(1);
}

// The move taken from a recorded step, kept until the next step's gradient is known.
struct PendingMove {
  torch::Tensor potential;  // U(x) per chain
  torch::Tensor drift;      // -c grad U(x) (masked)
  torch::Tensor noise;      // sigma xi (masked)
  torch::Tensor sigma2;     // (B) noise variance per chain, double
  double coef = 0;          // c
  size_t row = 0;           // the trace row of the step the move starts from
};

// min(1, alpha) of the move x -> x' = x + drift + noise under the target exp(-U/T), T =
// sigma^2 / (2c), and the proposal N(x - c grad U(x), sigma^2 I):
//   log alpha = -(U(x') - U(x)) / T - |x - x' + c grad U(x')|^2 / (2 sigma^2)
//               + |x' - x + c grad U(x)|^2 / (2 sigma^2),
// where x' - x + c grad U(x) is the noise drawn. NaN for chains without noise.
torch::Tensor malaAcceptance(const PendingMove& m, const torch::Tensor& potentialNext,
                             const torch::Tensor& gradNext, const torch::Tensor& free) {
  auto back = gradNext * m.coef;
  if (free.defined())
    back = back * free;
  back = back - m.drift - m.noise;  // x - x' + c grad U(x')
  const auto t = m.sigma2 / (2.0 * m.coef);
  const auto dU = potentialNext.to(torch::kDouble) - m.potential.to(torch::kDouble);
  const auto logAlpha = -dU / t - (rowSquares(back) - rowSquares(m.noise)) / (2.0 * m.sigma2);
  const auto alpha = logAlpha.clamp_max(0.0).exp();
  return torch::where(m.sigma2 > 0, alpha, torch::full_like(alpha, std::nan("")));
}

// Per-chain noise variance sigma^2 r^2 (r the kernel's optional per-chain factor), double.
torch::Tensor noiseVariance(double noiseStd, const torch::Tensor& factor, int64_t chains,
                            const torch::TensorOptions& options) {
  auto v = torch::full({chains}, noiseStd * noiseStd, options.dtype(torch::kDouble));
  if (factor.defined())
    v = v * factor.to(torch::kDouble).reshape({chains, -1}).select(1, 0).pow(2);
  return v;
}

torch::Tensor potentialOf(const KernelEval& e) {
  return e.potential.defined() ? e.potential : e.energy;
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
    int64_t per = 1;
    for (auto d : t.stateShape)
      per *= d;
    m_vectors = per <= Trace::kMaxVectorDims;
  }

  size_t rows() const { return m_trace ? m_trace->steps.size() : 0; }

  /// The acceptance of the move from row `row` (its placeholder was NaN).
  void acceptance(size_t row, const torch::Tensor& alpha) {
    if (!m_trace)
      return;
    auto& values = extraRow(*m_trace, Trace::kMalaAccept).values;
    if (row < values.size())
      values[row] = toFloats(alpha.to(torch::kFloat));
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
    extraRow(t, Trace::kMalaAccept).values.push_back(nan);
    for (const auto& [name, values] : e.extras)
      extraRow(t, name).values.push_back(toFloats(values));
    if (m_vectors) {
      const auto nanVec = std::vector<float>(t.chains * vectorWidth(t), std::nanf(""));
      t.driftVec.push_back(drift.defined() ? toFloats(drift) : nanVec);
      t.noiseVec.push_back(noiseT.defined() ? toFloats(noiseT) : nanVec);
    }
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
  static size_t vectorWidth(const Trace& t) {
    size_t per = 1;
    for (auto d : t.stateShape)
      per *= static_cast<size_t>(d);
    return per;
  }

  static TraceRow& extraRow(Trace& t, const std::string& name) {
    for (auto& r : t.extras)
      if (r.name == name)
        return r;
    t.extras.push_back({name, {}});
    return t.extras.back();
  }

  Trace* m_trace;
  const ChainControl& m_control;
  bool m_vectors = false;  // the state is small enough to keep drift and noise vectors
};

// The parts' evaluations joined in chain order; a field is joined when the parts have it.
torch::Tensor joinRows(std::vector<KernelEval>& parts, torch::Tensor KernelEval::*field) {
  std::vector<torch::Tensor> rows;
  for (auto& p : parts)
    if ((p.*field).defined())
      rows.push_back(std::move(p.*field));
  return rows.size() == parts.size() ? torch::cat(rows, 0) : torch::Tensor();
}

KernelEval joinParts(std::vector<KernelEval>& parts) {
  KernelEval e;
  e.energy = joinRows(parts, &KernelEval::energy);
  e.grad = joinRows(parts, &KernelEval::grad);
  e.decoded = joinRows(parts, &KernelEval::decoded);
  e.mse = joinRows(parts, &KernelEval::mse);
  e.potential = joinRows(parts, &KernelEval::potential);
  for (size_t i = 0; i < parts.front().extras.size(); ++i) {
    std::vector<torch::Tensor> rows;
    for (const auto& p : parts)
      rows.push_back(p.extras.at(i).second);
    e.extras.emplace_back(parts.front().extras[i].first, torch::cat(rows, 0));
  }
  return e;
}

// An evaluation split over the intra-op threads when the kernel allows it. Each part runs on
// one thread (the ops inside a parallel region do not fan out again), with the caller's grad
// mode and other thread-local state. A whole batch on several threads would sum in an order of
// the thread count's choosing; the parts sum as one thread does.
KernelEval evaluateParts(ChainKernel& kernel, ChainKernel::Evaluation what,
                         const torch::Tensor& state, const SettingValues& s, bool record) {
  const int64_t chains = state.size(0);
  const int parts =
      state.device().is_cpu() && kernel.splitsByChain() ? chainParts(chains) : 1;
  if (parts <= 1)
    return what == ChainKernel::Evaluation::Step ? kernel.evaluate(state, s, record)
                                                 : kernel.evaluateFinal(state, s);
  kernel.beginSplit(what, s);
  std::vector<KernelEval> evals(static_cast<size_t>(parts));
  const at::ThreadLocalState caller;
  at::parallel_for(0, parts, 1, [&](int64_t first, int64_t last) {
    at::ThreadLocalStateGuard guard(caller);
    const OneOpenMpThread oneThread;
    const PrecisionScope precision(state.device());  // autocast's type and cache are per thread
    for (int64_t p = first; p < last; ++p) {
      const int64_t begin = chains * p / parts, end = chains * (p + 1) / parts;
      evals[static_cast<size_t>(p)] =
          kernel.evaluatePart(what, state.narrow(0, begin, end - begin), begin, s, record);
    }
  });
  return joinParts(evals);
}

// A kernel evaluation in the precision setting's arithmetic (base/runtime.h), split when the
// kernel allows it; the gradient comes back in the state's type (the update stays float32).
KernelEval evaluateSplit(ChainKernel& kernel, ChainKernel::Evaluation what,
                         const torch::Tensor& state, const SettingValues& s, bool record) {
  KernelEval e;
  {
    const PrecisionScope precision(state.device());
    e = evaluateParts(kernel, what, state, s, record);
  }
  if (e.grad.defined() && e.grad.scalar_type() != state.scalar_type())
    e.grad = e.grad.to(state.scalar_type());
  return e;
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
  const auto e = evaluateSplit(kernel, ChainKernel::Evaluation::Final, state, s, true);
  rec.row(step, kernel.level(), kernel.recordedStepSize(s), kernel.noiseStd(s), e, {}, {});
  if (!torch::isfinite(e.energy).all().item<bool>()) {
    out.diverged = true;
    out.message = "non-finite " + kernel.quantity() + " after " + kernel.chainName() + "-step " +
                  std::to_string(step);
  }
  rec.maybeSnapshot(step, state, e.decoded, true);
}

// Chains (by name and state shape) whose step could not be captured: told once on stderr
// and not tried again in this process. Only kernels that say they never wait for the host are
// captured; when one fails anyway, LibTorch's default generator may be left in capture mode,
// so graphs stay off for the rest of the process. Returns whether `key` was known; with `why`,
// records it.
bool uncapturable(const std::string& key, const std::string* why = nullptr) {
  static std::mutex mutex;
  static std::set<std::string> keys;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!why)
    return keys.count(key) > 0;
  if (keys.insert(key).second)
    std::cerr << "CUDA graphs: the " << key << " step cannot be captured (" << *why
              << "); chains run eagerly for the rest of this process\n";
  setCudaGraphs(false);
  return true;
}

// The step of an unrecorded chain without a mask (training chains): in place, fewest
// operations. The noise is drawn even when its std is 0 so that recorded and unrecorded chains
// with one seed see the same numbers. On CUDA with graphs on, the first step runs eagerly
// (LibTorch's lazy setup happens outside a capture), the second is captured and every step is
// then a replay: the noise is drawn into a fixed buffer before each replay, from the chain's
// generator in the eager order, so the graph's chain is the eager chain bit for bit. A change
// of settings mid-chain captures again.
class FastSteps {
public:
  FastSteps(ChainKernel& kernel, torch::Tensor& state, torch::Generator& gen)
      : m_kernel(kernel), m_state(state), m_gen(gen) {
    if (!cudaGraphsSetting() || !state.is_cuda() || !cudaGraphsAvailable() ||
        !kernel.graphCapturable())
      return;
    m_key = kernel.chainName() + "-chain of shape " + shapeText(state);
    if (!uncapturable(m_key))
      m_stream.emplace();
  }

  void step(const SettingValues& cfg) {
    if (m_graph && !(constants(cfg) == m_captured)) {
      m_graph.reset();  // settings changed: capture again with the new constants
      m_eagerSince = 0;
    }
    if (!m_graph && m_stream && m_eagerSince >= 1)
      capture(cfg);
    if (m_graph) {
      m_noise.normal_(0.0, 1.0, m_gen);
      m_graph->replay();
      return;
    }
    eager(cfg);
    ++m_eagerSince;
  }

private:
  // The settings a step's arithmetic may read (the step count and snapshot spacing do not).
  static SettingValues constants(SettingValues s) {
    s.numbers.erase("steps");
    s.numbers.erase("snapshot_every");
    return s;
  }

  static std::string shapeText(const torch::Tensor& t) {
    std::string s;
    for (const auto d : t.sizes())
      s += (s.empty() ? "" : "x") + std::to_string(d);
    return s;
  }

  void eager(const SettingValues& cfg) {
    const auto e = evaluateSplit(m_kernel, ChainKernel::Evaluation::Step, m_state, cfg, false);
    update(e.grad, torch::randn(m_state.sizes(), m_gen, m_state.options()), cfg);
  }

  void update(const torch::Tensor& grad, torch::Tensor xi, const SettingValues& cfg) {
    torch::NoGradGuard noGrad;
    m_state.add_(grad, -m_kernel.driftCoefficient(cfg));
    const auto factor = m_kernel.noiseFactor(cfg);
    if (factor.defined())
      xi.mul_(factor);
    m_state.add_(xi, m_kernel.noiseStd(cfg));
  }

  void capture(const SettingValues& cfg) {
    m_noise = torch::empty_like(m_state);
    auto graph = std::make_unique<StepGraph>();
    std::string why;
    const bool ok = graph->capture(
        [&] {
          const auto e =
              evaluateSplit(m_kernel, ChainKernel::Evaluation::Step, m_state, cfg, false);
          update(e.grad, m_noise, cfg);
        },
        why);
    if (!ok) {
      uncapturable(m_key, &why);
      m_stream.reset();
      return;
    }
    m_graph = std::move(graph);
    m_captured = constants(cfg);
  }

  ChainKernel& m_kernel;
  torch::Tensor& m_state;
  torch::Generator& m_gen;
  std::string m_key;
  std::optional<GraphStream> m_stream;  // set while graphs are wanted and possible
  std::unique_ptr<StepGraph> m_graph;
  SettingValues m_captured;  // the settings the graph's constants came from
  torch::Tensor m_noise;     // the buffer the graph reads its noise from
  int m_eagerSince = 0;      // eager steps since the last capture (or the start)
};

} // namespace

int chainParts(int64_t chains) {
  if (at::in_parallel_region())
    return 1;
  const int setting = chainPartsSetting();
  const int64_t wanted = setting > 0 ? setting : at::get_num_threads();
  return static_cast<int>(std::max<int64_t>(1, std::min(wanted, chains / kMinChainsPerPart)));
}

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
  std::optional<FastSteps> fast;
  if (!rec.active() && !free.defined())
    fast.emplace(kernel, state, *control.gen);
  Outcome out;
  std::optional<PendingMove> pending;  // recorded chains: the last move, for its acceptance
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
    if (fast) {
      fast->step(cfg);
      continue;
    }
    const auto e =
        evaluateSplit(kernel, ChainKernel::Evaluation::Step, state, cfg, rec.active());
    const double driftCoef = kernel.driftCoefficient(cfg);
    const double noiseStd = kernel.noiseStd(cfg);
    const auto noiseFactor = kernel.noiseFactor(cfg);
    torch::NoGradGuard noGrad;
    auto drift = e.grad * (-driftCoef);
    auto noise = torch::randn(state.sizes(), *control.gen, state.options()) * noiseStd;
    if (noiseFactor.defined())
      noise = noise * noiseFactor;
    if (free.defined()) {
      drift = drift * free;
      noise = noise * free;
    }
    if (pending)
      rec.acceptance(pending->row, malaAcceptance(*pending, potentialOf(e), e.grad, free));
    rec.row(step, kernel.level(), kernel.recordedStepSize(cfg), noiseStd, e, drift, noise);
    pending = PendingMove{potentialOf(e), drift, noise,
                          noiseVariance(noiseStd, noiseFactor, state.size(0), state.options()),
                          driftCoef, rec.rows() - 1};
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
