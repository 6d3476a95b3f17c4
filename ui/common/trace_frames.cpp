#include "trace_frames.h"

#include "image_io.h"
#include "image_pixels.h"
#include "landscape_palette.h"
#include "revision_insight.h"

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

GifFrame toFrame(const Image& image) {
  GifFrame f;
  f.width = image.width;
  f.height = image.height;
  if (image.channels == 3) {
    f.rgb = image.pixels;
    return f;
  }
  f.rgb.resize(image.pixels.size() * 3);
  for (size_t i = 0; i < image.pixels.size(); ++i)
    f.rgb[3 * i] = f.rgb[3 * i + 1] = f.rgb[3 * i + 2] = image.pixels[i];
  return f;
}

bool hasHeatmap(const Landscape* l) {
  return l && l->res >= 2 && l->hi > l->lo && l->energy.size() == size_t(l->res) * size_t(l->res);
}

} // namespace

FrameRenderer imageTraceRenderer(std::shared_ptr<const Trace> trace, bool decoded, int maxChains) {
  if (!trace || !isImageShape(decoded ? trace->decodedShape : trace->stateShape))
    return nullptr;
  return [trace, decoded, maxChains](int step) {
    const auto& shape = decoded ? trace->decodedShape : trace->stateShape;
    const int c = int(shape[0]), h = int(shape[1]), w = int(shape[2]);
    const size_t per = size_t(c) * size_t(h) * size_t(w);
    const TraceSnapshot* snap = snapshotUpTo(*trace, step);
    const auto& states = snap ? (decoded ? snap->decoded : snap->state) : std::vector<float>{};
    const int chains = std::min({maxChains, trace->chains, int(states.size() / per)});
    const int cols = std::max(1, int(std::ceil(std::sqrt(double(std::max(1, chains))))));
    const int rows = std::max(1, (chains + cols - 1) / cols);
    std::vector<float> tiles(size_t(rows * cols) * per, -1.0f);
    std::copy(states.begin(), states.begin() + long(size_t(chains) * per), tiles.begin());
    return toFrame(imageGrid(tiles, rows, cols, c >= 3 ? 3 : 1, h, w, 2, 40));
  };
}

FrameRenderer planeTraceRenderer(std::shared_ptr<const Trace> trace,
                                 std::shared_ptr<const Landscape> landscape, PlaneRect view,
                                 int size) {
  if (!isPlaneTrace(trace.get()))
    return nullptr;
  // The landscape's own square when there is one (the view asked for it), else the view's.
  const SquareRange square = hasHeatmap(landscape.get())
                                 ? SquareRange{landscape->lo, landscape->hi}
                                 : coveringSquare(view);
  return [trace, landscape, square, size](int step) {
    Plot2d plot;
    plot.size = size;
    plot.lo = square.lo;
    plot.hi = square.hi;
    const auto u = landscape_palette::kUncovered;
    plot.begin(u.r, u.g, u.b);
    if (hasHeatmap(landscape.get()))
      plot.heatmap(landscape->energy, landscape->res);
    const int index = snapshotAt(*trace, step);
    const auto c = landscape_palette::kChain;
    if (index >= 0) {
      const auto& xy = trace->snapshots[size_t(index)].state;
      for (size_t i = 0; i + 1 < xy.size(); i += 2)
        plot.point(xy[i], xy[i + 1], 3, c.r, c.g, c.b);
    }
    return toFrame(plot.canvas);
  };
}

} // namespace ebm::ui
