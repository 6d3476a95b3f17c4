// Process-wide compute setup: device choice (auto|cpu|cuda), intra-op thread count, and
// keeping OpenBLAS single-threaded beside LibTorch's own threads. Call from any thread
// before a session starts; no Qt/GL.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace ebm {

/// Resolves "auto" (CUDA when available), "cpu" or "cuda"; throws DeviceError for "cuda"
/// without a GPU and ConfigError for anything else.
torch::Device resolveDevice(const std::string& name);

/// Sets LibTorch's intra-op threads (0 = all cores) and one inter-op thread where still
/// possible, and pins OpenBLAS to one thread. Returns the thread count in force.
int configureThreads(int requested);

/// Langevin chains split each step's batch into this many parts, one per intra-op thread at a
/// time (sampling/chain_driver.h): 0 = as many parts as intra-op threads, 1 = never split.
/// A chain's values depend on the part count, never on the thread count: `--threads 1` with
/// 2 parts gives the bits of `--threads 2`. Any thread; applies from the next step.
void setChainParts(int parts);
int chainPartsSetting();

/// Langevin chains on CUDA capture one step as a CUDA graph and replay it (sampling/step_graph.h)
/// when on; a no-op on the CPU and in builds without CUDA. Any thread; applies from the next
/// chain.
void setCudaGraphs(bool on);
bool cudaGraphsSetting();

/// The arithmetic on CUDA: "tf32" (the default: matrix products and convolutions in
/// TensorFloat-32, as PyTorch's convolutions default to), "fp32" (float32 in every product,
/// about 3x slower on an H200) or "bf16" (as tf32, and the chains' forward and backward passes
/// under bfloat16 autocast, on the CPU too; the update, the noise and the spectral norm's power
/// iteration stay float32). Process-wide; throws ConfigError for another name.
void setPrecision(const std::string& name);
std::string precisionSetting();
/// The names setPrecision accepts.
const std::vector<std::string>& precisionNames();

/// While alive, operations on `device` run under bfloat16 autocast when the precision setting is
/// "bf16" (with no cache of cast weights, so a step sees the weights an optimiser just changed
/// and the step can be captured in a graph); otherwise it does nothing. Restores what it found.
class PrecisionScope {
public:
  explicit PrecisionScope(torch::Device device);
  ~PrecisionScope();
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

private:
  bool m_active = false;
  c10::DeviceType m_type = c10::DeviceType::CPU;
  bool m_wasEnabled = false, m_wasCaching = true;
  c10::ScalarType m_previousType = c10::ScalarType::Undefined;
};

/// While alive, libraries that size their work by the OpenMP thread count (oneDNN's
/// convolutions) plan for one thread on the calling thread, as they do when LibTorch runs one
/// thread: inside a parallel region they would otherwise split the work for the whole team
/// and sum in another order. Restores the count it found. No-op without OpenMP.
class OneOpenMpThread {
public:
  OneOpenMpThread();
  ~OneOpenMpThread();
  OneOpenMpThread(const OneOpenMpThread&) = delete;
  OneOpenMpThread& operator=(const OneOpenMpThread&) = delete;

private:
  int m_previous = 0;
};

/// A random generator for `device`, seeded.
torch::Generator makeGenerator(torch::Device device, uint64_t seed);

/// The values of `t` as floats on the CPU, in row-major order (any device, dtype or layout).
std::vector<float> toFloats(const torch::Tensor& t);

/// Human-readable device name, e.g. "cpu (2 threads)" or "cuda:0".
std::string describeDevice(torch::Device device);

/// Peak resident set size of this process in bytes (VmHWM), 0 if unknown.
int64_t peakResidentBytes();
/// Current resident set size in bytes (VmRSS), 0 if unknown.
int64_t residentBytes();

} // namespace ebm
