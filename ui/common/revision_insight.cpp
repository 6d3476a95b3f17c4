#include "revision_insight.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ebm::ui {
namespace {

constexpr double kLowTemperature = 0.01;
constexpr double kTinyChange = 0.05;

const std::vector<float>& statesOf(const TraceSnapshot& s, bool decoded) {
  return decoded ? s.decoded : s.state;
}

// Index of `step` in the trace's recorded rows, or -1.
int rowOf(const Trace& t, int step) {
  const auto it = std::find(t.steps.begin(), t.steps.end(), step);
  return it == t.steps.end() ? -1 : static_cast<int>(it - t.steps.begin());
}

void fillDisplacement(RevisionInsight& in, const std::vector<float>& x0,
                      const std::vector<float>& xt, int chains) {
  const size_t per = x0.size() / static_cast<size_t>(chains);
  double total = 0, scale = 0;
  in.displacement.assign(chains, 0.0f);
  for (int c = 0; c < chains; ++c) {
    double sum = 0;
    for (size_t i = c * per; i < (c + 1) * per; ++i) {
      const double d = double(xt[i]) - double(x0[i]);
      sum += d * d;
      scale += double(x0[i]) * double(x0[i]);
      in.maxAbsChange = std::max(in.maxAbsChange, std::fabs(d));
    }
    in.displacement[c] = static_cast<float>(std::sqrt(sum / double(per)));
    total += in.displacement[c];
  }
  in.meanDisplacement = total / chains;
  in.stateScale = std::sqrt(scale / double(x0.size()));
}

void fillEnergy(RevisionInsight& in, const Trace& t, int chains) {
  const int r0 = rowOf(t, 0), rt = rowOf(t, in.step);
  if (r0 < 0 || rt < 0 || t.energy.size() <= size_t(std::max(r0, rt)))
    return;
  const auto& e0 = t.energy[r0];
  const auto& et = t.energy[rt];
  if (int(e0.size()) < chains || int(et.size()) < chains)
    return;
  in.energyDrop.resize(chains);
  double total = 0;
  for (int c = 0; c < chains; ++c) {
    in.energyDrop[c] = e0[c] - et[c];
    total += in.energyDrop[c];
  }
  in.meanEnergyDrop = total / chains;
  if (size_t(rt) < t.stepSize.size())
    in.stepSize = t.stepSize[rt];
  if (size_t(rt) < t.noise.size())
    in.noise = t.noise[rt];
}

void explain(RevisionInsight& in) {
  if (in.stepSize > 0) {
    const double ratio = in.noise / in.stepSize;
    in.temperature = ratio * ratio;
    in.lowTemperature = in.temperature < kLowTemperature;
  }
  in.tiny = in.stateScale > 0 && in.relativeChange() < kTinyChange;
  if (!in.lowTemperature)
    return;
  char line[320];
  std::snprintf(line, sizeof line,
                "Low temperature by design: n = %s is much smaller than s = %s "
                "(T = (n/s)^2 = %s), so the chain mostly slides down the energy and %s "
                "(%.1f %% RMS change).",
                shortNumber(in.noise).c_str(), shortNumber(in.stepSize).c_str(),
                shortNumber(in.temperature).c_str(),
                in.tiny ? "changes the samples only a little" : "hardly diffuses",
                100.0 * in.relativeChange());
  in.explanation = line;
}

} // namespace

const TraceSnapshot* snapshotUpTo(const Trace& trace, int step) {
  const TraceSnapshot* best = nullptr;
  for (const auto& s : trace.snapshots)
    if (step < 0 || s.step <= step)
      best = &s;
  return best;
}

RevisionInsight revisionInsight(const Trace& trace, int step, bool decoded) {
  RevisionInsight in;
  const TraceSnapshot* first = snapshotUpTo(trace, 0);
  const TraceSnapshot* at = snapshotUpTo(trace, step);
  if (!first || first->step != 0 || !at || trace.chains <= 0)
    return in;
  const auto& x0 = statesOf(*first, decoded);
  const auto& xt = statesOf(*at, decoded);
  if (x0.empty() || x0.size() != xt.size() || x0.size() % size_t(trace.chains) != 0)
    return in;
  in.step = at->step;
  fillDisplacement(in, x0, xt, trace.chains);
  fillEnergy(in, trace, trace.chains);
  explain(in);
  return in;
}

double RevisionInsight::amplification() const {
  if (!(maxAbsChange > 0))
    return 1;
  const double raw = 1.0 / maxAbsChange;  // the largest change fills [-1, 1]
  if (raw <= 1)
    return 1;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * decade <= raw)
      return m * decade;
  return decade;
}

std::string shortNumber(double v) {
  char buf[32];
  if (v == 0)
    v = 0;  // never "-0"
  if (v != 0 && (std::fabs(v) < 1e-3 || std::fabs(v) >= 1e5))
    std::snprintf(buf, sizeof buf, "%.2g", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

} // namespace ebm::ui
