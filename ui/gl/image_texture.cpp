// ImageTexture over libepoxy.
#include "image_texture.h"

#include <epoxy/gl.h>

#include <algorithm>
#include <cmath>

namespace ebm::gl {

std::vector<uint8_t> imageRgba(const float* chw, int channels, int height, int width) {
  const size_t plane = size_t(height) * size_t(width);
  std::vector<uint8_t> rgba(plane * 4, 255);
  for (size_t i = 0; i < plane; ++i) {
    for (int c = 0; c < 3; ++c) {
      const float v = chw[size_t(channels == 3 ? c : 0) * plane + i];
      uint8_t& out = rgba[i * 4 + size_t(c)];
      if (!std::isfinite(v))
        out = c == 1 ? 0 : 255;  // magenta
      else
        out = uint8_t(std::lround(std::clamp((v + 1.0f) * 127.5f, 0.0f, 255.0f)));
    }
  }
  return rgba;
}

ImageTexture::~ImageTexture() {
  if (m_id)
    glDeleteTextures(1, &m_id);
}

void ImageTexture::upload(const float* chw, int channels, int height, int width) {
  if (height <= 0 || width <= 0 || (channels != 1 && channels != 3))
    return;
  if (!m_id)
    glGenTextures(1, &m_id);
  const std::vector<uint8_t> rgba = imageRgba(chw, channels, height, width);
  GLint bound = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &bound);
  glBindTexture(GL_TEXTURE_2D, m_id);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
               rgba.data());
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glBindTexture(GL_TEXTURE_2D, GLuint(bound));
  m_w = width;
  m_h = height;
}

} // namespace ebm::gl
