// A folder of PNG, JPEG or BMP images as a data set (data.kind = "folder"): files listed
// recursively in path order, split deterministically into train and test, each image
// cropped (its central square, or a fixed box such as CelebA's 148x148 face box), resized to
// the model's side and scaled to [-1, 1]. Opening reads only the headers; pixels are decoded
// on first use and kept as bytes. One thread at a time (decoding fans out over LibTorch's
// intra-op pool); no Qt/GL.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ebm {

enum class FolderSplit { Train, Test };

/// A crop rectangle in pixels, PIL's convention: columns left..right-1, rows top..bottom-1.
struct CropBox {
  int left = 0, top = 0, right = 0, bottom = 0;
};

struct ImageFolderOptions {
  int side = 64;              // output side in pixels (1..4096)
  int channels = 3;           // 1 (grey) or 3 (colour); every image must be of this kind
  double testFraction = 0.1;  // share held out: of n files in path order, the last of every
                              // 1/f, floor(n f) in all (0, 1); unused with train/ and test/
  int limit = 0;              // keep the first N training files (0 = all)
  std::optional<CropBox> cropBox;  // crop this square box of every image before resizing (it
                                   // must lie inside each image: else a DataError naming the
                                   // file); none = the central square of each image
  bool convertChannels = false;    // decode every image as `channels` (grey replicated to
                                   // colour, colour to grey by luma) instead of requiring that
                                   // kind; for foreign sets such as OOD folders
  int64_t cacheBytes = int64_t{2} << 30;  // decoded images kept in memory up to this size
                                          // (>= 0; CelebA's 162 770 train images at 64 px
                                          // take 1.9 GiB)
};

class ImageFolder {
public:
  /// Lists `root` and reads every image header. If `root` holds both a train/ and a test/
  /// folder, those are the splits; otherwise options.testFraction picks the test files.
  /// Grey+alpha counts as grey and RGBA as colour (alpha is dropped). Throws DataError: a
  /// missing folder, no images in a split, an unreadable image, grey and colour images mixed
  /// (naming one of each), or images of the other kind than options.channels (unless
  /// options.convertChannels).
  ImageFolder(std::string root, ImageFolderOptions options);

  int64_t size(FolderSplit split) const { return splitOf(split).files.size(); }
  /// The split's files (full paths) in the order that load() indexes them.
  const std::vector<std::string>& files(FolderSplit split) const { return splitOf(split).files; }
  /// Images `indices` (int64, each in [0, size)) of the split as (B, C, side, side) float32 in
  /// [-1, 1]. Throws DataError naming a file that no longer decodes.
  torch::Tensor load(FolderSplit split, const torch::Tensor& indices);
  /// True when the split comes from train/ and test/ subfolders.
  bool subfolderSplit() const { return m_subfolderSplit; }
  const std::string& root() const { return m_root; }

private:
  struct Split {
    std::vector<std::string> files;
    std::vector<std::vector<uint8_t>> cache;  // side x side x channels bytes, empty = not yet
  };

  const Split& splitOf(FolderSplit split) const {
    return split == FolderSplit::Train ? m_train : m_test;
  }
  void checkChannels() const;

  std::string m_root;
  ImageFolderOptions m_options;
  bool m_subfolderSplit = false;
  Split m_train, m_test;
  int64_t m_cachedBytes = 0;
};

} // namespace ebm
