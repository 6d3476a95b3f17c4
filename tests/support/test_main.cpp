// main() of the test programs that run the core: the BLAS kernels the programs under test use
// (blas_kernels.h), then every test.
#include "blas_kernels.h"

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  ebm::useFastBlasKernels(argv);
  ebm::releaseSignalsHeldForRestart();  // no handlers of its own
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
