// Micro-benchmarks of the hot paths (one x-Langevin step, one z-Langevin step, one training
// iteration) for the shipped presets, reported as JSON. Run from the CLI; it measures, it
// does not assert. No Qt/GL.
#pragma once

#include <string>
#include <vector>

namespace ebm {

struct BenchOptions {
  std::vector<std::string> presets{"toy2d", "fmnist-small"};
  std::string device = "auto";
  int threads = 0;       // 0 = all cores
  int repeats = 20;      // timed repetitions per measurement (after warm-up)
  int iterations = 10;   // timed training iterations per preset
  bool synthetic = false;  // use random images instead of reading Fashion-MNIST
};

/// Runs the benchmark and returns a JSON document (pretty-printed).
std::string runBenchmark(const BenchOptions& options);

} // namespace ebm
