// The record of one run of a method's chain (e.g. x-Langevin on the EBM, z-Langevin on the
// generator posterior): per step and per chain values, the settings in force at each step, and
// bounded snapshots of the chain state. Plain C++ so the GUI can read it; a Trace inside a session
// snapshot is immutable and may be read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

/// The chain state at one step, flattened: chains x stateShape (row-major).
struct TraceSnapshot {
  int step = 0;
  std::vector<float> state;    // x_t (x-chains) or z_t (z-chains)
  std::vector<float> decoded;  // z-chains: G(z_t) in data space; empty for x-chains
};

/// A kernel-specific per-chain row, e.g. "recovery_distance" (|y - x~| of a recovery chain).
struct TraceRow {
  std::string name;
  std::vector<std::vector<float>> values;  // one entry per recorded step, `chains` values each
};

/// One level of a ladder chain (a chain that walks down the noise levels): the state the level's
/// chain is pulled toward, x~ (the noisier state the level starts from, in the chain's
/// coordinates y), the learned initializer's proposal y0 that starts the chain (empty without an
/// initializer), and the pull coefficient c of the recovery term, whose drift per step is
/// -c (y - x~) (0 at the top level, which has no pull). Each state is chains x stateShape.
struct LevelStates {
  int level = 0;
  int firstStep = 0;                 // the ladder step at which this level's chain starts
  std::vector<float> conditioning;   // x~
  std::vector<float> proposal;       // y0 from the initializer (empty: the chain starts at x~)
  double pull = 0;                   // m^2 kappa_l (m: the step multiplier at the level's start)
};

/// A change of a live setting, effective from `step` on.
struct SettingChange {
  int step = 0;
  std::string what;  // e.g. "step_size 0.5 -> 0.2"
};

struct Trace {
  std::string chain;                  // the ChainSpec name, e.g. "x" or "z"
  int chains = 0;
  std::vector<int64_t> stateShape;    // shape of one chain's state, e.g. {2} or {1, 32, 32}
  std::vector<int64_t> decodedShape;  // latent chains: shape of one decoded sample (else empty)

  // One entry per recorded step t (t = 0 is the initial state); inner vectors have `chains` values.
  std::vector<int> steps;
  std::vector<int> levels;                   // noise level of each recorded step, for chains
                                             // that walk down a ladder of levels (empty: none)
  std::vector<std::vector<float>> energy;    // x: E(x_t); z: potential U(z_t) = -log posterior + c
  std::vector<std::vector<float>> mse;       // z only: per-pixel MSE of G(z_t) against the target
  std::vector<std::vector<float>> gradNorm;  // |dE/dx| or |dU/dz| per chain
  std::vector<std::vector<float>> driftNorm; // |s^2/2 * grad| per chain
  std::vector<std::vector<float>> noiseNorm; // |n * xi| per chain
  std::vector<double> stepSize;              // s in force at each recorded step
  std::vector<double> noise;                 // noise std the kernel used at each recorded step
  std::vector<TraceRow> extras;              // kernel-specific rows, in the order first recorded
                                             // ("mala_accept": see kMalaAccept)
  // Chains of at most kMaxVectorDims values per chain (2-D points) also keep, per recorded step,
  // the drift -c(s) grad and the noise n xi of the move taken from that step (chains x dims,
  // row-major; NaN at the final row, which takes no move). Larger states (images) leave both
  // empty so their traces stay small and their chains fast.
  static constexpr int kMaxVectorDims = 2;
  std::vector<std::vector<float>> driftVec;
  std::vector<std::vector<float>> noiseVec;
  std::vector<SettingChange> changes;

  std::vector<LevelStates> levelStates;  // ladder chains: one entry per level begun, in order
                                         // (bounded: none once they would pass ~32 MB)
  std::vector<TraceSnapshot> snapshots;  // every `snapshotEvery` steps, thinned to stay bounded
  int snapshotEvery = 1;                 // current interval (doubles when thinned)
  std::vector<float> target;             // z-chains: the data the posterior conditions on

  bool finished = false;   // the chain ran to its step count
  bool stopped = false;    // a stop request ended it early
  bool diverged = false;   // a non-finite value appeared
  std::string message;     // why it diverged / stopped

  /// The extra row with the Metropolis acceptance probability min(1, alpha) a MALA correction
  /// would have given the move taken from each recorded step, per chain (target exp(-U/T) with
  /// T = sigma^2 / (2c), Gaussian proposal N(x - c grad U(x), sigma^2 I)). NaN where it is not
  /// known: the move from the last recorded step (it needs the gradient at the final state,
  /// which the chain does not compute), and chains without noise.
  static constexpr const char* kMalaAccept = "mala_accept";

  int lastStep() const { return steps.empty() ? -1 : steps.back(); }
  /// States are latents decoded into data space (snapshots carry `decoded`).
  bool decodes() const { return !decodedShape.empty(); }
  /// The extra row called `name`, or nullptr.
  const TraceRow* extra(const std::string& name) const {
    for (const auto& r : extras)
      if (r.name == name)
        return &r;
    return nullptr;
  }
  /// The recorded states of `level` (nullptr when none were recorded).
  const LevelStates* statesOfLevel(int level) const {
    for (const auto& l : levelStates)
      if (l.level == level)
        return &l;
    return nullptr;
  }
  /// Mean over chains of a per-chain row.
  static double mean(const std::vector<float>& row);
};

} // namespace ebm
