// Reader for the IDX format of MNIST / Fashion-MNIST (gzip or raw), and the
// image data set built on it. Any thread; no Qt/GL. Bad files raise DataError
// naming the file and what is wrong.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

/// The raw contents of one IDX file: unsigned bytes with their dimensions.
struct IdxArray {
  std::vector<int64_t> dims; // e.g. {60000, 28, 28} for images, {60000} for labels
  std::vector<uint8_t> data; // row-major, product(dims) bytes
};

/// Reads an IDX file (`.gz` is detected from the gzip magic, not the name).
/// Only the unsigned-byte element type (0x08) is accepted. Throws DataError on a missing
/// file, gzip error, wrong magic, unsupported type, or a size mismatch (truncated/extra data).
IdxArray readIdx(const std::string& path);

/// An image set in memory: images (N, C, H, W) float32 in [-1, 1], labels (N) int64 (may be empty).
struct ImageSet {
  torch::Tensor images;
  torch::Tensor labels;
};

/// Loads "train" or "test" of an MNIST-layout folder (train-images-idx3-ubyte[.gz], ...).
/// Pixels p in 0..255 map to p/127.5 - 1; with pad32 28x28 images are padded to 32x32 with -1.
/// limit > 0 keeps the first `limit` images. When both the raw and the .gz file exist the raw one
/// is read. Throws DataError (unknown split, missing files, images not 3-D, labels not 1-D or a
/// label count that differs from the image count).
ImageSet loadMnistFolder(const std::string& folder, const std::string& split, bool pad32,
                         int limit = 0);

} // namespace ebm
