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

std::vector<uint8_t> rgbaPixels(const float* chw, int channels, int height, int width) {
  if ((channels != 1 && channels < 3) || height <= 0 || width <= 0)
    return {};
  const size_t plane = size_t(height) * size_t(width);
  std::vector<uint8_t> out(plane * 4);
  for (size_t i = 0; i < plane; ++i) {
    uint8_t* p = &out[i * 4];
    p[0] = pixelByte(chw[i]);
    p[1] = channels >= 3 ? pixelByte(chw[plane + i]) : p[0];
    p[2] = channels >= 3 ? pixelByte(chw[2 * plane + i]) : p[0];
    p[3] = 255;
  }
  return out;
}

bool isImageShape(const std::vector<int64_t>& shape) {
  return shape.size() == 3 && (shape[0] == 1 || shape[0] >= 3) && shape[1] > 0 && shape[2] > 0;
}

} // namespace ebm::ui
