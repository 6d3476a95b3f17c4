// Comparing samplers: one chain of the loaded model run under 2-4 setting variants, or over a
// step size x step count grid, always from the same start states and the same Langevin noise
// (common random numbers: every variant and every cell uses the request's seed, so x_0 and xi_t
// are shared and a difference in the results is the settings' doing). Plain C++ types for
// commands and results; the session's worker fills them and snapshots carry them (any thread
// may read a published result).
#pragma once

#include "method_info.h"
#include "trace.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ebm {

/// One variant of a comparison: the keys to change from the chain's live settings, and
/// optionally another start ("" = the comparison's init).
struct SweepVariant {
  SettingValues settings;
  std::string init;
};

/// What a variant (or a grid cell) did, over the chains at its last recorded step.
struct SweepSummary {
  double finalEnergy = 0;      // mean energy (or potential) of the final states
  double finalMse = 0;         // mean MSE against the target; NaN for chains without one
  double mmd = 0;              // squared MMD of the final samples to held-out 2-D data; NaN
                               // when the samples are not 2-D points
  double rmsChange = 0;        // mean over chains of the RMS of x_last - x_0 (the chain's state)
  long steps = 0;              // Langevin steps taken
  long gradientEvaluations = 0;  // chains x steps taken: the cost
  bool diverged = false;
  bool stopped = false;
};

/// The latest comparison (cmd::CompareSettings). While it runs the session republishes it with
/// the variants finished so far and the running variant's partial trace.
struct ComparisonResult {
  std::string chain;
  int chains = 0;
  uint64_t seed = 0;
  std::vector<SettingValues> settings;   // each variant's full settings (live ones + its keys)
  std::vector<std::string> inits;        // each variant's start
  std::vector<std::string> labels;       // "s=0.25 n=0.001 K=30": the keys that differ
  std::vector<std::shared_ptr<const Trace>> traces;  // one per variant run so far
  std::vector<SweepSummary> summaries;   // one per finished (or stopped) variant
  std::vector<std::vector<float>> finalSamples;  // per variant: chains x data shape, data space
  std::vector<int64_t> sampleShape;      // shape of one final sample, e.g. {2}
  bool running = false;
  bool stopped = false;                  // a stop request ended it; later variants did not run
  std::string message;
};

/// The latest grid (cmd::SweepGrid): rows are step sizes, columns step counts.
struct GridResult {
  std::string chain;
  int chains = 0;
  uint64_t seed = 0;
  std::vector<double> stepSizes;
  std::vector<int> stepCounts;
  std::vector<SweepSummary> cells;  // row-major: cells[i * stepCounts.size() + j]
  std::vector<bool> done;           // which cells have run
  bool hasMse = false;              // the chain records an MSE against a target
  bool hasMmd = false;              // 2-D data: cells carry an MMD to held-out data
  bool running = false;
  bool stopped = false;
  std::string message;
  const SweepSummary& cell(size_t row, size_t col) const {
    return cells[row * stepCounts.size() + col];
  }
};

namespace cmd {
/// Runs `chain` once per variant (2-4) with the same seed. Refused while training runs (pause
/// first); the chain's live settings are never changed, so training resumes with them.
struct CompareSettings {
  std::string chain;
  std::vector<SweepVariant> variants;
  int chains = 16;
  std::string init;  // "" = the chain's first init
  uint64_t seed = 1;
};
/// Runs `chain` for every step size x step count (1-6 values each) with the same seed.
struct SweepGrid {
  std::string chain;
  std::vector<double> stepSizes;
  std::vector<int> stepCounts;
  int chains = 16;
  std::string init;
  uint64_t seed = 1;
};
} // namespace cmd

} // namespace ebm
