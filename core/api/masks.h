// Occlusion masks for inpainting (METHODS §4.4, the reconstructed A.3 protocol): centred blocks
// M{k}, several random blocks covering k % of the image R{k}, one random block B{k} and pixel
// drop, as 1 = observed / 0 = missing bytes. Plain C++; any thread; no Qt/GL/LibTorch, so the
// GUI's mask editor shares it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

struct Mask {
  int height = 0;
  int width = 0;
  std::vector<uint8_t> observed;  // height * width, row-major; 1 = observed, 0 = missing

  int missingCount() const;
  double missingFraction() const;
};

/// Side of the k-pixel block of a 64-px image scaled to an image of `size` pixels:
/// round(k * size / 64), at least 1 (e.g. M20 is 10 px at 32 px, 9 px at 28 px).
int blockSide(int k, int size);

/// Side of one R{k} block along an image side of `size` pixels: blockSide(8, size), clipped to
/// the image (8 px at 64 px, 4 px at 32 and 28 px).
int randomBlockSide(int size);

/// A mask by name (the one table of kinds; names are parsed here and nowhere else):
///  - "M20" | "M30" | "M40" (any k in 1..64): one k x k block of missing pixels (scaled by
///    blockSide) centred in the image;
///  - "R20" | "R30" | "R40" (any k in 1..100): the paper's A.3 masks, several randomBlockSide()
///    blocks at positions drawn from `seed` (each fully inside the image, overlaps allowed),
///    added until the missing fraction first reaches k % (so it ends in [k %, k % + one block's
///    share of the pixels));
///  - "B20" | "B30" | "B40" (any k in 1..64): one block of the M{k} size at a position drawn from
///    `seed`, fully inside the image (what this project called R{k} before it followed A.3);
///  - "drop<p>" (p in 0..100, e.g. "drop50"): each pixel missing with probability p %;
///  - "none".
/// Throws ebm::Error on an unknown name, a k or p out of range, or a size below 1.
Mask makeMask(const std::string& kind, int height, int width, uint64_t seed);

/// A mask drawn elsewhere (an image editor, another tool): an image file stb reads (PNG, BMP,
/// JPEG, ...) of exactly height x width pixels whose grey level >= 128 marks observed pixels,
/// below it missing ones (colour images count by their luma). Throws DataError naming the file
/// for an unreadable or corrupt file and for another size.
Mask readMaskImage(const std::string& path, int height, int width);

/// The six kinds of the inpainting table: M20, M30, M40, R20, R30, R40.
std::vector<std::string> standardMaskKinds();

/// The presets offered by the mask editors: M20..M40, R20..R40, B20..B40 (pixel drop apart,
/// since it takes a percentage).
std::vector<std::string> maskPresetKinds();

} // namespace ebm
