#include "loss_series.h"

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

int columnOf(const std::vector<std::string>& names, const std::string& term) {
  const auto it = std::find(names.begin(), names.end(), term);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

} // namespace

std::vector<LossPlotGroup> lossPlotGroups(const std::vector<LossGroup>& groups,
                                          const std::vector<std::string>& names, bool all) {
  std::vector<LossPlotGroup> out;
  std::vector<bool> placed(names.size(), false);
  for (const auto& g : groups) {
    LossPlotGroup p{g.title, g.tooltip, g.headline, {}};
    for (const auto& term : g.terms) {
      const int k = columnOf(names, term);
      if (k < 0 || placed[size_t(k)])
        continue;
      placed[size_t(k)] = true;
      p.columns.push_back(k);
    }
    if (!p.columns.empty())
      out.push_back(std::move(p));
  }
  LossPlotGroup other{"other", "loss terms the method puts in no group", false, {}};
  for (size_t k = 0; k < names.size(); ++k)
    if (!placed[k])
      other.columns.push_back(static_cast<int>(k));
  if (!other.columns.empty())
    out.push_back(std::move(other));
  const bool anyHeadline =
      std::any_of(out.begin(), out.end(), [](const LossPlotGroup& p) { return p.headline; });
  if (!all && anyHeadline)
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const LossPlotGroup& p) { return !p.headline; }),
              out.end());
  return out;
}

std::vector<double> lossColumn(const LossHistory& history, int k) {
  std::vector<double> v(history.rows.size(), std::nan(""));
  for (size_t i = 0; i < history.rows.size(); ++i)
    if (k >= 0 && size_t(k) < history.rows[i].size())
      v[i] = history.rows[i][size_t(k)];
  return v;
}

std::vector<double> emaSmooth(const std::vector<long>& iterations,
                              const std::vector<double>& values, double halfLife) {
  if (halfLife <= 0 || iterations.size() != values.size())
    return values;
  std::vector<double> out(values.size(), std::nan(""));
  double sum = 0, weight = 0;  // the average is sum / weight (weight < 1: bias correction)
  long last = iterations.empty() ? 0 : iterations.front();
  double gapSeen = -1, keep = 0;  // most gaps repeat: the power is computed once per new gap
  for (size_t i = 0; i < values.size(); ++i) {
    const double gap = std::max(1.0, double(iterations[i] - last));
    last = iterations[i];
    if (gap != gapSeen) {
      gapSeen = gap;
      keep = std::pow(0.5, gap / halfLife);
    }
    if (std::isfinite(values[i])) {
      sum = keep * sum + (1 - keep) * values[i];
      weight = keep * weight + (1 - keep);
    }
    if (weight > 0)
      out[i] = sum / weight;
  }
  return out;
}

ValueRange robustRange(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](double v) { return !std::isfinite(v); }),
               values.end());
  if (values.empty())
    return {};
  q = std::clamp(q, 0.0, 0.5);
  const size_t n = values.size();
  const size_t lo = size_t(std::floor(q * double(n - 1)));
  const size_t hi = size_t(std::ceil((1 - q) * double(n - 1)));
  std::nth_element(values.begin(), values.begin() + long(lo), values.end());
  const double a = values[lo];
  std::nth_element(values.begin(), values.begin() + long(hi), values.end());
  const double b = values[hi];
  if (b > a)
    return {a, b};
  const double half = std::max(1e-12, std::abs(a) * 0.05);
  return {a - half, a + half};
}

size_t nearestRow(const std::vector<long>& iterations, double x) {
  const auto it = std::lower_bound(iterations.begin(), iterations.end(), x,
                                   [](long row, double v) { return double(row) < v; });
  size_t i = it == iterations.end() ? iterations.size() - 1 : size_t(it - iterations.begin());
  if (i > 0 && std::abs(double(iterations[i - 1]) - x) < std::abs(double(iterations[i]) - x))
    --i;
  return i;
}

} // namespace ebm::ui
