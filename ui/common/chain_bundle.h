// What a curve of per-chain values over Langevin steps shows, without a toolkit: the trace's
// rows (energy, MSE) with its setting changes and level starts as marks, and per step the mean
// over chains and a 10th-90th percentile band. The Qt CurvePlot and the viewer's curves draw
// the same numbers. Plain C++ over core/api; any thread.
#pragma once

#include "trace.h"

#include <string>
#include <utility>
#include <vector>

namespace ebm::ui {

struct ChainBundle {
  std::vector<double> x;                               // step of each row
  std::vector<std::vector<float>> values;              // values[row][chain]
  std::vector<std::pair<double, std::string>> marks;   // vertical marks (setting changes)
};

/// A trace's per-chain row (energy, MSE, ...) with its setting changes (and, for a chain that
/// walks down noise levels, where each level begins) as marks in step order.
ChainBundle bundleOf(const Trace& trace, const std::vector<std::vector<float>>& rows);

/// Per row: the mean over the finite chain values and the band the chains span.
struct BundleStats {
  std::vector<double> mean, lo, hi;  // NaN where a row has no finite value
};
/// Mean and the [q, 1 - q] quantiles of each row (q = 0.1: the 10th to 90th percentile).
BundleStats bundleStats(const ChainBundle& bundle, double q = 0.1);

/// The label of a trace to pin: the settings in force at its last step ("s=0.5 n=0.01 40 steps").
std::string settingsLabel(const Trace& trace);

} // namespace ebm::ui
