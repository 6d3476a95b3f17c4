#include "particle_tools.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace ebm::ui {
namespace {

// The row of recorded step `step`, or -1.
int rowOfStep(const Trace& t, int step) {
  const auto it = std::lower_bound(t.steps.begin(), t.steps.end(), step);
  return it != t.steps.end() && *it == step ? int(it - t.steps.begin()) : -1;
}

bool hasMoves(const Trace& t) {
  return t.levels.empty() && t.driftVec.size() == t.steps.size() &&
         t.noiseVec.size() == t.steps.size() && !t.snapshots.empty() && !t.steps.empty() &&
         t.snapshots.front().step == t.steps.front();
}

// Positions rebuilt from the first snapshot and the recorded moves, re-anchored at every kept
// snapshot (so rounding never accumulates past one).
std::vector<float> rebuiltPositions(const Trace& t, int cursorStep) {
  std::vector<float> out, x = t.snapshots.front().state;
  size_t snap = 0;
  for (size_t r = 0; r < t.steps.size(); ++r) {
    if (cursorStep >= 0 && t.steps[r] > cursorStep)
      break;
    while (snap < t.snapshots.size() && t.snapshots[snap].step < t.steps[r])
      ++snap;
    if (snap < t.snapshots.size() && t.snapshots[snap].step == t.steps[r])
      x = t.snapshots[snap].state;
    out.insert(out.end(), x.begin(), x.end());
    for (size_t i = 0; i < x.size() && i < t.driftVec[r].size(); ++i)
      x[i] += t.driftVec[r][i] + t.noiseVec[r][i];
  }
  return out;
}

double trueDensityAt(const Landscape& l, double x, double y) {
  const int n = l.res;
  const double cell = (l.hi - l.lo) / (n - 1);
  const long k = std::lround((x - l.lo) / cell), r = std::lround((l.hi - y) / cell);
  if (k < 0 || r < 0 || k >= n || r >= n)
    return 0;
  return l.logDensity[size_t(r * n + k)];
}

// The true density at the bin centres, normalised over the view (empty without one).
std::vector<float> binnedDensity(const Landscape* l, const PlaneRect& view, int bins) {
  if (!l || l->res < 2 || int(l->logDensity.size()) != l->res * l->res)
    return {};
  std::vector<double> logs(size_t(bins * bins), -INFINITY);
  double top = -INFINITY;
  for (int r = 0; r < bins; ++r)
    for (int k = 0; k < bins; ++k) {
      const double x = view.xLo + (k + 0.5) * view.width() / bins;
      const double y = view.yHi - (r + 0.5) * view.height() / bins;
      const double v = trueDensityAt(*l, x, y);
      logs[size_t(r * bins + k)] = std::isfinite(v) ? v : -INFINITY;
      top = std::max(top, logs[size_t(r * bins + k)]);
    }
  if (!std::isfinite(top))
    return {};
  std::vector<float> out(logs.size());
  double sum = 0;
  for (size_t i = 0; i < logs.size(); ++i)
    sum += (out[i] = float(std::exp(logs[i] - top)));
  for (float& v : out)
    v = float(v / sum);
  return out;
}

} // namespace

std::vector<ChainArrow> chainArrows(const Trace& t, int cursorStep,
                                    const std::vector<int>& chains) {
  std::vector<ChainArrow> out;
  if (!isPlaneTrace(&t))
    return out;
  const int index = snapshotAt(t, cursorStep);
  if (index < 0)
    return out;
  const TraceSnapshot& snap = t.snapshots[size_t(index)];
  const int r = rowOfStep(t, snap.step);
  if (r < 0 || r >= int(t.driftVec.size()) || r >= int(t.noiseVec.size()))
    return out;
  for (int c : chains) {
    if (c < 0 || c >= t.chains || size_t(2 * c + 1) >= t.driftVec[r].size())
      continue;
    ChainArrow a;
    a.chain = c;
    a.step = snap.step;
    a.x = snap.state[size_t(2 * c)];
    a.y = snap.state[size_t(2 * c + 1)];
    a.drift = {t.driftVec[r][size_t(2 * c)], t.driftVec[r][size_t(2 * c + 1)]};
    a.noise = {t.noiseVec[r][size_t(2 * c)], t.noiseVec[r][size_t(2 * c + 1)]};
    if (!std::isfinite(a.drift[0]) || !std::isfinite(a.noise[0]) || !std::isfinite(a.x))
      continue;
    a.driftNorm = r < int(t.driftNorm.size()) ? t.driftNorm[r][size_t(c)] : std::hypot(a.drift[0], a.drift[1]);
    a.noiseNorm = r < int(t.noiseNorm.size()) ? t.noiseNorm[r][size_t(c)] : std::hypot(a.noise[0], a.noise[1]);
    out.push_back(a);
  }
  return out;
}

int nearestChain(const Trace& t, int index, double x, double y, double maxDistance) {
  if (!isPlaneTrace(&t) || index < 0 || index >= int(t.snapshots.size()))
    return -1;
  const auto& s = t.snapshots[size_t(index)].state;
  int best = -1;
  double bestD = maxDistance;
  for (int c = 0; c < t.chains && size_t(2 * c + 1) < s.size(); ++c) {
    const double d = std::hypot(s[size_t(2 * c)] - x, s[size_t(2 * c + 1)] - y);
    if (d <= bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

std::vector<int> pickChains(int chains, int count, uint64_t seed) {
  std::vector<int> all(size_t(std::max(0, chains)));
  std::iota(all.begin(), all.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(size_t(std::clamp(count, 0, chains)));
  std::sort(all.begin(), all.end());
  return all;
}

std::vector<float> startBatch(const std::vector<std::array<float, 2>>& points) {
  std::vector<float> out;
  for (const auto& p : points)
    out.insert(out.end(), p.begin(), p.end());
  if (points.size() == 1)
    out.insert(out.end(), points[0].begin(), points[0].end());
  return out;
}

std::vector<float> positionsUpTo(const Trace& t, int cursorStep) {
  if (!isPlaneTrace(&t))
    return {};
  if (hasMoves(t))
    return rebuiltPositions(t, cursorStep);
  std::vector<float> out;
  for (const auto& s : t.snapshots)
    if (cursorStep < 0 || s.step <= cursorStep)
      out.insert(out.end(), s.state.begin(), s.state.end());
  return out;
}

PositionHistogram positionHistogram(const Trace& t, int cursorStep, const Landscape* landscape,
                                    const PlaneRect& view, int bins) {
  PositionHistogram h;
  h.bins = std::max(1, bins);
  h.view = view;
  h.chains.assign(size_t(h.bins * h.bins), 0.0f);
  const auto xy = positionsUpTo(t, cursorStep);
  for (size_t i = 0; i + 1 < xy.size(); i += 2) {
    if (!view.contains(xy[i], xy[i + 1]) || !(view.width() > 0)) {
      ++h.outside;
      continue;
    }
    const int k = std::min(h.bins - 1, int((xy[i] - view.xLo) / view.width() * h.bins));
    const int r = std::min(h.bins - 1, int((view.yHi - xy[i + 1]) / view.height() * h.bins));
    h.chains[size_t(r * h.bins + k)] += 1;
    ++h.samples;
  }
  for (float& v : h.chains)
    v = h.samples ? v / float(h.samples) : 0.0f;
  h.lastStep = t.steps.empty() ? -1
               : cursorStep < 0 ? t.steps.back()
                                : std::min(cursorStep, t.steps.back());
  h.density = binnedDensity(landscape, view, h.bins);
  if (!h.density.empty() && h.samples > 0) {
    double tv = 0;
    for (size_t i = 0; i < h.density.size(); ++i)
      tv += std::fabs(h.chains[i] - h.density[i]);
    h.totalVariation = 0.5 * tv;
  }
  return h;
}

} // namespace ebm::ui
