#include "trajectory_gif.h"

#include <exception>

namespace ebm::ui {

GifFrame fitFrame(const GifFrame& frame, int width, int height) {
  if (frame.width == width && frame.height == height)
    return frame;
  GifFrame out;
  out.width = width;
  out.height = height;
  out.rgb.resize(size_t(width) * height * 3);
  if (frame.width <= 0 || frame.height <= 0)
    return out;
  for (int y = 0; y < height; ++y) {
    const int sy = int(int64_t(y) * frame.height / height);
    for (int x = 0; x < width; ++x) {
      const int sx = int(int64_t(x) * frame.width / width);
      const uint8_t* src = frame.rgb.data() + (size_t(sy) * frame.width + sx) * 3;
      uint8_t* dst = out.rgb.data() + (size_t(y) * width + x) * 3;
      dst[0] = src[0];
      dst[1] = src[1];
      dst[2] = src[2];
    }
  }
  return out;
}

void appendReverse(std::vector<GifFrame>& frames) {
  if (frames.size() < 3)
    return;
  for (size_t i = frames.size() - 1; i-- > 1;)
    frames.push_back(frames[i]);
}

std::vector<GifFrame> TrajectoryGif::frames(const Trace& trace, const FrameRenderer& render) {
  std::vector<GifFrame> out;
  out.reserve(trace.snapshots.size());
  for (const auto& s : trace.snapshots) {
    GifFrame f = render(s.step);
    if (!out.empty())
      f = fitFrame(f, out.front().width, out.front().height);
    out.push_back(std::move(f));
  }
  return out;
}

GifExportResult TrajectoryGif::write(const std::string& path, const Trace& trace,
                                     const FrameRenderer& render, int delayCs) {
  if (trace.snapshots.empty())
    return {false, 0, "the " + trace.chain + "-trajectory has no snapshots to export"};
  return writeFrames(path, frames(trace, render), delayCs);
}

GifExportResult TrajectoryGif::writeFrames(const std::string& path,
                                           const std::vector<GifFrame>& frames, int delayCs) {
  try {
    writeGif(path, frames, delayCs);
    return {true, int(frames.size()), {}};
  } catch (const std::exception& e) {
    return {false, 0, e.what()};
  }
}

} // namespace ebm::ui
