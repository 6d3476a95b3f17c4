#include "data/cifar10.h"

#include "errors.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

namespace ebm {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSide = 32;
constexpr int64_t kChannels = 3;
constexpr int64_t kPixelBytes = kChannels * kSide * kSide; // 3072: red, green, blue planes

/// The record layout of one binary CIFAR variant: label bytes first, then the pixels.
struct Layout {
  const char* name;           // in messages ("CIFAR-10")
  std::vector<int> classes;   // one label byte per entry, each below its class count
  int fineLabel;              // which label byte becomes ImageSet::labels
  int64_t recordBytes() const { return static_cast<int64_t>(classes.size()) + kPixelBytes; }
};

const Layout kCifar10{"CIFAR-10", {10}, 0};
const Layout kCifar100{"CIFAR-100", {20, 100}, 1};  // coarse (20 superclasses), fine (100)
constexpr const char* kSubfolder = "cifar-10-batches-bin";
constexpr const char* kSubfolder100 = "cifar-100-binary";

[[noreturn]] void failCifar(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

std::vector<std::string> splitFiles(const std::string& folder, const std::string& split) {
  if (split == "train")
    return {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin"};
  if (split == "test")
    return {"test_batch.bin"};
  failCifar(folder, "unknown split '" + split + "' (expected 'train' or 'test')");
}

// The folder holding the batch files: `folder` itself, or its cifar-10-batches-bin subfolder
// when `folder` is the parent (the layout the official tarball unpacks to).
fs::path batchFolder(const std::string& folder, const std::string& firstFile,
                     const char* subfolder = kSubfolder) {
  std::error_code ec;
  if (!fs::exists(folder, ec))
    failCifar(folder, "cannot open (no such folder)");
  if (!fs::is_directory(folder, ec))
    failCifar(folder, "not a folder");
  const fs::path sub = fs::path(folder) / subfolder;
  if (!fs::exists(fs::path(folder) / firstFile, ec) && fs::is_directory(sub, ec))
    return sub;
  return fs::path(folder);
}

// One batch file, opened and sized; `records` is how many of its records will be read.
struct Batch {
  std::string path;
  std::ifstream in;
  int64_t records = 0;
};

Batch openBatch(const fs::path& file, const Layout& layout) {
  Batch batch;
  batch.path = file.string();
  std::error_code ec;
  if (fs::is_directory(file, ec))
    failCifar(batch.path, "cannot open (is a directory)");
  batch.in.open(file, std::ios::binary);
  if (!batch.in) {
    const int err = errno;
    failCifar(batch.path, "cannot open (" + std::generic_category().message(err) + ")");
  }
  batch.in.seekg(0, std::ios::end);
  const std::streamoff size = batch.in.tellg();
  if (size < 0)
    failCifar(batch.path, "cannot determine the file size");
  if (size == 0)
    failCifar(batch.path, "empty file (0 bytes)");
  const int64_t recordBytes = layout.recordBytes();
  if (size % recordBytes != 0)
    failCifar(batch.path, std::to_string(size) + " bytes is not a whole number of " +
                         std::to_string(recordBytes) + "-byte records of " + layout.name +
                         " (truncated, or another CIFAR variant?)");
  batch.in.seekg(0);
  batch.records = size / recordBytes;
  return batch;
}

// Maps a pixel byte p to p/127.5 - 1 without a division per pixel.
std::array<float, 256> pixelTable() {
  std::array<float, 256> table{};
  for (int p = 0; p < 256; ++p)
    table[p] = static_cast<float>(p / 127.5 - 1.0);
  return table;
}

/// Reads `files` (in order) of the given layout, up to `limit` records (0 = all).
ImageSet loadBatches(const std::vector<fs::path>& files, const Layout& layout, int limit) {
  // Open and size the files first so the output tensors are allocated once, at their final size.
  std::vector<Batch> batches;
  int64_t total = 0;
  for (const fs::path& file : files) {
    if (limit > 0 && total >= limit)
      break; // the limit is reached: later files are not needed, not even opened
    Batch batch = openBatch(file, layout);
    if (limit > 0)
      batch.records = std::min<int64_t>(batch.records, limit - total);
    total += batch.records;
    batches.push_back(std::move(batch));
  }

  ImageSet set;
  set.images = torch::empty({total, kChannels, kSide, kSide}, torch::kFloat);
  set.labels = torch::empty({total}, torch::kLong);
  float* pixels = set.images.data_ptr<float>();
  int64_t* labels = set.labels.data_ptr<int64_t>();
  const std::array<float, 256> table = pixelTable();
  const int64_t recordBytes = layout.recordBytes();
  const size_t labelBytes = layout.classes.size();

  std::vector<uint8_t> buffer;
  for (Batch& batch : batches) {
    const int64_t bytes = batch.records * recordBytes;
    buffer.resize(static_cast<size_t>(bytes));
    batch.in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(bytes));
    const std::streamsize got = batch.in.gcount();
    if (got != bytes) // the file shrank after it was sized, or a read error
      failCifar(batch.path,
           "read error: expected " + std::to_string(bytes) + " bytes, read " + std::to_string(got));
    batch.in.close();

    // The record layout after the label bytes is already (C, H, W) row-major, so each record's
    // pixels map one to one onto the next image of the output tensor.
    for (int64_t r = 0; r < batch.records; ++r) {
      const uint8_t* record = buffer.data() + r * recordBytes;
      for (size_t l = 0; l < labelBytes; ++l)
        if (record[l] >= layout.classes[l])
          failCifar(batch.path, "record " + std::to_string(r) + " has " +
                               (labelBytes > 1 ? (l == 0 ? "coarse " : "fine ") : "") +
                               "label " + std::to_string(record[l]) + " (expected 0.." +
                               std::to_string(layout.classes[l] - 1) + "); not a " + layout.name +
                               " binary file?");
      *labels++ = record[layout.fineLabel];
      const uint8_t* p = record + labelBytes;
      for (int64_t i = 0; i < kPixelBytes; ++i)
        pixels[i] = table[p[i]];
      pixels += kPixelBytes;
    }
  }
  return set;
}

} // namespace

ImageSet loadCifar10(const std::string& folder, const std::string& split, int limit) {
  const std::vector<std::string> names = splitFiles(folder, split);
  const fs::path dir = batchFolder(folder, names.front());
  std::vector<fs::path> files;
  for (const std::string& name : names)
    files.push_back(dir / name);
  return loadBatches(files, kCifar10, limit);
}

ImageSet loadCifar100(const std::string& path, const std::string& split, int limit) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec))
    return loadBatches({fs::path(path)}, kCifar100, limit);
  if (split != "train" && split != "test")
    failCifar(path, "unknown split '" + split + "' (expected 'train' or 'test')");
  const std::string name = split + ".bin";
  const fs::path dir = batchFolder(path, name, kSubfolder100);
  return loadBatches({dir / name}, kCifar100, limit);
}

} // namespace ebm
