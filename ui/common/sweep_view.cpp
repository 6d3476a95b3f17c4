#include "sweep_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace ebm::ui {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string sweepTrim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  const auto b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

bool usable(const GridResult& g, size_t i, GridMetric m) {
  return i < g.done.size() && g.done[i] && !g.cells[i].diverged &&
         std::isfinite(metricValue(g.cells[i], m));
}

} // namespace

NumberList parseNumberList(const std::string& text, const std::string& what, bool integers,
                           double min, double max, size_t maxCount) {
  NumberList out;
  std::string spaced = text;
  std::replace(spaced.begin(), spaced.end(), ',', ' ');
  std::istringstream in(spaced);
  std::string token;
  while (in >> token) {
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    const bool whole = !integers || v == std::floor(v);
    if (end == token.c_str() || *end != '\0' || !std::isfinite(v) || !whole || v < min ||
        v > max) {
      out.error = what + ": '" + sweepTrim(token) + "' is not " +
                  (integers ? "a whole number" : "a number") + " in " + compactNumber(min) +
                  ".." + compactNumber(max);
      return out;
    }
    out.values.push_back(v);
  }
  if (out.values.empty() || out.values.size() > maxCount)
    out.error = what + ": give 1 to " + std::to_string(maxCount) + " values (got " +
                std::to_string(out.values.size()) + ")";
  return out;
}

std::string metricName(GridMetric metric) {
  switch (metric) {
  case GridMetric::Energy:
    return "final energy";
  case GridMetric::Mse:
    return "final MSE";
  case GridMetric::Mmd:
    return "MMD\u00b2 to data";
  }
  return {};
}

double metricValue(const SweepSummary& cell, GridMetric metric) {
  switch (metric) {
  case GridMetric::Energy:
    return cell.finalEnergy;
  case GridMetric::Mse:
    return cell.finalMse;
  case GridMetric::Mmd:
    return cell.mmd;
  }
  return kNaN;
}

std::vector<GridMetric> gridMetrics(const GridResult& grid) {
  std::vector<GridMetric> out{GridMetric::Energy};
  if (grid.hasMse)
    out.push_back(GridMetric::Mse);
  if (grid.hasMmd)
    out.push_back(GridMetric::Mmd);
  return out;
}

double HeatScale::position(double value) const {
  if (!std::isfinite(value))
    return kNaN;
  if (hi <= lo)
    return 0.5;
  const double t = log ? (std::log(std::max(value, lo)) - std::log(lo)) / (std::log(hi) - std::log(lo))
                       : (value - lo) / (hi - lo);
  return std::clamp(t, 0.0, 1.0);
}

HeatScale heatScale(const GridResult& grid, GridMetric metric) {
  HeatScale s;
  bool any = false;
  for (size_t i = 0; i < grid.cells.size(); ++i) {
    if (!usable(grid, i, metric))
      continue;
    const double v = metricValue(grid.cells[i], metric);
    s.lo = any ? std::min(s.lo, v) : v;
    s.hi = any ? std::max(s.hi, v) : v;
    any = true;
  }
  s.log = any && s.lo > 0 && s.hi > 10 * s.lo;
  return s;
}

int bestCell(const GridResult& grid, GridMetric metric) {
  int best = -1;
  for (size_t i = 0; i < grid.cells.size(); ++i)
    if (usable(grid, i, metric) &&
        (best < 0 || metricValue(grid.cells[i], metric) < metricValue(grid.cells[best], metric)))
      best = static_cast<int>(i);
  return best;
}

std::string compactNumber(double value) {
  if (std::isnan(value))
    return "–";
  char buf[32];
  const double a = std::fabs(value);
  if (a != 0 && (a < 1e-3 || a >= 1e5))
    std::snprintf(buf, sizeof buf, "%.2e", value);
  else
    std::snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

std::string summaryLine(const SweepSummary& s) {
  std::string line = "final E " + compactNumber(s.finalEnergy);
  if (std::isfinite(s.finalMse))
    line += " \u00b7 MSE " + compactNumber(s.finalMse);
  if (std::isfinite(s.mmd))
    line += " \u00b7 MMD\u00b2 " + compactNumber(s.mmd);
  line += " \u00b7 RMS change " + compactNumber(s.rmsChange) + " \u00b7 " +
          std::to_string(s.steps) + " steps \u00b7 " + std::to_string(s.gradientEvaluations) +
          " grad evals";
  if (s.diverged)
    line += " \u00b7 diverged";
  else if (s.stopped)
    line += " \u00b7 stopped";
  return line;
}

std::vector<double> prefillFactors() { return {0.5, 1.0, 2.0, 4.0}; }

} // namespace ebm::ui
