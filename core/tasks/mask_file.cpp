// Mask files: the decoding is io/image_decode's (bounded); the rule here is the threshold.
#include "masks.h"

#include "errors.h"
#include "io/image_decode.h"

namespace ebm {

Mask readMaskImage(const std::string& path, int height, int width) {
  const DecodedImage image = decodeImage(readImageFile(path), path, 1);
  if (image.width != width || image.height != height)
    throw DataError("the mask " + path + " is " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " but the image is " + std::to_string(width) +
                    "x" + std::to_string(height));
  Mask m;
  m.height = height;
  m.width = width;
  m.observed.resize(static_cast<size_t>(height) * width);
  for (size_t i = 0; i < m.observed.size(); ++i)
    m.observed[i] = image.pixels.get()[i] >= 128 ? 1 : 0;
  return m;
}

} // namespace ebm
