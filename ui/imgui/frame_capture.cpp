#include "frame_capture.h"

#include "image_io.h"

#include <epoxy/gl.h>

#include <cstring>

namespace ebm::viewer {

std::string captureFramebuffer(int width, int height, const std::string& path) {
  if (width <= 0 || height <= 0)
    return "the window has no pixels to capture";
  Image image;
  image.width = width;
  image.height = height;
  image.channels = 3;
  std::vector<uint8_t> rows(size_t(width) * size_t(height) * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, rows.data());
  // GL's rows run bottom to top; a PNG's top to bottom.
  image.pixels.resize(rows.size());
  const size_t stride = size_t(width) * 3;
  for (int y = 0; y < height; ++y)
    std::memcpy(&image.pixels[size_t(y) * stride], &rows[size_t(height - 1 - y) * stride], stride);
  try {
    writePng(path, image);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

} // namespace ebm::viewer
