// An animated-GIF writer (GIF89a, LZW, looping) for trajectory and interpolation exports.
// Frames are 8-bit RGB; grey frames keep all 256 levels, colour frames are mapped to a
// fixed 6x6x6 cube plus a 40-level grey ramp. Plain C++; any thread; no Qt/GL/LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

struct GifFrame {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3, row-major, top row first
};

/// Encodes the frames (all the same size) as a looping animation. Throws ebm::Error on an
/// empty or inconsistent frame list.
std::vector<uint8_t> encodeGif(const std::vector<GifFrame>& frames, int delayCentiseconds);

/// encodeGif to a file, written atomically; throws ebm::Error naming the path on failure.
void writeGif(const std::string& path, const std::vector<GifFrame>& frames,
              int delayCentiseconds);

} // namespace ebm
