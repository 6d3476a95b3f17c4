#include "base/runtime.h"

#include "errors.h"

#include <ATen/autocast_mode.h>
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

namespace {
std::atomic<bool> g_cudaGraphs{false};
std::atomic<int> g_precision{1};  // index into precisionNames(): tf32

// Autocast's switches for one device type. LibTorch 2.4 took the device type as an argument;
// 1.13 had one set of functions per type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocastEnabled(c10::DeviceType t) { return at::autocast::is_autocast_enabled(t); }
void setAutocastEnabled(c10::DeviceType t, bool on) { at::autocast::set_autocast_enabled(t, on); }
c10::ScalarType autocastType(c10::DeviceType t) { return at::autocast::get_autocast_dtype(t); }
void setAutocastType(c10::DeviceType t, c10::ScalarType s) { at::autocast::set_autocast_dtype(t, s); }
#else
bool autocastEnabled(c10::DeviceType t) {
  return t == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
void setAutocastEnabled(c10::DeviceType t, bool on) {
  if (t == c10::DeviceType::CUDA)
    at::autocast::set_enabled(on);
  else
    at::autocast::set_cpu_enabled(on);
}
c10::ScalarType autocastType(c10::DeviceType t) {
  return t == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                    : at::autocast::get_autocast_cpu_dtype();
}
void setAutocastType(c10::DeviceType t, c10::ScalarType s) {
  if (t == c10::DeviceType::CUDA)
    at::autocast::set_autocast_gpu_dtype(s);
  else
    at::autocast::set_autocast_cpu_dtype(s);
}
#endif
} // namespace

void setCudaGraphs(bool on) {
  g_cudaGraphs.store(on);
}

bool cudaGraphsSetting() {
  return g_cudaGraphs.load();
}

const std::vector<std::string>& precisionNames() {
  static const std::vector<std::string> names{"fp32", "tf32", "bf16"};
  return names;
}

void setPrecision(const std::string& name) {
  const auto& names = precisionNames();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    throw ConfigError("runtime.precision: '" + name + "' is not one of fp32, tf32, bf16");
  const int index = static_cast<int>(it - names.begin());
  // LibTorch's own default lets cuDNN use TF32; fp32 means float32 in every product.
  at::globalContext().setAllowTF32CuBLAS(index > 0);
  at::globalContext().setAllowTF32CuDNN(index > 0);
  g_precision.store(index);
}

std::string precisionSetting() {
  return precisionNames().at(static_cast<size_t>(g_precision.load()));
}

PrecisionScope::PrecisionScope(torch::Device device) {
  if (precisionSetting() != "bf16")
    return;
  m_type = device.type();
  if (m_type != c10::DeviceType::CUDA && m_type != c10::DeviceType::CPU)
    return;
  m_active = true;
  m_wasEnabled = autocastEnabled(m_type);
  m_previousType = autocastType(m_type);
  m_wasCaching = at::autocast::is_autocast_cache_enabled();
  at::autocast::set_autocast_cache_enabled(false);
  setAutocastType(m_type, at::kBFloat16);
  setAutocastEnabled(m_type, true);
}

PrecisionScope::~PrecisionScope() {
  if (!m_active)
    return;
  setAutocastEnabled(m_type, m_wasEnabled);
  setAutocastType(m_type, m_previousType);
  at::autocast::set_autocast_cache_enabled(m_wasCaching);
  at::autocast::clear_cache();
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
