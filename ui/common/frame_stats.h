// Statistics of measured intervals for the front ends' frame benchmarks (ebm-lab --bench,
// ebm-viewer --bench): quantiles by nearest rank and the p50 / p99 / max / count summary their
// JSON reports (bench_report.h). Plain C++; any thread.
#pragma once

#include <cstddef>
#include <vector>

namespace ebm::ui {

/// The q-quantile of `values` (q in [0, 1]) by nearest rank; 0 for no values.
double quantile(std::vector<double> values, double q);

struct IntervalSummary {
  double p50 = 0, p99 = 0, max = 0;
  size_t count = 0;
};
IntervalSummary summarise(const std::vector<double>& values);

} // namespace ebm::ui
