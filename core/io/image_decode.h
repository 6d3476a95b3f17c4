// Decoding image files a user gives (data-set folders, mask files) with stb, bounded: the file is
// at most 256 MiB, a PNG's chunks must fit inside the file (stb allocates what an IDAT chunk
// claims before reading it) and the header's pixel count at most 2^28, so a small hostile file
// cannot make the decoder allocate gigabytes. Plain C++; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ebm {

struct DecodedImage {
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> pixels{nullptr, nullptr};  // row-major, interleaved
};

/// The whole file; throws DataError naming it when it cannot be read or is over 256 MiB.
std::vector<uint8_t> readImageFile(const std::string& path);
/// Decodes `bytes` (read from `path`, named in errors) to `channels` channels (1 grey, 3 RGB;
/// alpha dropped). Throws DataError for a corrupt file, a chunk or pixel count beyond the bounds.
DecodedImage decodeImage(const std::vector<uint8_t>& bytes, const std::string& path,
                         int channels);

} // namespace ebm
