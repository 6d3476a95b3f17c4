// Chain states as pixels, without a toolkit: one channel-first sample with values in [-1, 1]
// becomes 8-bit RGBA (grey samples are repeated in R, G and B), for a front end's textures and
// images. Plain C++; any thread.
#pragma once

#include <cstdint>
#include <vector>

namespace ebm::ui {

/// A value in [-1, 1] (clamped) as a byte: -1 -> 0, 1 -> 255.
uint8_t pixelByte(float v);

/// A (channels, height, width) sample as height x width RGBA pixels, row-major; channels 1
/// (grey) or >= 3 (the first three are R, G, B). Empty for other channel counts.
std::vector<uint8_t> rgbaPixels(const float* chw, int channels, int height, int width);

/// Whether a sample shape (C, H, W) can be shown as an image.
bool isImageShape(const std::vector<int64_t>& shape);

} // namespace ebm::ui
