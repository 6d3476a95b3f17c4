// Checkpoint files: the safetensors header (length, JSON, dtypes, shapes, offsets) and data.
#include "fuzz_input.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ebm::fuzz::writeInput("input.safetensors", data, size);
  ebm::fuzz::parse([&] {
    const ebm::SafeTensors st = ebm::readSafeTensors(path);
    for (const auto& [name, t] : st.tensors)
      (void)t.sum();  // touch every value the reader claims to hold
  });
  return 0;
}
