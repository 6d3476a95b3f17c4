// LandscapeFrame: the geometry of a 2-D landscape view, kept apart from any toolkit so the Qt
// widget and a GLFW viewer frame the plane alike: which rectangle of the plane is shown, the
// view fitted to the data and the chains, the axis ticks, the energy range the colours span, and
// the chains that lie outside the view. Plain C++ over core/api (no Qt, GL or LibTorch); pure
// functions, callable from any thread.
#pragma once

#include "session.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace ebm::ui {

/// An axis-aligned rectangle of the plane, in data coordinates (y grows upwards).
struct PlaneRect {
  double xLo = 0, xHi = 0, yLo = 0, yHi = 0;

  double width() const { return xHi - xLo; }
  double height() const { return yHi - yLo; }
  double centreX() const { return 0.5 * (xLo + xHi); }
  double centreY() const { return 0.5 * (yLo + yHi); }
  bool contains(double x, double y) const { return x >= xLo && x <= xHi && y >= yLo && y <= yHi; }
  bool contains(const PlaneRect& r) const {
    return r.xLo >= xLo && r.xHi <= xHi && r.yLo >= yLo && r.yHi <= yHi;
  }
  /// The smallest rectangle holding both.
  PlaneRect united(const PlaneRect& r) const;
};

/// The bounding box of the finite (x, y) pairs in `xy`; none when there is none.
std::optional<PlaneRect> boundsOf(const std::vector<float>& xy);
/// The bounding box of every chain position of every snapshot of a 2-D trace, leaving out
/// positions outside `sane` (a diverged chain must not shrink the data to a dot).
std::optional<PlaneRect> chainBounds(const Trace& trace, const std::optional<PlaneRect>& sane);

/// Whether a trace's states are points in the plane.
bool isPlaneTrace(const Trace* trace);
/// Index of the last snapshot at or before `cursorStep` (-1: the newest); -1 when there is none.
int snapshotAt(const Trace& trace, int cursorStep);

struct FitOptions {
  double margin = 0.08;   // added on every side, as a share of the larger side (>= 0)
  double minSide = 0.25;  // the fitted square is never smaller than this (> 0)
  double saneFactor = 4;  // chain positions farther than this many data extents from the data's
                          // centre are left out of the fit (they count as outside instead)
};

/// The square view that covers the data range, the chains and a path drawn over them ((x, y)
/// pairs) with a margin; [-1.5, 1.5]^2 when none is known.
PlaneRect fitView(const std::optional<PlaneRect>& data, const Trace* trace,
                  const std::vector<float>& path = {}, const FitOptions& options = {});

/// The square [lo, hi]^2 that covers `view` (a landscape request evaluates such a square).
struct SquareRange {
  double lo = -1.5, hi = 1.5;
};
SquareRange coveringSquare(const PlaneRect& view);
/// Whether a landscape over [lo, hi]^2 serves `view`: it covers it, and is not so much larger
/// that its grid would be coarse on screen (a factor of `maxOversize` in side).
bool landscapeServes(double lo, double hi, const PlaneRect& view, double maxOversize = 1.6);

/// Round tick values in [lo, hi] (steps of 1, 2 or 5 times a power of ten), at most `maxTicks`,
/// with the decimals needed to print them.
struct Ticks {
  std::vector<double> values;
  int decimals = 0;
};
Ticks niceTicks(double lo, double hi, int maxTicks);

/// The lowest and highest finite energy of the grid points inside `view` (the energies the
/// colours span); none when no grid point is inside.
struct EnergyRange {
  float lo = 0, hi = 0;
};
std::optional<EnergyRange> visibleEnergyRange(const Landscape& landscape, const PlaneRect& view);

/// Chains whose position at snapshot `index` is outside `view` (non-finite positions included),
/// and for the finite ones their positions, for markers at the border.
struct OutsideChains {
  int count = 0;
  std::vector<std::array<float, 2>> positions;
};
OutsideChains chainsOutside(const Trace& trace, int index, const PlaneRect& view);

/// Matplotlib's viridis at t in [0, 1] (the polynomial fit shaders/landscape.frag uses), RGB in
/// [0, 1].
std::array<float, 3> viridis(double t);

} // namespace ebm::ui
