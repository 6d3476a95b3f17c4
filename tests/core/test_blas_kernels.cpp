// The BLAS kernels the process runs (blas_kernels.h): never OpenBLAS's generic fallback on a CPU
// with AVX2 or AVX-512, since the test programs start as the front ends do; and a signal sent
// during the restart is held for the restarted program's handlers.
#include "blas_kernels.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
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

// A SIGTERM sent while the program restarts for its kernels waits, blocked, until the restarted
// program has its handlers and releases it; then the handler, not the default action, gets it.
TEST(BlasKernels, ASignalSentDuringTheRestartReachesTheHandlerInstalledAfterIt) {
  EXPECT_EXIT(
      {
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        sigprocmask(SIG_BLOCK, &term, nullptr);  // as the restart leaves the process
        setenv("EBM_HELD_SIGNALS", ",15,", 1);
        kill(getpid(), SIGTERM);  // sent "during the restart": pending
        useFastBlasKernels(nullptr);  // the restarted program's first call (no argv: no restart)
        if (std::getenv("EBM_HELD_SIGNALS"))
          std::_Exit(3);  // a program it starts must not inherit the hold
        std::signal(SIGTERM, [](int) { std::_Exit(42); });
        releaseSignalsHeldForRestart();
        std::_Exit(0);  // the signal was lost
      },
      ::testing::ExitedWithCode(42), "");
}

// In a program that was not restarted, release changes nothing: a signal the caller blocked
// itself stays blocked.
TEST(BlasKernels, ReleaseLeavesTheCallersOwnBlockedSignalsAlone) {
  EXPECT_EXIT(
      {
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        sigprocmask(SIG_BLOCK, &term, nullptr);
        unsetenv("EBM_HELD_SIGNALS");
        kill(getpid(), SIGTERM);
        std::signal(SIGTERM, [](int) { std::_Exit(42); });
        releaseSignalsHeldForRestart();
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

} // namespace
} // namespace ebm
