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
