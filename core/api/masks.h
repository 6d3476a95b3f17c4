// Occlusion masks for inpainting (METHODS §4.4, the reconstructed A.3 protocol): centre blocks
// M{k}, random blocks R{k} and pixel drop, as 1 = observed / 0 = missing bytes. Plain C++;
// any thread; no Qt/GL/LibTorch, so the GUI's mask editor shares it.
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

/// A mask by name: "M20" | "M30" | "M40" (a centred block of missing pixels), "R20" | "R30" |
/// "R40" (one block at a position drawn from `seed`, fully inside the image), "drop<p>" (each
/// pixel missing with probability p %, e.g. "drop50"), "none". Throws ebm::Error on an unknown
/// name or a size below 1.
Mask makeMask(const std::string& kind, int height, int width, uint64_t seed);

} // namespace ebm
