// ParticleTools: what the 2-D landscape's teaching tools compute from a trace,
// kept apart from any toolkit. The drift and noise of the move each selected chain takes from
// the step shown at the cursor (the trace keeps these vectors for 2-D chains), the chain nearest
// a clicked point, a seeded pick of chains, the start batch of clicked start points, and the
// histogram of chain positions against the true density. Pure functions over core/api; any
// thread.
#pragma once

#include "landscape_frame.h"

#include <array>
#include <cstdint>
#include <vector>

namespace ebm::ui {

/// The move chain `chain` takes from `(x, y)` at recorded step `step`: x' = x + drift + noise.
struct ChainArrow {
  int chain = 0;
  int step = 0;
  float x = 0, y = 0;
  std::array<float, 2> drift{}, noise{};
  float driftNorm = 0, noiseNorm = 0;  // as the trace recorded them
};

/// The arrows of `chains` at the snapshot shown for `cursorStep` (-1: the newest): each starts
/// at the chain's position there and shows the move taken from that step. Empty when the trace
/// is not a plane trace or has no vectors for that step (the final state takes no move).
std::vector<ChainArrow> chainArrows(const Trace& trace, int cursorStep,
                                    const std::vector<int>& chains);

/// The chain whose position at snapshot `index` is nearest (x, y), if within `maxDistance`
/// (data units); -1 otherwise.
int nearestChain(const Trace& trace, int index, double x, double y, double maxDistance);

/// `count` distinct chains of `chains`, chosen by `seed`, in increasing order.
std::vector<int> pickChains(int chains, int count, uint64_t seed);

/// The state batch of a revision started at `points` (init "batch"): at least two chains, so a
/// single point is run twice (two noise draws from the same start).
std::vector<float> startBatch(const std::vector<std::array<float, 2>>& points);

/// Every chain's position at every recorded step up to `cursorStep` (-1: all), (x, y) pairs:
/// rebuilt from the first snapshot and the recorded moves when the trace has its vectors (every
/// step, not only the kept snapshots), else the snapshots.
std::vector<float> positionsUpTo(const Trace& trace, int cursorStep);

/// Where the chains were against where the data is, on a bins x bins grid over `view` (row 0 at
/// the top, as the landscape's grid). Both are normalised to sum 1 over the view.
struct PositionHistogram {
  int bins = 0;
  PlaneRect view;
  std::vector<float> chains;   // share of chain positions per bin
  std::vector<float> density;  // share of the true density per bin (empty: no true density)
  int samples = 0;             // positions counted (inside the view)
  int outside = 0;             // positions outside the view (not counted)
  int lastStep = -1;           // the last step the positions come from
  double totalVariation = -1;  // ½ sum |chains - density| (-1 without a density)
};
PositionHistogram positionHistogram(const Trace& trace, int cursorStep, const Landscape* landscape,
                                    const PlaneRect& view, int bins);

} // namespace ebm::ui
