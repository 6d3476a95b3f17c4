#include "io/image_decode.h"

#include "errors.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

// Debian's libstb carries the implementation of stb_image.
#include <stb_image.h>

namespace ebm {
namespace {

constexpr uint64_t kMaxImageFileBytes = uint64_t(1) << 28;
constexpr uint64_t kMaxImagePixels = uint64_t(1) << 28;  // a 16384 x 16384 image at most
// Beyond a megapixel, a file must hold at least a byte per kMaxPixelsPerByte pixels it claims:
// deflate and JPEG compress no better than about 1000:1, so a 55-byte BMP that claims 63241 x
// 4096 pixels (777 MB to allocate, seconds to decode) is corrupt or hostile, not an image.
constexpr uint64_t kFreePixels = uint64_t(1) << 20;
constexpr uint64_t kMaxPixelsPerByte = 1024;

uint32_t bigEndian32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// Every PNG chunk's stated length must fit in the file.
void checkPngChunks(const std::vector<uint8_t>& bytes, const std::string& path) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
    return;  // not a PNG
  size_t at = 8;
  while (at + 12 <= bytes.size()) {
    const uint64_t length = bigEndian32(bytes.data() + at);
    if (length > bytes.size() - at - 12)
      throw DataError("cannot decode image " + path + ": a PNG chunk at byte " +
                      std::to_string(at) + " claims " + std::to_string(length) +
                      " bytes but the file has " + std::to_string(bytes.size() - at - 12) +
                      " left (a corrupt or truncated file)");
    if (std::memcmp(bytes.data() + at + 4, "IEND", 4) == 0)
      return;
    at += 12 + length;
  }
}

} // namespace

std::vector<uint8_t> readImageFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec)
    throw DataError("cannot read image " + path + ": " + ec.message());
  if (size > kMaxImageFileBytes)
    throw DataError("image " + path + " is " + std::to_string(size >> 20) +
                    " MiB: larger than any image a model here reads (256 MiB at most)");
  std::vector<uint8_t> bytes(size);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(size)))
    throw DataError("cannot read image " + path);
  return bytes;
}

DecodedImage decodeImage(const std::vector<uint8_t>& bytes, const std::string& path,
                         int channels) {
  checkPngChunks(bytes, path);
  const int length = static_cast<int>(bytes.size());
  int w = 0, h = 0, native = 0;
  if (stbi_info_from_memory(bytes.data(), length, &w, &h, &native)) {
    const uint64_t pixels = uint64_t(w) * uint64_t(h);
    if (pixels > kMaxImagePixels)
      throw DataError("image " + path + " claims " + std::to_string(w) + "x" + std::to_string(h) +
                      " pixels: more than any image a model here reads (2^28 pixels at most)");
    if (pixels > kFreePixels && pixels / kMaxPixelsPerByte > bytes.size())
      throw DataError("image " + path + " claims " + std::to_string(w) + "x" + std::to_string(h) +
                      " pixels in " + std::to_string(bytes.size()) +
                      " bytes: far more than a file that small can hold (a corrupt or truncated "
                      "file)");
  }
  DecodedImage image;
  image.pixels = {stbi_load_from_memory(bytes.data(), length, &w, &h, &native, channels),
                  stbi_image_free};
  if (!image.pixels)
    throw DataError("cannot decode image " + path + ": " +
                    (stbi_failure_reason() ? stbi_failure_reason() : "unknown error"));
  image.width = w;
  image.height = h;
  image.channels = channels;
  return image;
}

} // namespace ebm
