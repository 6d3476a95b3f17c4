// Chain states as pixels, without a toolkit: a model value in [-1, 1] as a byte, and whether a
// sample shape can be shown as an image. Plain C++; any thread.
#pragma once

#include <cstdint>
#include <vector>

namespace ebm::ui {

/// A value in [-1, 1] (clamped) as a byte: -1 -> 0, 1 -> 255.
uint8_t pixelByte(float v);

/// Whether a sample shape (C, H, W) can be shown as an image.
bool isImageShape(const std::vector<int64_t>& shape);

} // namespace ebm::ui
