// Evaluations of a trained model in the units of the paper's tables, reading a checkpoint and
// the held-out split of its data: reconstruction error against the number of z-Langevin steps
// (Table 3, Fig. 3) and OOD detection by energy (A.2). Plain C++ API; runs on the calling thread (CLI, tests); no Qt/GL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

struct ReconstructionOptions {
  std::string checkpoint;             // a Dual-MCMC checkpoint (.safetensors)
  int images = 100;                   // held-out images (the test split), first N
  int batch = 100;                    // chains per batch (BatchNorm statistics depend on it)
  std::vector<int> steps{0, 10};      // numbers of z-Langevin steps to report
  std::vector<std::string> inits{"inference-mean", "gaussian"};  // where chains start
  uint64_t seed = 1;                  // same noise for every init (common random numbers)
  std::string device = "auto";
  int threads = 0;
};

struct ReconstructionRow {
  std::string init;
  int steps = 0;
  double mse = 0;      // per-pixel MSE on the model's [-1, 1] scale
  double mse01 = 0;    // the same on the [0, 1] scale (= mse / 4)
  double psnr = 0;     // dB, mean over images
  double ssim = 0;     // mean over images
};

/// One row per (init, steps). Throws ebm::Error (bad checkpoint, data, or a method without
/// an inference model).
std::vector<ReconstructionRow> evaluateReconstruction(const ReconstructionOptions& options);

struct OodOptions {
  std::string checkpoint;
  int images = 1000;                  // in-distribution test images, and as many OOD ones
  /// uniform (U(-1,1) noise), vflip (upside-down test images), hflip (mirrored), invert (-x)
  std::vector<std::string> sets{"uniform", "vflip", "hflip", "invert"};
  uint64_t seed = 1;
  std::string device = "auto";
  int threads = 0;
};

struct OodRow {
  std::string set;
  double auroc = 0;        // in-distribution test split (positive) vs this set, score -E(x)
  double meanEnergyIn = 0;
  double meanEnergyOut = 0;
};

/// Out-of-distribution detection with the energy score s(x) = -E(x) (METHODS §4.4).
std::vector<OodRow> evaluateOod(const OodOptions& options);

} // namespace ebm
