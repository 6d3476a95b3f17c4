#include "landscape_frame.h"

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

void growBox(std::optional<PlaneRect>& box, double x, double y) {
  if (!box) {
    box = PlaneRect{x, x, y, y};
    return;
  }
  box->xLo = std::min(box->xLo, x);
  box->xHi = std::max(box->xHi, x);
  box->yLo = std::min(box->yLo, y);
  box->yHi = std::max(box->yHi, y);
}

/// `r` widened to `factor` extents on each side of its centre (an extent is at least one unit).
PlaneRect saneWindow(const PlaneRect& r, double factor) {
  const double half = factor * std::max({r.width(), r.height(), 1.0});
  return {r.centreX() - half, r.centreX() + half, r.centreY() - half, r.centreY() + half};
}

} // namespace

PlaneRect PlaneRect::united(const PlaneRect& r) const {
  return {std::min(xLo, r.xLo), std::max(xHi, r.xHi), std::min(yLo, r.yLo),
          std::max(yHi, r.yHi)};
}

std::optional<PlaneRect> boundsOf(const std::vector<float>& xy) {
  std::optional<PlaneRect> box;
  for (size_t i = 0; i + 1 < xy.size(); i += 2)
    if (std::isfinite(xy[i]) && std::isfinite(xy[i + 1]))
      growBox(box, xy[i], xy[i + 1]);
  return box;
}

bool isPlaneTrace(const Trace* trace) {
  return trace && trace->stateShape.size() == 1 && trace->stateShape[0] == 2 &&
         !trace->snapshots.empty();
}

int snapshotAt(const Trace& trace, int cursorStep) {
  const auto& snaps = trace.snapshots;
  if (snaps.empty())
    return -1;
  if (cursorStep < 0)
    return static_cast<int>(snaps.size()) - 1;
  int last = 0;
  for (int i = 0; i < static_cast<int>(snaps.size()); ++i)
    if (snaps[i].step <= cursorStep)
      last = i;
  return last;
}

std::optional<PlaneRect> chainBounds(const Trace& trace, const std::optional<PlaneRect>& sane) {
  std::optional<PlaneRect> box;
  if (!isPlaneTrace(&trace))
    return box;
  for (const auto& snap : trace.snapshots)
    for (size_t i = 0; i + 1 < snap.state.size(); i += 2) {
      const float x = snap.state[i], y = snap.state[i + 1];
      if (std::isfinite(x) && std::isfinite(y) && (!sane || sane->contains(x, y)))
        growBox(box, x, y);
    }
  return box;
}

PlaneRect fitView(const std::optional<PlaneRect>& data, const Trace* trace,
                  const std::vector<float>& path, const FitOptions& options) {
  std::optional<PlaneRect> box = data;
  if (auto drawn = boundsOf(path))
    box = box ? box->united(*drawn) : *drawn;
  if (trace) {
    const auto sane = data ? std::optional<PlaneRect>(saneWindow(*data, options.saneFactor))
                           : std::nullopt;
    if (auto chains = chainBounds(*trace, sane))
      box = box ? box->united(*chains) : *chains;
  }
  if (!box)
    return {-1.5, 1.5, -1.5, 1.5};
  const double side = std::max({box->width(), box->height(), options.minSide});
  const double half = 0.5 * side * (1 + 2 * options.margin);
  return {box->centreX() - half, box->centreX() + half, box->centreY() - half,
          box->centreY() + half};
}

SquareRange coveringSquare(const PlaneRect& view) {
  return {std::min(view.xLo, view.yLo), std::max(view.xHi, view.yHi)};
}

bool landscapeServes(double lo, double hi, const PlaneRect& view, double maxOversize) {
  const PlaneRect grid{lo, hi, lo, hi};
  const double tolerance = 1e-6 * std::max(1.0, hi - lo);
  const PlaneRect loose{view.xLo + tolerance, view.xHi - tolerance, view.yLo + tolerance,
                        view.yHi - tolerance};
  const SquareRange need = coveringSquare(view);
  return grid.contains(loose) && (hi - lo) <= maxOversize * (need.hi - need.lo);
}

Ticks niceTicks(double lo, double hi, int maxTicks) {
  Ticks t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || maxTicks < 2)
    return t;
  // The smallest step of 1, 2 or 5 times a power of ten that gives at most maxTicks ticks.
  const double power = std::pow(10.0, std::floor(std::log10((hi - lo) / maxTicks)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0}) {
    step = m * power;
    const double count = std::floor(hi / step + 1e-9) - std::ceil(lo / step - 1e-9) + 1;
    if (count <= maxTicks)
      break;
  }
  t.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
  for (double k = first; k <= last; ++k)
    t.values.push_back(k == 0 ? 0.0 : k * step);
  return t;
}

std::optional<EnergyRange> visibleEnergyRange(const Landscape& landscape, const PlaneRect& view) {
  const int n = landscape.res;
  if (n < 2 || static_cast<int>(landscape.energy.size()) != n * n)
    return std::nullopt;
  // Grid points within half a cell of the view count: their colour reaches into it.
  const double cell = (landscape.hi - landscape.lo) / (n - 1);
  const PlaneRect near{view.xLo - 0.5 * cell, view.xHi + 0.5 * cell, view.yLo - 0.5 * cell,
                       view.yHi + 0.5 * cell};
  std::optional<EnergyRange> range;
  for (int r = 0; r < n; ++r) {
    const double y = landscape.hi - cell * r;  // row 0 is the top
    for (int k = 0; k < n; ++k) {
      const float e = landscape.energy[r * n + k];
      if (!std::isfinite(e) || !near.contains(landscape.lo + cell * k, y))
        continue;
      if (!range)
        range = EnergyRange{e, e};
      range->lo = std::min(range->lo, e);
      range->hi = std::max(range->hi, e);
    }
  }
  return range;
}

OutsideChains chainsOutside(const Trace& trace, int index, const PlaneRect& view) {
  OutsideChains out;
  if (!isPlaneTrace(&trace) || index < 0 || index >= static_cast<int>(trace.snapshots.size()))
    return out;
  const auto& state = trace.snapshots[index].state;
  for (size_t i = 0; i + 1 < state.size(); i += 2) {
    const float x = state[i], y = state[i + 1];
    const bool finite = std::isfinite(x) && std::isfinite(y);
    if (finite && view.contains(x, y))
      continue;
    ++out.count;
    if (finite)
      out.positions.push_back({x, y});
  }
  return out;
}

std::array<float, 3> viridis(double t) {
  t = std::clamp(t, 0.0, 1.0);
  static constexpr double c[7][3] = {
      {0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
      {0.1050930431085774, 1.404613529898575, 1.384590162594685},
      {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
      {-4.634230498983486, -5.799100973351585, -19.33244095627987},
      {6.228269936347081, 14.17993336680509, 56.69055260068105},
      {4.776384997670288, -13.74514537774601, -65.35303263337234},
      {-5.435455855934631, 4.645852612178535, 26.3124352495832}};
  std::array<float, 3> rgb{};
  for (int ch = 0; ch < 3; ++ch) {
    double v = c[6][ch];
    for (int k = 5; k >= 0; --k)
      v = c[k][ch] + t * v;
    rgb[ch] = static_cast<float>(std::clamp(v, 0.0, 1.0));
  }
  return rgb;
}

} // namespace ebm::ui
