// Training the in-project feature classifier whose penultimate features define the classifier
// Fréchet distance (e.g. "FMNIST-FD"; not comparable to FID). Plain C++ API for the CLI;
// runs on the calling thread; no Qt/GL.
#pragma once

#include "errors.h"

#include <cstdint>
#include <functional>
#include <string>

namespace ebm {

struct ClassifierTrainOptions {
  std::string dataKind = "fashion-mnist";  // fashion-mnist | idx (MNIST layout) | cifar10
  std::string dataPath = "/usr/share/datasets/fashion-mnist";
  bool pad32 = true;      // MNIST layout: pad 28x28 to 32x32 with -1 (as the EBM presets do)
  int epochs = 2;         // passes over the train split (>= 1)
  int batch = 128;        // mini-batch size (>= 2)
  double lr = 2e-3;       // Adam learning rate, halved every epoch (> 0)
  int width = 32;         // see ClassifierOptions
  int features = 128;
  int limit = 0;          // use at most N training images (0 = all)
  uint64_t seed = 1;
  int threads = 0;        // intra-op threads (0 = all cores)
  StopFlag stop = nullptr;  // set (e.g. by Ctrl-C) to end the call early: throws Interrupted
  std::string out;        // the .safetensors file to write (required)
  /// Progress after every 50 mini-batches: epoch (from 0), batch index, batches per epoch, loss.
  std::function<void(int, int, int, double)> onProgress;
};

struct ClassifierTrainResult {
  double testAccuracy = 0;  // fraction of the test split classified correctly
  double trainLoss = 0;     // mean cross-entropy of the last epoch
  double seconds = 0;
  int64_t trainImages = 0;
  int64_t testImages = 0;
};

/// Trains on the train split, measures accuracy on the test split, writes `out`. Throws
/// ebm::Error (DataError for missing data).
ClassifierTrainResult trainClassifier(const ClassifierTrainOptions& options);

} // namespace ebm
