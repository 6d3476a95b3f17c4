// ChainDiagnostics: is this Langevin chain's step size sensible? From one trace up to a step:
// the drift-to-noise ratio (|½s²∇E| / |n ξ|, averaged over chains and steps), the mean gradient
// norm, the split R-hat of the energy across chains and its effective sample size over the second
// half of the steps, and a verdict with its reason ("step too large" when the energy rises while
// the drift dominates, or the chain diverged; "step too small" when the chains have not mixed and
// hardly move). Plain C++ over core/api.
#pragma once

#include "trace.h"

#include <string>

namespace ebm::ui {

struct ChainDiagnostics {
  enum class Verdict { None, Fine, TooLarge, TooSmall };
  int rows = 0;              // recorded steps used (up to the step asked for)
  double driftToNoise = -1;  // -1: undefined (no noise, or no step recorded yet)
  double gradNorm = -1;
  double rhat = -1;          // split R-hat of the energy, -1 with fewer than 8 steps or 2 chains
  double ess = -1;           // effective sample size of the energy, summed over chains
  Verdict verdict = Verdict::None;
  std::string reason;        // one line for the badge
};

/// Diagnostics of `trace` over its recorded steps up to `step` (all of them when step < 0).
ChainDiagnostics chainDiagnostics(const Trace& trace, int step);

/// Split R-hat of series[chain][t] (Gelman et al.): each chain cut in two halves; -1 when the
/// within-chain variance is 0 or there are fewer than 2 chains of 4 values.
double splitRhat(const std::vector<std::vector<double>>& series);
/// Effective sample size summed over chains, each from its autocorrelation with Geyer's initial
/// positive sequence; -1 when a chain has fewer than 4 values.
double effectiveSampleSize(const std::vector<std::vector<double>>& series);

} // namespace ebm::ui
