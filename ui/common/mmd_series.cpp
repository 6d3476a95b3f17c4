#include "mmd_series.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ebm::ui {
namespace {

std::vector<float> finitePoints(const std::vector<float>& xy) {
  std::vector<float> out;
  out.reserve(xy.size());
  for (size_t i = 0; i + 1 < xy.size(); i += 2)
    if (std::isfinite(xy[i]) && std::isfinite(xy[i + 1])) {
      out.push_back(xy[i]);
      out.push_back(xy[i + 1]);
    }
  return out;
}

/// The sum of RBF kernels at h = 0.02, 0.05, 0.1, 0.2, 0.5, 1 for a squared distance d2, from one
/// exponential: k_h = exp(-d2 / (2 h^2)) = k_1^(1/h^2), and 1/h^2 = 1, 4, 25, 100, 400, 2500.
double kernelSum(double d2) {
  const double k1 = std::exp(-0.5 * d2);
  const double k1sq = k1 * k1;
  const double k4 = k1sq * k1sq;                    // h = 0.5
  const double k5 = k4 * k1;
  const double k25 = k5 * k5 * k5 * k5 * k5;        // h = 0.2
  const double k50 = k25 * k25;
  const double k100 = k50 * k50;                    // h = 0.1
  const double k200 = k100 * k100;
  const double k400 = k200 * k200;                  // h = 0.05
  const double k500 = k400 * k100;
  const double k2500 = k500 * k500 * k500 * k500 * k500;  // h = 0.02
  return k1 + k4 + k25 + k100 + k400 + k2500;
}

double squaredDistance(const float* p, const float* q) {
  const double dx = double(p[0]) - q[0], dy = double(p[1]) - q[1];
  return dx * dx + dy * dy;
}

/// Mean kernel over the distinct pairs of one set.
double withinMean(const std::vector<float>& a) {
  const size_t n = a.size() / 2;
  double sum = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      sum += kernelSum(squaredDistance(&a[2 * i], &a[2 * j]));
  return 2 * sum / (double(n) * double(n - 1));
}

double crossMean(const std::vector<float>& a, const std::vector<float>& b) {
  const size_t n = a.size() / 2, m = b.size() / 2;
  double sum = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j)
      sum += kernelSum(squaredDistance(&a[2 * i], &b[2 * j]));
  return sum / (double(n) * double(m));
}

} // namespace

double mmdSquared(const std::vector<float>& a, const std::vector<float>& b) {
  const auto x = finitePoints(a), y = finitePoints(b);
  if (x.size() < 4 || y.size() < 4)
    return std::numeric_limits<double>::quiet_NaN();
  return withinMean(x) + withinMean(y) - 2 * crossMean(x, y);
}

void MmdSeries::setData(const std::vector<float>& xy) {
  auto data = finitePoints(xy);
  if (data == m_data)
    return;
  m_data = std::move(data);
  m_dataTerm = hasData() ? withinMean(m_data) : 0;
  clear();
}

void MmdSeries::clear() {
  m_points.clear();
}

bool MmdSeries::measured(int step) const {
  return std::binary_search(m_points.begin(), m_points.end(), MmdPoint{step, -1, 0},
                            [](const MmdPoint& a, const MmdPoint& b) { return a.step < b.step; });
}

void MmdSeries::insert(const MmdPoint& p) {
  auto at = std::lower_bound(m_points.begin(), m_points.end(), p,
                             [](const MmdPoint& a, const MmdPoint& b) { return a.step < b.step; });
  m_points.insert(at, p);
}

int MmdSeries::pending(const Trace& trace) const {
  if (!hasData() || trace.stateShape != std::vector<int64_t>{2})
    return 0;
  int n = 0;
  for (const auto& s : trace.snapshots)
    n += !measured(s.step);
  return n;
}

std::vector<MmdPoint> MmdSeries::measure(const Trace& trace, int maxNew) const {
  std::vector<MmdPoint> out;
  if (!hasData() || trace.stateShape != std::vector<int64_t>{2})
    return out;
  for (const auto& s : trace.snapshots) {
    if (int(out.size()) >= maxNew)
      break;
    if (measured(s.step))
      continue;
    const auto x = finitePoints(s.state);
    if (x.size() < 4)
      continue;
    MmdPoint p{s.step, -1, withinMean(x) + m_dataTerm - 2 * crossMean(x, m_data)};
    const auto at = std::find(trace.steps.begin(), trace.steps.end(), s.step);
    if (at != trace.steps.end() && size_t(at - trace.steps.begin()) < trace.levels.size())
      p.level = trace.levels[size_t(at - trace.steps.begin())];
    out.push_back(p);
  }
  return out;
}

void MmdSeries::add(const std::vector<MmdPoint>& points) {
  for (const auto& p : points)
    if (!measured(p.step))
      insert(p);
}

int MmdSeries::update(const Trace& trace, int maxNew) {
  const auto points = measure(trace, maxNew);
  add(points);
  return int(points.size());
}

} // namespace ebm::ui
