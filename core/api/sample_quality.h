// Sample quality of a trained Dual-MCMC model, for the generator's samples x0 = G(z) and for
// the EBM-revised samples x~ (the paper's "gen" and "EBM" columns): Fréchet distances on
// features of an in-project classifier (e.g. "FMNIST-FD"; not FID) or, if the user supplies a
// TorchScript InceptionV3, FID; on 2-D data MMD and the true log-density. Runs on the calling
// thread (CLI, tests); no Qt/GL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

/// How samples are drawn: x0 = G(z), z ~ N(0, I), G in training mode (BatchNorm batch statistics,
/// as the reference's FID code), then x-Langevin from x0 for the revised samples.
struct SampleOptions {
  std::string checkpoint;  // a Dual-MCMC checkpoint (.safetensors)
  int samples = 1000;      // generated samples (and reference images) to compare
  int batch = 100;         // samples per generator batch (BatchNorm statistics depend on it)
  int xSteps = -1;         // k_x of the revision (-1 = the checkpoint's x.steps)
  double xStepSize = 0;    // s_x (0 = the checkpoint's)
  double xNoise = -1;      // n_x (-1 = the checkpoint's)
  uint64_t seed = 1;
  std::string device = "auto";
  int threads = 0;
};

struct FdOptions {
  SampleOptions sampling;
  std::string classifier;  // classifier file from train-classifier ("" = skip)
  std::string inception;   // TorchScript InceptionV3 file ("" = skip)
  std::string inceptionRange = "01";  // the Inception module's input range: 01 | pm1 | 255
  std::string split = "test";         // reference images: test | train
};

struct FdRow {
  std::string features;  // "classifier" or "inception"
  std::string samples;   // "generator" (x0), "revised" (x~), or "train" (real images: the floor)
  double fd = 0;         // Fréchet distance to the reference split's Gaussian fit
};

struct FdResult {
  std::vector<FdRow> rows;
  std::string split;        // the reference split actually used
  int64_t referenceImages = 0;
  int64_t samples = 0;
  int xSteps = 0;
  double xStepSize = 0, xNoise = 0;
  std::string classifierName;  // e.g. "FMNIST-FD" for a Fashion-MNIST classifier
  double classifierTestAccuracy = 0;  // from the classifier file, NaN if absent
};

/// Throws ebm::Error: bad checkpoint, a model that is not an image model, a classifier whose
/// input shape differs from the model's, neither classifier nor Inception given.
FdResult evaluateFd(const FdOptions& options);

struct ToyRow {
  std::string samples;         // "generator", "revised", or "data" (fresh true samples: the floor)
  double mmd = 0;              // squared MMD (sum of RBF kernels) to fresh true samples
  double meanLogDensity = 0;   // mean log p_true(sample); NaN where the density has no closed form
  double fractionOutside = 0;  // fraction of samples where p_true = 0 (log-density -inf)
};

struct ToyResult {
  std::vector<ToyRow> rows;
  std::string toy;
  int xSteps = 0;
};

/// Sample quality on 2-D toy data; throws ebm::Error for a model not trained on toy2d data.
ToyResult evaluateToy(const SampleOptions& options);

} // namespace ebm
