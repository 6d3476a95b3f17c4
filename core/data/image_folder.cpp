#include "data/image_folder.h"

#include "errors.h"
#include "io/image_decode.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>
#include <utility>

// Debian's libstb carries the implementations of stb_image and stb_image_resize.
#include <stb_image.h>
#include <stb_image_resize.h>

namespace ebm {
namespace {

namespace fs = std::filesystem;

bool isImageFile(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

/// Every image file under `dir`, sorted by path. Hidden files and folders (".name", e.g. the
/// "._x.jpg" companions macOS leaves behind) are skipped.
std::vector<std::string> listImages(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code typeEc;
    if (path.filename().string().rfind('.', 0) == 0) {
      if (it->is_directory(typeEc))
        it.disable_recursion_pending();
      continue;
    }
    if (isImageFile(path) && it->is_regular_file(typeEc))
      files.push_back(path.string());
  }
  if (ec)
    throw DataError("cannot list data folder " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

/// Native channel counts (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) from the headers, in parallel.
std::vector<int> readChannelCounts(const std::vector<std::string>& files) {
  std::vector<int> counts(files.size(), 0);
  std::vector<std::string> errors(files.size());
  at::parallel_for(0, static_cast<int64_t>(files.size()), 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      int w = 0, h = 0, c = 0;
      if (stbi_info(files[i].c_str(), &w, &h, &c) && w > 0 && h > 0)
        counts[i] = c;
      else
        errors[i] = stbi_failure_reason() ? stbi_failure_reason() : "unknown error";
    }
  });
  for (size_t i = 0; i < files.size(); ++i)
    if (!errors[i].empty())
      throw DataError("cannot read image " + files[i] + ": " + errors[i] +
                      " (not a readable PNG, JPEG or BMP file)");
  return counts;
}

/// Decodes one image with `channels` channels (alpha dropped), crops `box` (or, without one,
/// the central square) and resizes it to side x side (stb's default filters: Mitchell when
/// shrinking, Catmull-Rom when enlarging). Returns side x side x channels bytes, row-major,
/// channels interleaved.
std::vector<uint8_t> decodeSquare(const std::string& path, int side, int channels,
                                  const std::optional<CropBox>& box) {
  const DecodedImage image = decodeImage(readImageFile(path), path, channels);
  const int w = image.width, h = image.height;
  int crop = std::min(w, h), left = (w - crop) / 2, top = (h - crop) / 2;
  if (box) {
    if (box->left < 0 || box->top < 0 || box->right > w || box->bottom > h)
      throw DataError("image " + path + " is " + std::to_string(w) + "x" + std::to_string(h) +
                      ": the crop box (left " + std::to_string(box->left) + ", top " +
                      std::to_string(box->top) + ", right " + std::to_string(box->right) +
                      ", bottom " + std::to_string(box->bottom) +
                      ") does not fit inside it (data.crop_box)");
    crop = box->right - box->left;
    left = box->left;
    top = box->top;
  }
  const size_t stride = static_cast<size_t>(w) * channels;
  const uint8_t* start = image.pixels.get() + static_cast<size_t>(top) * stride +
                         static_cast<size_t>(left) * channels;
  const size_t rowBytes = static_cast<size_t>(side) * channels;
  std::vector<uint8_t> out(rowBytes * side);
  if (crop == side) {
    for (int y = 0; y < side; ++y)
      std::memcpy(out.data() + y * rowBytes, start + y * stride, rowBytes);
  } else if (!stbir_resize_uint8(start, crop, crop, static_cast<int>(stride), out.data(), side,
                                 side, 0, channels)) {
    throw DataError("cannot resize image " + path + " (" + std::to_string(w) + "x" +
                    std::to_string(h) + ") to " + std::to_string(side) + "x" +
                    std::to_string(side));
  }
  return out;
}

/// Of n files in path order, file i is held out when floor((i + 1) f) > floor(i f): floor(n f)
/// files, evenly spread (f = 0.1: every 10th). The epsilon keeps products such as 10 * 0.3
/// from falling just below the integer.
bool heldOutAt(size_t i, double fraction) {
  constexpr double kEps = 1e-9;
  return std::floor((i + 1) * fraction + kEps) > std::floor(i * fraction + kEps);
}

DataError noImagesIn(const std::string& dir) {
  return DataError("data folder " + dir +
                   " contains no PNG, JPEG or BMP images (searched recursively)");
}

std::string channelWord(int count) {
  return std::to_string(count) + (count == 1 ? " channel" : " channels");
}

} // namespace

ImageFolder::ImageFolder(std::string root, ImageFolderOptions options)
    : m_root(std::move(root)), m_options(options) {
  TORCH_CHECK(options.side >= 1 && options.side <= 4096, "ImageFolder: side must be 1..4096, got ",
              options.side);
  TORCH_CHECK(options.channels == 1 || options.channels == 3,
              "ImageFolder: channels must be 1 or 3, got ", options.channels);
  TORCH_CHECK(options.testFraction > 0 && options.testFraction < 1,
              "ImageFolder: testFraction must be in (0, 1), got ", options.testFraction);
  TORCH_CHECK(options.limit >= 0 && options.cacheBytes >= 0,
              "ImageFolder: limit and cacheBytes must be >= 0, got ", options.limit, " and ",
              options.cacheBytes);
  if (const auto& b = options.cropBox)
    TORCH_CHECK(b->left >= 0 && b->top >= 0 && b->right > b->left && b->bottom > b->top &&
                    b->right - b->left == b->bottom - b->top,
                "ImageFolder: the crop box must be a non-empty square at non-negative "
                "coordinates, got left ", b->left, ", top ", b->top, ", right ", b->right,
                ", bottom ", b->bottom);

  std::error_code ec;
  if (!fs::exists(m_root, ec))
    throw DataError("data folder " + m_root +
                    " does not exist (data.kind = \"folder\" reads the "
                    "PNG, JPEG and BMP images under data.path)");
  if (!fs::is_directory(m_root, ec))
    throw DataError("data.path = " + m_root +
                    " is not a folder (data.kind = \"folder\" reads "
                    "the PNG, JPEG and BMP images under it)");

  const fs::path trainDir = fs::path(m_root) / "train", testDir = fs::path(m_root) / "test";
  m_subfolderSplit = fs::is_directory(trainDir, ec) && fs::is_directory(testDir, ec);
  if (m_subfolderSplit) {
    m_train.files = listImages(trainDir);
    m_test.files = listImages(testDir);
    if (m_train.files.empty())
      throw noImagesIn(trainDir.string());
    if (m_test.files.empty())
      throw noImagesIn(testDir.string());
  } else {
    const std::vector<std::string> all = listImages(m_root);
    if (all.empty())
      throw noImagesIn(m_root);
    for (size_t i = 0; i < all.size(); ++i)
      (heldOutAt(i, options.testFraction) ? m_test : m_train).files.push_back(all[i]);
  }
  if (options.limit > 0 && static_cast<int64_t>(m_train.files.size()) > options.limit)
    m_train.files.resize(options.limit);
  m_train.cache.resize(m_train.files.size());
  m_test.cache.resize(m_test.files.size());
  checkChannels();
}

void ImageFolder::checkChannels() const {
  if (m_options.convertChannels) {
    // Every file still has to be a readable image; its kind does not matter.
    readChannelCounts(m_train.files);
    readChannelCounts(m_test.files);
    return;
  }
  // Grey+alpha decodes as grey and RGBA as colour; only the two kinds must not be mixed.
  const auto kindOf = [](int native) { return native <= 2 ? 1 : 3; };
  const std::vector<int> train = readChannelCounts(m_train.files);
  const std::vector<int> test = readChannelCounts(m_test.files);
  const std::string* firstFile = nullptr;
  int firstCount = 0;
  for (const auto* split : {&m_train, &m_test}) {
    const std::vector<int>& counts = split == &m_train ? train : test;
    for (size_t i = 0; i < counts.size(); ++i) {
      if (!firstFile) {
        firstFile = &split->files[i];
        firstCount = counts[i];
      } else if (kindOf(counts[i]) != kindOf(firstCount)) {
        throw DataError("data folder " + m_root + " mixes grey and colour images: " + *firstFile +
                        " has " + channelWord(firstCount) + ", " + split->files[i] + " has " +
                        channelWord(counts[i]) + "; convert them to one kind");
      }
    }
  }
  if (firstFile && kindOf(firstCount) != m_options.channels)
    throw DataError("data folder " + m_root + " has " + (firstCount <= 2 ? "grey" : "colour") +
                    " images (e.g. " + *firstFile + ", " + channelWord(firstCount) +
                    ") but model.channels = " + std::to_string(m_options.channels));
}

torch::Tensor ImageFolder::load(FolderSplit which, const torch::Tensor& indices) {
  Split& split = which == FolderSplit::Train ? m_train : m_test;
  TORCH_CHECK(indices.dim() == 1 && indices.scalar_type() == torch::kLong,
              "ImageFolder::load expects 1-D int64 indices, got ", indices.sizes(), " of ",
              indices.scalar_type());
  const torch::Tensor idx = indices.to(torch::kCPU).contiguous();
  const int64_t n = idx.size(0), count = static_cast<int64_t>(split.files.size());
  const int64_t* ip = idx.data_ptr<int64_t>();
  for (int64_t b = 0; b < n; ++b)
    TORCH_CHECK(ip[b] >= 0 && ip[b] < count, "ImageFolder::load: index ", ip[b],
                " out of range for a split of ", count, " images");

  const int side = m_options.side, channels = m_options.channels;
  const size_t bytes = static_cast<size_t>(side) * side * channels;
  torch::Tensor out = torch::empty({n, side, side, channels}, torch::kUInt8);
  uint8_t* op = out.data_ptr<uint8_t>();
  std::vector<std::vector<uint8_t>> decoded(n);
  std::vector<std::string> errors(n);
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const std::vector<uint8_t>& cached = split.cache[ip[b]];
      if (!cached.empty()) {
        std::memcpy(op + b * bytes, cached.data(), bytes);
        continue;
      }
      try {
        decoded[b] = decodeSquare(split.files[ip[b]], side, channels, m_options.cropBox);
        std::memcpy(op + b * bytes, decoded[b].data(), bytes);
      } catch (const DataError& e) {
        errors[b] = e.what();
      }
    }
  });
  for (const std::string& error : errors)
    if (!error.empty())
      throw DataError(error);
  for (int64_t b = 0; b < n; ++b) {
    std::vector<uint8_t>& slot = split.cache[ip[b]];
    if (!decoded[b].empty() && slot.empty() &&
        m_cachedBytes + static_cast<int64_t>(bytes) <= m_options.cacheBytes) {
      slot = std::move(decoded[b]);
      m_cachedBytes += static_cast<int64_t>(bytes);
    }
  }
  return out.permute({0, 3, 1, 2})
      .to(torch::kFloat, /*non_blocking=*/false, /*copy=*/false, torch::MemoryFormat::Contiguous)
      .div_(127.5)
      .sub_(1.0);
}

} // namespace ebm
