// What a loss plot shows, without a toolkit: which plots (the method's loss groups, then an
// "other" plot for terms no group names), the EMA-smoothed line beside the raw values, and a y
// range from robust quantiles so that one spike does not flatten the rest. Plain C++ over
// core/api; any thread.
#pragma once

#include "method_info.h"
#include "session.h"

#include <string>
#include <vector>

namespace ebm::ui {

/// One loss plot: its title and the history's columns it draws on one y axis.
struct LossPlotGroup {
  std::string title;
  std::string tooltip;
  bool headline = false;
  std::vector<int> columns;  // indices into LossHistory::names, in legend order
};

/// The plots for a history of `names`: the method's groups (terms the history lacks skipped,
/// empty groups dropped), then "other" with the terms no group names. With `all` false only the
/// headline groups, or every plot when no group is a headline.
std::vector<LossPlotGroup> lossPlotGroups(const std::vector<LossGroup>& groups,
                                          const std::vector<std::string>& names, bool all);

/// Column `k` of a history, one value per row.
std::vector<double> lossColumn(const LossHistory& history, int k);

/// An exponential moving average over iterations: a value's weight halves every `halfLife`
/// iterations, the gap between two rows of a thinned history counts by its length, and the start
/// is bias-corrected (the first value is its own average). Non-finite values are skipped (their
/// rows get the average so far). halfLife <= 0 returns the values unchanged.
std::vector<double> emaSmooth(const std::vector<long>& iterations,
                              const std::vector<double>& values, double halfLife);

struct ValueRange {
  double lo = 0, hi = 0;
  bool valid() const { return hi > lo; }
};

/// The [q, 1 - q] quantiles of the finite values among `values` (NaN entries ignored); a flat
/// set gets a small range around its value; no finite value gives an invalid range.
ValueRange robustRange(std::vector<double> values, double q);

/// The index of the row whose iteration is nearest to `x` (iterations ascending, non-empty).
size_t nearestRow(const std::vector<long>& iterations, double x);

} // namespace ebm::ui
