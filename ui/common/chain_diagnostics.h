// ChainDiagnostics: is this Langevin chain's step size sensible? From one trace up to a step:
// the drift-to-noise ratio (|½s²∇E| / |n ξ|, averaged over chains and steps), the mean gradient
// norm, the split R-hat of the energy across chains and its effective sample size over the second
// half of the steps, and a verdict with its reason ("step too large" when the energy rises while
// the drift dominates, or the chain diverged; "step too small" when the chains have not mixed and
// hardly move, or a MALA correction would reject most moves). Also the mean acceptance a MALA
// correction would have had (the trace's Trace::kMalaAccept row) and the energy's
// autocorrelation by lag. Plain C++ over core/api.
#pragma once

#include "trace.h"

#include <string>
#include <vector>

namespace ebm::ui {

struct ChainDiagnostics {
  enum class Verdict { None, Fine, TooLarge, TooSmall };
  int rows = 0;              // recorded steps used (up to the step asked for)
  double driftToNoise = -1;  // -1: undefined (no noise, or no step recorded yet)
  double gradNorm = -1;
  double rhat = -1;          // split R-hat of the energy, -1 with fewer than 8 steps or 2 chains
  double ess = -1;           // effective sample size of the energy, summed over chains
  double malaAccept = -1;    // mean MALA acceptance over chains and moves up to the step (-1: none)
  int malaMoves = 0;         // moves it averages (the last recorded one has none)
  std::vector<double> autocorrelation;  // the energy's, lag 0.. (mean over chains), over the
                                        // same window as R-hat and ESS; empty below 8 steps
  Verdict verdict = Verdict::None;
  std::string reason;        // one line for the badge
};

/// A MALA correction accepting less than this share of moves: the step is too large.
constexpr double kLowAcceptance = 0.3;
/// Lags the autocorrelation goes up to (fewer when the window is shorter).
constexpr int kMaxAutocorrelationLag = 50;

/// Diagnostics of `trace` over its recorded steps up to `step` (all of them when step < 0).
ChainDiagnostics chainDiagnostics(const Trace& trace, int step);

/// Split R-hat of series[chain][t] (Gelman et al.): each chain cut in two halves; -1 when the
/// within-chain variance is 0 or there are fewer than 2 chains of 4 values.
double splitRhat(const std::vector<std::vector<double>>& series);
/// Effective sample size summed over chains, each from its autocorrelation with Geyer's initial
/// positive sequence; -1 when a chain has fewer than 4 values.
double effectiveSampleSize(const std::vector<std::vector<double>>& series);
/// Autocorrelation rho_0..rho_maxLag of each chain's series, averaged over chains (lags at most
/// the shortest series' length - 1; chains with a constant series count as rho = 1).
std::vector<double> autocorrelation(const std::vector<std::vector<double>>& series, int maxLag);

} // namespace ebm::ui
