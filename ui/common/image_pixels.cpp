#include "image_pixels.h"

#include <algorithm>
#include <cmath>

namespace ebm::ui {

uint8_t pixelByte(float v) {
  if (!std::isfinite(v))
    v = -1;
  const float u = (std::clamp(v, -1.0f, 1.0f) + 1.0f) * 127.5f;
  return static_cast<uint8_t>(std::lround(u));
}

bool isImageShape(const std::vector<int64_t>& shape) {
  return shape.size() == 3 && (shape[0] == 1 || shape[0] >= 3) && shape[1] > 0 && shape[2] > 0;
}

} // namespace ebm::ui
