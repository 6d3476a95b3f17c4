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

Mask makeMask(const std::string& kind, int height, int width, uint64_t seed) {
  if (height < 1 || width < 1)
    throw Error("mask: image size " + std::to_string(height) + "x" + std::to_string(width) +
                " must be at least 1x1");
  Mask m;
  m.height = height;
  m.width = width;
  m.observed.assign(size_t(height) * width, 1);
  if (kind == "none")
    return m;
  std::mt19937_64 rng(seed);
  auto block = [&](int top, int left, int bh, int bw) {
    for (int y = top; y < top + bh; ++y)
      for (int x = left; x < left + bw; ++x)
        m.observed[size_t(y) * width + x] = 0;
  };
  if (kind.size() >= 2 && (kind[0] == 'M' || kind[0] == 'R') &&
      std::all_of(kind.begin() + 1, kind.end(), ::isdigit)) {
    const int k = std::stoi(kind.substr(1));
    if (k < 1 || k > 64)
      throw Error("mask " + kind + ": the block size must be 1..64 (of a 64-px image)");
    const int bh = std::min(height, blockSide(k, height));
    const int bw = std::min(width, blockSide(k, width));
    if (kind[0] == 'M') {
      block((height - bh) / 2, (width - bw) / 2, bh, bw);
    } else {
      std::uniform_int_distribution<int> top(0, height - bh), left(0, width - bw);
      const int t = top(rng);
      block(t, left(rng), bh, bw);
    }
    return m;
  }
  if (kind.rfind("drop", 0) == 0 && kind.size() > 4 &&
      std::all_of(kind.begin() + 4, kind.end(), ::isdigit)) {
    const int p = std::stoi(kind.substr(4));
    if (p < 0 || p > 100)
      throw Error("mask " + kind + ": the drop percentage must be 0..100");
    std::bernoulli_distribution drop(p / 100.0);
    for (auto& v : m.observed)
      v = drop(rng) ? 0 : 1;
    return m;
  }
  throw Error("unknown mask '" + kind + "': expected M20, M30, M40, R20, R30, R40, drop<p> or none");
}

} // namespace ebm
