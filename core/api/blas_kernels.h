// The matrix-product kernels of the BLAS the core runs on. Front ends call useFastBlasKernels
// first thing in main().
#pragma once

#include <string>

namespace ebm {

/// Debian 12's OpenBLAS (0.3.21) does not recognise CPUs newer than itself and falls back to its
/// generic SSE3 kernels ("Prescott"), three times slower in the toy model's products on a 2023
/// Xeon. When it has done so and the CPU has AVX-512 or AVX2, restarts the program with the same
/// arguments and OPENBLAS_CORETYPE naming the kernels the CPU runs (SkylakeX or Haswell). An
/// OPENBLAS_CORETYPE the user set is left alone. Returns when no restart is needed or possible.
/// A SIGINT or SIGTERM sent while the program restarts is not lost to the default action (the
/// restarted program has no handlers yet): both are blocked across the restart and stay pending
/// until releaseSignalsHeldForRestart().
void useFastBlasKernels(char** argv);

/// Delivers a SIGINT or SIGTERM held across the restart and unblocks both again. A program that
/// handles them calls it once its handlers are installed; any other right after
/// useFastBlasKernels. Does nothing in a process that was not restarted.
void releaseSignalsHeldForRestart();

/// The kernel set OpenBLAS runs ("SkylakeX", "Haswell", "Prescott", ...), or "" when the BLAS
/// is not OpenBLAS.
std::string blasKernels();

} // namespace ebm
