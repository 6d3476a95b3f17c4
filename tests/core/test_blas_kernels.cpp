// The BLAS kernels the process runs (blas_kernels.h): never OpenBLAS's generic fallback on a CPU
// with AVX2 or AVX-512, since the test programs start as the front ends do.
#include "blas_kernels.h"

#include <gtest/gtest.h>

#include <string>

namespace ebm {
namespace {

TEST(BlasKernels, NeverTheGenericFallbackOnACpuWithAvx2) {
  const std::string kernels = blasKernels();
  if (kernels.empty())
    GTEST_SKIP() << "the BLAS is not OpenBLAS";
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    GTEST_SKIP() << "a CPU without AVX2 runs " << kernels;
  for (const char* generic : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom"})
    EXPECT_NE(kernels, generic);
#else
  GTEST_SKIP() << "not an x86-64 build";
#endif
}

} // namespace
} // namespace ebm
