#include "frame_stats.h"

#include <algorithm>

namespace ebm::ui {

double quantile(std::vector<double> values, double q) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  const double clamped = std::clamp(q, 0.0, 1.0);
  return values[std::min(values.size() - 1, size_t(clamped * double(values.size() - 1) + 0.5))];
}

IntervalSummary summarise(const std::vector<double>& values) {
  return {quantile(values, 0.5), quantile(values, 0.99), quantile(values, 1.0), values.size()};
}

} // namespace ebm::ui
