#include "blas_kernels.h"

#include <dlfcn.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace ebm {

namespace {

// OpenBLAS's kernel sets that assume no more than SSE3/SSE4: what 0.3.21 falls back to on a CPU
// it does not know.
bool genericKernels(const std::string& name) {
  for (const char* generic : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom",
                              "Katmai", "Coppermine", "Northwood", "Banias", "Unknown"})
    if (name == generic)
      return true;
  return false;
}

// The newest kernel set this CPU (and its operating system, which must save the wider
// registers: libgcc checks both) can run, or nullptr.
const char* supportedKernels() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return "Haswell";
#endif
  return nullptr;
}

// The signals this process holds blocked since its restart (inherited through execv with the
// variable below naming them), to be unblocked by releaseSignalsHeldForRestart.
constexpr const char* kHeldVariable = "EBM_HELD_SIGNALS";
sigset_t g_held;
bool g_holding = false;

void takeOverHeldSignals() {
  const char* held = std::getenv(kHeldVariable);
  if (!held)
    return;
  sigemptyset(&g_held);
  for (const int sig : {SIGINT, SIGTERM})
    if (std::strstr(held, (std::string(",") + std::to_string(sig) + ",").c_str()))
      sigaddset(&g_held, sig);
  g_holding = true;
  unsetenv(kHeldVariable);  // not inherited by the programs this one starts
}

// Restarts the process with argv; returns only when execv failed, with everything as it was.
void restartHoldingSignals(char** argv) {
  sigset_t block, before;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &block, &before) != 0)
    return;
  std::string held = ",";  // only those this process blocks: one blocked before stays blocked
  for (const int sig : {SIGINT, SIGTERM})
    if (!sigismember(&before, sig))
      held += std::to_string(sig) + ",";
  setenv(kHeldVariable, held.c_str(), 1);
  execv("/proc/self/exe", argv);
  unsetenv(kHeldVariable);
  sigprocmask(SIG_SETMASK, &before, nullptr);
}

} // namespace

std::string blasKernels() {
  using CoreName = char* (*)();
  const auto coreName = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = coreName ? coreName() : nullptr;
  return name ? std::string(name) : std::string();
}

void useFastBlasKernels(char** argv) {
#if defined(__linux__)
  takeOverHeldSignals();
  if (!argv || !argv[0] || std::getenv("OPENBLAS_CORETYPE"))
    return;  // the user's choice, or a process this function has already restarted
  if (!genericKernels(blasKernels()))
    return;
  const char* kernels = supportedKernels();
  if (!kernels)
    return;
  if (setenv("OPENBLAS_CORETYPE", kernels, 1) != 0)
    return;
  restartHoldingSignals(argv);
  unsetenv("OPENBLAS_CORETYPE");  // the restart failed: go on with the generic kernels
#else
  (void)argv;
#endif
}

void releaseSignalsHeldForRestart() {
#if defined(__linux__)
  if (!g_holding)
    return;
  g_holding = false;
  sigprocmask(SIG_UNBLOCK, &g_held, nullptr);  // a pending signal is delivered here
#endif
}

} // namespace ebm
