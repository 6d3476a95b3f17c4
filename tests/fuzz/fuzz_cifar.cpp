// CIFAR-100's binary train file (records of a coarse and a fine label, then 3072 pixels); the
// CIFAR-10 reader shares the record code.
#include "data/cifar10.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ebm::fuzz::writeInput("cifar-100-binary/train.bin", data, size);
  ebm::fuzz::writeInput("cifar-100-binary/test.bin", data, size);
  ebm::fuzz::parse([&] {
    const ebm::ImageSet set = ebm::loadCifar100(
        std::filesystem::path(path).parent_path().string(), "train", 4);
    (void)set;
  });
  return 0;
}
