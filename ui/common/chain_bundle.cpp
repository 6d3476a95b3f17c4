#include "chain_bundle.h"

#include "revision_insight.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ebm::ui {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The finite values of one row, sorted.
std::vector<double> sortedFinite(const std::vector<float>& row) {
  std::vector<double> v;
  v.reserve(row.size());
  for (float f : row)
    if (std::isfinite(f))
      v.push_back(f);
  std::sort(v.begin(), v.end());
  return v;
}

double ofSorted(const std::vector<double>& v, double q) {
  return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))];
}

} // namespace

ChainBundle bundleOf(const Trace& t, const std::vector<std::vector<float>>& rows) {
  ChainBundle b;
  b.x.assign(t.steps.begin(), t.steps.end());
  b.values = rows;
  for (const auto& c : t.changes)
    b.marks.emplace_back(c.step, c.what);
  for (size_t i = 0; i < t.levels.size() && i < t.steps.size(); ++i)
    if (i == 0 || t.levels[i] != t.levels[i - 1])
      b.marks.emplace_back(t.steps[i], "level " + std::to_string(t.levels[i]));
  std::stable_sort(b.marks.begin(), b.marks.end(),
                   [](const auto& a, const auto& c) { return a.first < c.first; });
  return b;
}

BundleStats bundleStats(const ChainBundle& bundle, double q) {
  BundleStats s;
  for (const auto& row : bundle.values) {
    const auto v = sortedFinite(row);
    if (v.empty()) {
      s.mean.push_back(kNaN);
      s.lo.push_back(kNaN);
      s.hi.push_back(kNaN);
      continue;
    }
    double sum = 0;
    for (double x : v)
      sum += x;
    s.mean.push_back(sum / double(v.size()));
    s.lo.push_back(ofSorted(v, q));
    s.hi.push_back(ofSorted(v, 1 - q));
  }
  return s;
}

std::string settingsLabel(const Trace& t) {
  std::string label;
  if (!t.stepSize.empty())
    label += "s=" + shortNumber(t.stepSize.back()) + " ";
  if (!t.noise.empty())
    label += "n=" + shortNumber(t.noise.back()) + " ";
  return label + std::to_string(t.lastStep()) + " steps";
}

} // namespace ebm::ui
