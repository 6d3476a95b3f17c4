// The chain driver changes how chains are written, never what they compute: an x-chain and a
// z-chain of the shipped models, on fixed seeds, must reproduce the traces recorded before the
// driver existed bit for bit (tests/data/golden_traces.bin). EBM_WRITE_GOLDEN=1 rewrites the
// file from the current code; only do that when a change of the numbers is intended. The file
// holds the bits of OpenBLAS's AVX-512 kernels (SkylakeX, and Cooperlake, which shares its
// single-precision products); other kernels round the toy model's products otherwise.
#include "blas_kernels.h"
#include "golden_chains.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ebm {
namespace {

const std::string kGolden = std::string(EBM_SOURCE_DIR) + "/tests/data/golden_traces.bin";

std::vector<char> readGolden(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ChainGolden, XAndZTracesAreBitIdenticalToTheRecordedOnes) {
  const std::string kernels = blasKernels();
  if (kernels != "SkylakeX" && kernels != "Cooperlake" && !std::getenv("EBM_WRITE_GOLDEN"))
    GTEST_SKIP() << "the traces were recorded with OpenBLAS's SkylakeX kernels; this process runs "
                 << (kernels.empty() ? std::string("another BLAS") : kernels + " kernels");
  at::set_num_threads(1);  // reductions split by thread count would change the last bits
  const auto bytes = test::goldenChainBytes();
  ASSERT_FALSE(bytes.empty());
  if (std::getenv("EBM_WRITE_GOLDEN")) {
    std::filesystem::create_directories(std::filesystem::path(kGolden).parent_path());
    std::ofstream(kGolden, std::ios::binary).write(bytes.data(), bytes.size());
    GTEST_SKIP() << "wrote " << kGolden;
  }
  const auto golden = readGolden(kGolden);
  ASSERT_FALSE(golden.empty()) << kGolden << " is missing";
  ASSERT_EQ(golden.size(), bytes.size()) << "the traces have another shape than the recorded ones";
  size_t firstDiff = 0;
  while (firstDiff < bytes.size() && bytes[firstDiff] == golden[firstDiff])
    ++firstDiff;
  EXPECT_EQ(firstDiff, bytes.size()) << "traces differ from byte " << firstDiff;
}

} // namespace
} // namespace ebm
