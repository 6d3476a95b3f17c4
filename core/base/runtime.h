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
