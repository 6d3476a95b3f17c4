#include "masks.h"

#include "errors.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ebm {

int Mask::missingCount() const {
  return static_cast<int>(std::count(observed.begin(), observed.end(), uint8_t{0}));
}

double Mask::missingFraction() const {
  return observed.empty() ? 0.0 : double(missingCount()) / double(observed.size());
}

int blockSide(int k, int size) {
  return std::max(1, static_cast<int>(std::lround(double(k) * size / 64.0)));
}

std::vector<std::string> standardMaskKinds() { return {"M20", "M30", "M40", "R20", "R30", "R40"}; }

std::vector<std::string> maskPresetKinds() {
  return {"M20", "M30", "M40", "R20", "R30", "R40", "B20", "B30", "B40"};
}

int randomBlockSide(int size) { return std::min(size, blockSide(8, size)); }

namespace {

enum class MaskShape { None, Centre, RandomCover, RandomBlock, Drop };

/// A parsed mask name: its shape and its number (block size, percentage).
struct MaskKind {
  MaskShape shape = MaskShape::None;
  int k = 0;
};

const char* const kKnownKinds =
    "expected M<k> (centred block, k 1..64, e.g. M20), R<k> (random blocks covering k % of "
    "the pixels, k 1..100, e.g. R20), B<k> (one random block, k 1..64, e.g. B20), drop<p> "
    "(pixel drop, p 0..100) or none";

bool allDigits(const std::string& s, size_t from) {
  return s.size() > from && s.size() - from <= 3 &&
         std::all_of(s.begin() + from, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

MaskKind parseMaskKind(const std::string& kind) {
  if (kind == "none")
    return {};
  if (kind.rfind("drop", 0) == 0 && allDigits(kind, 4)) {
    const int p = std::stoi(kind.substr(4));
    if (p > 100)
      throw Error("mask " + kind + ": the drop percentage " + std::to_string(p) +
                  " must be 0..100");
    return {MaskShape::Drop, p};
  }
  if (allDigits(kind, 1)) {
    const int k = std::stoi(kind.substr(1));
    switch (kind[0]) {
    case 'M':
    case 'B':
      if (k < 1 || k > 64)
        throw Error("mask " + kind + ": the block size " + std::to_string(k) +
                    " must be 1..64 (pixels of a 64-px image)");
      return {kind[0] == 'M' ? MaskShape::Centre : MaskShape::RandomBlock, k};
    case 'R':
      if (k < 1 || k > 100)
        throw Error("mask " + kind + ": the missing percentage " + std::to_string(k) +
                    " must be 1..100");
      return {MaskShape::RandomCover, k};
    default:
      break;
    }
  }
  throw Error("unknown mask '" + kind + "': " + kKnownKinds);
}

} // namespace

Mask makeMask(const std::string& kind, int height, int width, uint64_t seed) {
  const MaskKind parsed = parseMaskKind(kind);
  if (height < 1 || width < 1)
    throw Error("mask: image size " + std::to_string(height) + "x" + std::to_string(width) +
                " must be at least 1x1");
  Mask m;
  m.height = height;
  m.width = width;
  m.observed.assign(size_t(height) * width, 1);
  std::mt19937_64 rng(seed);
  int missing = 0;
  auto block = [&](int top, int left, int bh, int bw) {
    for (int y = top; y < top + bh; ++y)
      for (int x = left; x < left + bw; ++x) {
        uint8_t& v = m.observed[size_t(y) * width + x];
        missing += v;
        v = 0;
      }
  };
  // A block of bh x bw at a uniform position fully inside the image.
  auto randomBlock = [&](int bh, int bw) {
    std::uniform_int_distribution<int> top(0, height - bh), left(0, width - bw);
    const int t = top(rng);
    block(t, left(rng), bh, bw);
  };
  switch (parsed.shape) {
  case MaskShape::None:
    break;
  case MaskShape::Centre:
  case MaskShape::RandomBlock: {
    const int bh = std::min(height, blockSide(parsed.k, height));
    const int bw = std::min(width, blockSide(parsed.k, width));
    if (parsed.shape == MaskShape::Centre)
      block((height - bh) / 2, (width - bw) / 2, bh, bw);
    else
      randomBlock(bh, bw);
    break;
  }
  case MaskShape::RandomCover: {
    // A.3: blocks at random positions until k % of the pixels are missing. Overlapping blocks
    // add fewer pixels, so the count of blocks varies from image to image.
    const int bh = randomBlockSide(height), bw = randomBlockSide(width);
    const int64_t total = int64_t(height) * width;
    // Every pixel is covered by some position, so the loop ends with probability 1; the cap
    // only turns a broken random source into an error instead of a hang.
    const int64_t maxBlocks = 1000 * total + 1000;
    int64_t drawn = 0;
    while (int64_t(missing) * 100 < int64_t(parsed.k) * total) {
      if (++drawn > maxBlocks)
        throw Error("mask " + kind + ": " + std::to_string(maxBlocks) +
                    " random blocks did not cover " + std::to_string(parsed.k) + " %");
      randomBlock(bh, bw);
    }
    break;
  }
  case MaskShape::Drop: {
    std::bernoulli_distribution drop(parsed.k / 100.0);
    for (auto& v : m.observed)
      v = drop(rng) ? 0 : 1;
    break;
  }
  }
  return m;
}

} // namespace ebm
