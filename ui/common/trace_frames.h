// Frame renderers for TrajectoryGif that need no toolkit, for a front end without a painter of
// its own (ebm-viewer): an image trace's first chains as a grid at a step (core's imageGrid), a
// 2-D trace's chains as dots over the landscape's heatmap (core's Plot2d). Plain
// C++ over core/api; the renderers keep the trace (and landscape) alive; any thread.
#pragma once

#include "landscape_frame.h"
#include "trajectory_gif.h"

#include <memory>

namespace ebm::ui {

/// The first `maxChains` chains of an image trace (decoded states when `decoded`) as a grid
/// at each step; null when the states are not images.
FrameRenderer imageTraceRenderer(std::shared_ptr<const Trace> trace, bool decoded, int maxChains);

/// The chains of a 2-D trace at each step, `size` pixels square: over the landscape's square and
/// heatmap when one is given, else over the square covering `view`. Null when the states are
/// not 2-D.
FrameRenderer planeTraceRenderer(std::shared_ptr<const Trace> trace,
                                 std::shared_ptr<const Landscape> landscape, PlaneRect view,
                                 int size = 400);

} // namespace ebm::ui
