// The one loop every Langevin chain runs: it re-reads the live settings before each step (a GUI
// may change them mid-chain), checks the stop flag, records the trace (values, setting changes,
// thinned snapshots), stops on a non-finite value and reports progress. A kernel supplies only
// what differs between chains: the gradient of its potential at a state, and what it records.
// The update is state <- state - c(s) grad + sigma(s) r xi, restricted to `free` entries when
// given; r is the kernel's optional per-chain noise factor (1 unless it supplies one).
// A recorded chain also gets, per step, the acceptance probability a MALA correction would have
// had (Trace::kMalaAccept) and, for states of at most Trace::kMaxVectorDims values per chain,
// the drift and noise vectors themselves; an unrecorded chain computes neither.
// Worker thread only; no Qt/GL.
#pragma once

#include "method_info.h"
#include "trace.h"
#include "base/live_settings.h"

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ebm {

/// Everything a chain needs besides its kernel, start state and settings.
struct ChainControl {
  torch::Generator* gen = nullptr;               // noise source (required)
  const std::atomic<bool>* stop = nullptr;       // ends the chain at the next step when true
  Trace* trace = nullptr;                        // filled in when given
  int maxSnapshots = 64;                         // thin snapshots beyond this (bounded memory)
  bool evaluateFinal = true;                     // record the energy of the final state too
  std::function<void(const Trace&)> onStep;      // called after every recorded step
};

/// What a kernel computes at a state.
struct KernelEval {
  torch::Tensor energy;   // (B): the energy or potential per chain (may be undefined unrecorded)
  torch::Tensor grad;     // d energy / d state, the shape of the state
  torch::Tensor decoded;  // optional: the state mapped into data space (latent chains)
  torch::Tensor mse;      // optional: per-chain MSE against the chain's target
  // optional: the potential U whose gradient `grad` is, per chain (B), when it differs from
  // `energy` (a recovery chain records f but moves on V); the MALA acceptance uses it
  torch::Tensor potential;
  // optional: further per-chain (B) rows the trace records under these names
  std::vector<std::pair<std::string, torch::Tensor>> extras;
};

class ChainKernel {
public:
  virtual ~ChainKernel() = default;
  /// The trace's chain name and the unit of a step in messages, e.g. "x-step".
  virtual std::string chainName() const = 0;
  /// What turned non-finite, for the divergence message, e.g. "energy or gradient".
  virtual std::string quantity() const = 0;
  /// Gradient at `state`; with `record` also the energy and extras the trace shows.
  virtual KernelEval evaluate(const torch::Tensor& state, const SettingValues& settings,
                              bool record) = 0;
  /// Energy and extras of the final state, no gradient.
  virtual KernelEval evaluateFinal(const torch::Tensor& state, const SettingValues& settings) = 0;
  /// Fills in what a recorded trace needs beyond the state's shape (decoded shape, target).
  virtual void describe(Trace&) const {}
  /// Drift coefficient c and noise std sigma of the update (Langevin: s^2 / 2 and n).
  virtual double driftCoefficient(const SettingValues& s) const;
  virtual double noiseStd(const SettingValues& s) const;
  /// Per-chain factor (B, 1, ...) on the noise std, for a batch whose chains run at different
  /// step sizes (recovery chains over a batch of noise levels); undefined (default) = 1.
  virtual torch::Tensor noiseFactor(const SettingValues&) const { return {}; }
  /// The step size the trace shows (default: the "step_size" setting).
  virtual double recordedStepSize(const SettingValues& s) const { return s.number("step_size"); }
  /// The noise level the trace's `levels` row shows; < 0 (default): no level row.
  virtual int level() const { return -1; }
  /// Whether an unrecorded step (evaluate without recording, then the update) can be captured
  /// in a CUDA graph: it never waits for the host (no .item(), no host-side branch on values).
  /// Default: no. A capture that fails anyway is ended, but may leave LibTorch's allocator and
  /// default generator in capture mode (sampling/step_graph.h), so kernels opt in.
  virtual bool graphCapturable() const { return false; }

  // Splitting the batch across threads. A kernel whose chains are independent (rows
  // [b, b + n) of its values at a state are its values at those rows alone) says so here; the
  // driver then calls beginSplit once on its own thread and evaluatePart on disjoint parts
  // concurrently, one part per intra-op thread, and joins the parts in order.
  enum class Evaluation { Step, Final };  // evaluate() or evaluateFinal()
  /// Whether the batch may be split now (default: no). Checked before every evaluation.
  virtual bool splitsByChain() const { return false; }
  /// Once per split evaluation, before the parts, on the driver's thread (e.g. advancing the
  /// spectral norm's power iteration that a whole-batch call would have advanced once).
  virtual void beginSplit(Evaluation, const SettingValues&) {}
  /// evaluate() or evaluateFinal() on the chains [begin, begin + part.size(0)) of the state;
  /// thread-safe for disjoint parts. The default suits kernels without per-chain members.
  virtual KernelEval evaluatePart(Evaluation what, const torch::Tensor& part, int64_t begin,
                                  const SettingValues& settings, bool record) {
    (void)begin;
    return what == Evaluation::Step ? evaluate(part, settings, record)
                                    : evaluateFinal(part, settings);
  }
};

/// The parts a step of `chains` chains is split into now on this thread: the part setting
/// (base/runtime.h; 0 = the intra-op thread count), at most one per kMinChainsPerPart chains.
/// The parts run on the intra-op threads, each single-threaded inside, so a chain's values
/// depend on the part count and not on the threads.
int chainParts(int64_t chains);
constexpr int64_t kMinChainsPerPart = 2;

/// Runs `kernel` from `start` (detached) for as many steps as the live "steps" setting says.
/// Returns the final, detached state. `free` (1 = may move) masks drift and noise.
torch::Tensor runChain(ChainKernel& kernel, const torch::Tensor& start,
                       const LiveValue<SettingValues>& settings, const ChainControl& control,
                       const torch::Tensor& free = {});
/// The fixed-settings form, for offline callers (evaluations, tasks, benchmarks).
torch::Tensor runChain(ChainKernel& kernel, const torch::Tensor& start,
                       const SettingValues& settings, const ChainControl& control,
                       const torch::Tensor& free = {});

} // namespace ebm
