#include "blas_kernels.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

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

} // namespace

std::string blasKernels() {
  using CoreName = char* (*)();
  const auto coreName = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = coreName ? coreName() : nullptr;
  return name ? std::string(name) : std::string();
}

void useFastBlasKernels(char** argv) {
#if defined(__linux__)
  if (!argv || !argv[0] || std::getenv("OPENBLAS_CORETYPE"))
    return;  // the user's choice, or a process this function has already restarted
  if (!genericKernels(blasKernels()))
    return;
  const char* kernels = supportedKernels();
  if (!kernels)
    return;
  if (setenv("OPENBLAS_CORETYPE", kernels, 1) != 0)
    return;
  execv("/proc/self/exe", argv);
  unsetenv("OPENBLAS_CORETYPE");  // the restart failed: go on with the generic kernels
#else
  (void)argv;
#endif
}

} // namespace ebm
