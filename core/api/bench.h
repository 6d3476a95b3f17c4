// Micro-benchmarks of the hot paths (one x-Langevin step, one z-Langevin step, one training
// iteration) for the shipped presets, reported as JSON, and the time per training iteration
// over a grid of k_x and k_z (the time rows of the paper's Tables 4 and 5). Run from the CLI
// on the calling thread; it measures, it does not assert. No Qt/GL.
#pragma once

#include "errors.h"

#include <string>
#include <vector>

namespace ebm {

struct BenchOptions {
  std::vector<std::string> presets{"toy2d", "fmnist-small"};
  std::string device = "auto";
  int threads = 0;       // 0 = all cores
  int chainParts = 0;    // parts a Langevin step's chains split into (0 = one per thread)
  bool cudaGraphs = false;         // CUDA: replay each chain step as a captured graph
  std::string precision = "tf32";  // fp32 | tf32 | bf16 (base/runtime.h)
  StopFlag stop = nullptr;  // set (e.g. by Ctrl-C) to end the call early: throws Interrupted
  int repeats = 20;      // timed repetitions per measurement (after warm-up)
  int iterations = 10;   // timed training iterations per preset
  bool synthetic = false;  // use random images instead of reading Fashion-MNIST
  std::string sweepPreset = "fmnist-small";  // preset (or .toml path) of the k_x/k_z sweep
  std::vector<int> sweepKx;  // x-step counts to time (empty = the preset's x.steps only)
  std::vector<int> sweepKz;  // z-step counts to time (empty = the preset's z.steps only)
};

struct SweepRow {
  int kx = 0;
  int kz = 0;
  double msPerIteration = 0;  // median over the timed iterations
};

struct SweepResult {
  std::vector<SweepRow> rows;
  std::string preset, data, device;
  int batchSize = 0;
  bool twoChains = false;
  std::string mode;  // the method's training mode (its train table's mode), if it has one
};

/// Times one training iteration for every (k_x, k_z) pair of the options' sweep lists.
SweepResult runSweep(const BenchOptions& options);

/// Runs the benchmark and returns a JSON document (pretty-printed).
std::string runBenchmark(const BenchOptions& options);

} // namespace ebm
