// ebm-lab-cli: the headless front end (train, sample, evaluate, benchmark) for long runs on
// servers without a display. Everything lives in app/cli; this file only starts it.
#include "blas_kernels.h"
#include "cli/cli.h"

int main(int argc, char** argv) {
  ebm::useFastBlasKernels(argv);
  return ebm::cli::run(argc, argv);
}
