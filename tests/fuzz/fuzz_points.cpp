// A user's 2-D point file (CSV with an optional header, as the point editor writes it).
#include "fuzz_input.h"
#include "point_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ebm::fuzz::writeInput("points.csv", data, size);
  ebm::fuzz::parse([&] {
    const ebm::PointFile points = ebm::readPointFile(path);
    (void)points;
  });
  return 0;
}
