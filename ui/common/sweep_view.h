// What a front end shows of a comparison of sampler settings (core/api/sweep.h): number lists
// typed by the user, the grid's metrics, its colour scale and best cell, and one summary line
// per variant. Plain C++ over core/api, shared by the Qt panel and a future ImGui viewer.
#pragma once

#include "sweep.h"

#include <string>
#include <vector>

namespace ebm::ui {

enum class GridMetric { Energy, Mse, Mmd };

/// Numbers typed as "0.01, 0.03 0.1" (commas or spaces), each in [min, max] (whole numbers when
/// `integers`), 1..maxCount of them; `error` names the bad entry and `what` when it refuses.
struct NumberList {
  std::vector<double> values;
  std::string error;  // "" when the list is fine
};
NumberList parseNumberList(const std::string& text, const std::string& what, bool integers,
                           double min, double max, size_t maxCount);

/// "final energy", "final MSE", "MMD² to data".
std::string metricName(GridMetric metric);
/// The cell's value of `metric`; NaN when the cell has none.
double metricValue(const SweepSummary& cell, GridMetric metric);
/// The metrics a grid carries (energy always; MSE and MMD when present).
std::vector<GridMetric> gridMetrics(const GridResult& grid);

/// Where a value sits between the lowest and highest finite value of the done cells: 0..1 (a
/// log scale when all are positive and span more than a factor of 10); NaN for a NaN value.
struct HeatScale {
  double lo = 0, hi = 0;
  bool log = false;
  double position(double value) const;
};
HeatScale heatScale(const GridResult& grid, GridMetric metric);
/// The done, finite, not diverged cell with the lowest value (row-major index), or -1.
int bestCell(const GridResult& grid, GridMetric metric);

/// A compact number: 4 significant digits, exponent form when very small or large.
std::string compactNumber(double value);
/// "final E -0.153 · RMS change 0.021 · 30 steps · 480 grad evals" (+ MSE, MMD, "diverged",
/// "stopped").
std::string summaryLine(const SweepSummary& summary);
/// Multipliers of the current step size that prefill variant rows: s/2, s, 2s, 4s.
std::vector<double> prefillFactors();

} // namespace ebm::ui
