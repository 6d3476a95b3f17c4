// Evaluations of a trained model in the units of the paper's tables, reading a checkpoint and
// a named split of its data (the test split unless asked otherwise): reconstruction error
// against the number of z-Langevin steps (Table 3, Fig. 3) and OOD detection by energy (A.2).
// Plain C++ API; runs on the calling thread (CLI, tests); no Qt/GL.
#pragma once

#include "errors.h"

#include "config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

struct ReconstructionOptions {
  std::string checkpoint;             // a checkpoint of a model with a latent space
  int images = 100;                   // images of the split, first N
  std::string split = "test";         // test | train
  int batch = 100;                    // chains per batch (BatchNorm statistics depend on it;
                                      // 2..; a lone last image joins the batch before it)
  std::vector<int> steps{0, 10};      // numbers of z-Langevin steps to report
  std::vector<std::string> inits{"inference-mean", "gaussian"};  // where chains start
  uint64_t seed = 1;                  // same noise for every init (common random numbers)
  bool generatorEval = false;         // BatchNorm running statistics in G (z-chain and decoding)
                                      // instead of batch statistics (METHODS §4.4: train mode
                                      // to match the reference, eval mode to compare)
  std::string device = "auto";
  int threads = 0;
  StopFlag stop = nullptr;  // set (e.g. by Ctrl-C) to end the call early: throws Interrupted
};

struct ReconstructionRow {
  std::string init;
  int steps = 0;
  double mse = 0;      // per-pixel MSE on the model's [-1, 1] scale
  double mse01 = 0;    // the same on the [0, 1] scale (= mse / 4)
  double psnr = 0;     // dB, mean over images
  double ssim = 0;     // mean over images
  int images = 0;      // images evaluated; each counts once in every mean above
};

/// One row per (init, steps). Throws ebm::Error (bad checkpoint, data, or a method without
/// an inference model).
std::vector<ReconstructionRow> evaluateReconstruction(const ReconstructionOptions& options);

struct OodOptions {
  std::string checkpoint;
  int images = 1000;                  // in-distribution images, and as many OOD ones
  std::string split = "test";         // in-distribution split: test | train
  /// uniform (U(-1,1) noise), vflip (upside-down images), hflip (mirrored), invert (-x)
  std::vector<std::string> sets{"uniform", "vflip", "hflip", "invert"};
  /// Another data set as an extra OOD set: an IDX image file (e.g. MNIST's
  /// t10k-images-idx3-ubyte[.gz]), an MNIST-layout folder (its test split), a binary CIFAR-10
  /// folder (its test split), a binary CIFAR-100 folder (cifar-100-binary or its parent: test.bin)
  /// or one CIFAR-100 record file (a path ending in .bin), or a folder of PNG/JPEG/BMP images
  /// (its test/ folder when it has train/ and test/, else every image; each centre-cropped and
  /// resized to the model's side). Matched to the model's shape: grey is replicated to colour,
  /// colour becomes grey by luma (ITU-R 601), smaller square images are padded with -1, larger
  /// ones resized bilinearly; anything else is a DataError. "" = none.
  std::string oodPath;
  uint64_t seed = 1;
  std::string device = "auto";
  int threads = 0;
  StopFlag stop = nullptr;  // set (e.g. by Ctrl-C) to end the call early: throws Interrupted
};

struct OodRow {
  std::string set;         // the set's name; "path:<file or folder>" for oodPath
  std::string note;        // how an external set was matched to the model (e.g. "28->32 padded")
  int imagesIn = 0;        // in-distribution images scored (at most the split's size)
  double auroc = 0;        // in-distribution test split (positive) vs this set, score -E(x)
  double meanEnergyIn = 0;
  double meanEnergyOut = 0;
};

/// Out-of-distribution detection with the energy score s(x) = -E(x) (METHODS §4.4).
std::vector<OodRow> evaluateOod(const OodOptions& options);

} // namespace ebm
