#include "base/runtime.h"

#include "errors.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>

#include <fstream>
#include <string>
#include <thread>

namespace ebm {
namespace {

int64_t procStatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(in, line))
    if (line.compare(0, prefix.size(), prefix) == 0)
      return std::stoll(line.substr(prefix.size()));
  return 0;
}

} // namespace

torch::Device resolveDevice(const std::string& name) {
  if (name == "cpu")
    return torch::kCPU;
  if (name == "cuda" || name == "auto") {
    if (torch::cuda::is_available())
      return torch::Device(torch::kCUDA, 0);
    if (name == "cuda")
      throw DeviceError("runtime.device = cuda but no CUDA device is available (this LibTorch " +
                        std::string(torch::cuda::is_available() ? "has" : "has no usable") +
                        " CUDA support); use auto or cpu");
    return torch::kCPU;
  }
  throw ConfigError("runtime.device = " + name + ": expected auto, cpu or cuda");
}

int configureThreads(int requested) {
  // OpenBLAS spawning its own threads beside LibTorch's makes conv training ~1.7x slower;
  // look the setter up at run time so any BLAS (or none) works.
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    f(1);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int n = requested > 0 ? requested : cores;
  torch::set_num_threads(n);
  return torch::get_num_threads();
}

namespace {
std::atomic<int> g_chainParts{0};

// OpenMP's setters, looked up at run time like OpenBLAS's: LibTorch brings the runtime it
// was built with (or none), and the core may be built without OpenMP (clang without libomp).
using GetMaxThreads = int (*)();
using SetNumThreads = void (*)(int);
GetMaxThreads ompGetMaxThreads() {
  static const auto f = reinterpret_cast<GetMaxThreads>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
  return f;
}
SetNumThreads ompSetNumThreads() {
  static const auto f = reinterpret_cast<SetNumThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  return f;
}
} // namespace

OneOpenMpThread::OneOpenMpThread() {
  // LibTorch sets a thread's OpenMP count on its first parallel operation there; done now, that
  // first setup cannot undo the count set below in the middle of a part.
  (void)at::get_num_threads();
  if (ompGetMaxThreads() && ompSetNumThreads()) {
    m_previous = ompGetMaxThreads()();
    ompSetNumThreads()(1);
  }
}

OneOpenMpThread::~OneOpenMpThread() {
  if (m_previous > 0)
    ompSetNumThreads()(m_previous);
}

void setChainParts(int parts) {
  g_chainParts.store(std::max(0, parts));
}

int chainPartsSetting() {
  return g_chainParts.load();
}

torch::Generator makeGenerator(torch::Device device, uint64_t seed) {
  torch::Generator gen = device.is_cuda()
                             ? at::globalContext().defaultGenerator(device).clone()
                             : at::detail::createCPUGenerator(seed);
  gen.set_current_seed(seed);
  return gen;
}

std::string describeDevice(torch::Device device) {
  if (device.is_cuda())
    return "cuda:" + std::to_string(device.index() < 0 ? 0 : device.index());
  return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
}

int64_t peakResidentBytes() { return procStatusKb("VmHWM") * 1024; }
int64_t residentBytes() { return procStatusKb("VmRSS") * 1024; }

std::vector<float> toFloats(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

} // namespace ebm
