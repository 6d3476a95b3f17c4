// MNIST-style IDX files, raw and gzip-compressed (the first byte chooses which name the input
// gets, so one corpus covers both paths).
#include "data/idx.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  const bool gz = data[0] & 1;
  const std::string path =
      ebm::fuzz::writeInput(gz ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte",
                            data + 1, size - 1);
  ebm::fuzz::parse([&] {
    const ebm::IdxArray a = ebm::readIdx(path);
    (void)a;
  });
  return 0;
}
