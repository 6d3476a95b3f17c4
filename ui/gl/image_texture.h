// ImageTexture: one model image (C x H x W floats in [-1, 1], C = 1 or 3) as an RGBA8 texture with
// nearest filtering (pixels stay crisp when a 28 x 28 image fills a large cell). Needs a current
// GL 3.3 core context for its whole life.
#pragma once

#include <cstdint>
#include <vector>

namespace ebm::gl {

/// The RGBA8 pixels of a C x H x W image in [-1, 1] (values outside are clipped; NaN is shown
/// as magenta so a broken image is never mistaken for a dark one). C = 1 is grey.
std::vector<uint8_t> imageRgba(const float* chw, int channels, int height, int width);

class ImageTexture {
public:
  ImageTexture() = default;
  ~ImageTexture();
  ImageTexture(const ImageTexture&) = delete;
  ImageTexture& operator=(const ImageTexture&) = delete;

  void upload(const float* chw, int channels, int height, int width);
  unsigned id() const { return m_id; }
  int width() const { return m_w; }
  int height() const { return m_h; }

private:
  unsigned m_id = 0;
  int m_w = 0, m_h = 0;
};

} // namespace ebm::gl
