// TrajectoryGif: a chain's trajectory as an animated GIF. One frame per snapshot of a Trace,
// drawn by the front end's own renderer (an image strip, a landscape), brought to one size and
// written with core's GIF encoder; also the there-and-back loop of an interpolation walk.
// Call from the thread that may run the renderer (the GUI's). Plain C++ over core/api: no Qt,
// GL or LibTorch.
#pragma once

#include "gif.h"
#include "trace.h"

#include <functional>
#include <string>
#include <vector>

namespace ebm::ui {

/// Draws the chains as they stand at `step` (what the views show with the cursor there).
using FrameRenderer = std::function<GifFrame(int step)>;

/// What an export did: `error` names the file or the problem when nothing was written.
struct GifExportResult {
  bool ok = false;
  int frames = 0;
  std::string error;
};

struct TrajectoryGif {
  static constexpr int kDelayCs = 12;               // trajectory frames, 1/100 s each
  static constexpr int kInterpolationDelayCs = 15;  // interpolation frames

  /// One frame per snapshot of `trace`, in step order, each resized to the first one's size.
  static std::vector<GifFrame> frames(const Trace& trace, const FrameRenderer& render);
  /// `trace`'s frames written to `path` (atomically); never throws.
  static GifExportResult write(const std::string& path, const Trace& trace,
                               const FrameRenderer& render, int delayCs = kDelayCs);
  /// Any frames written to `path`; never throws.
  static GifExportResult writeFrames(const std::string& path, const std::vector<GifFrame>& frames,
                                     int delayCs);
};

/// `frame` resized to width x height by nearest neighbour (unchanged when it already fits).
GifFrame fitFrame(const GifFrame& frame, int width, int height);
/// Appends the frames in reverse, without repeating either end, so a loop walks there and back.
void appendReverse(std::vector<GifFrame>& frames);

} // namespace ebm::ui
