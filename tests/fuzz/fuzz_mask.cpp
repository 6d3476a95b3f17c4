// Mask files (the inpainting mask editor's File > Load mask): stb's decoders behind the bounded
// decode, then the size check and the threshold. The first byte picks the expected size.
#include "fuzz_input.h"
#include "masks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  static const int kSides[] = {1, 4, 28, 32};
  const int h = kSides[data[0] & 3], w = kSides[(data[0] >> 2) & 3];
  const std::string path = ebm::fuzz::writeInput("mask.png", data + 1, size - 1);
  ebm::fuzz::parse([&] {
    const ebm::Mask m = ebm::readMaskImage(path, h, w);
    if (m.observed.size() != size_t(h) * size_t(w))
      __builtin_trap();  // a mask that does not cover its image
  });
  return 0;
}
