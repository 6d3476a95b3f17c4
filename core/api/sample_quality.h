// Sample quality of a trained model with a generator and an energy, for the generator's samples x0
// = G(z) and for the EBM-revised samples x~ (the paper's "gen" and "EBM" columns): Fréchet
// distances on features of an in-project classifier (e.g. "FMNIST-FD"; not FID) or, if the user
// supplies a TorchScript InceptionV3, FID; on 2-D data MMD and the true log-density. Runs on the
// calling thread (CLI, tests); no Qt/GL.
#pragma once

#include "errors.h"

#include "config.h"
#include "langevin_settings.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

/// How samples are drawn: x0 = G(z), z ~ N(0, I), G in training mode (BatchNorm batch statistics,
/// as the reference's FID code), then x-Langevin from x0 for the revised samples.
struct SampleOptions {
  std::string checkpoint;  // a checkpoint of a model with a generator and an energy
  int samples = 1000;      // generated samples (and reference images) to compare
  int batch = 100;         // samples per generator batch (BatchNorm statistics depend on it)
  int xSteps = -1;         // k_x of the revision (-1 = the checkpoint's x-chain steps)
  double xStepSize = 0;    // s_x (0 = the checkpoint's)
  double xNoise = -1;      // n_x (-1 = the checkpoint's)
  uint64_t seed = 1;
  std::string device = "auto";
  int threads = 0;
  StopFlag stop = nullptr;  // set (e.g. by Ctrl-C) to end the call early: throws Interrupted
  // Models that sample from noise level by level (DRL, CDRL):
  int stepsPerLevel = 0;  // K' steps per level, the step multiplier scaled by sqrt(K / K')
  std::vector<int> labels;       // class-conditional models: composed labels (empty: each chain
                                 // its class in turn)
  std::vector<double> weights;   // one per label (empty: 1 each)
  double guidance = -1;          // classifier-free guidance w (-1 = the checkpoint's)
};

struct FdOptions {
  SampleOptions sampling;
  std::string classifier;  // classifier file from train-classifier ("" = skip)
  std::string inception;   // TorchScript InceptionV3 file ("" = skip)
  std::string inceptionRange = "01";  // the Inception module's input range: 01 | pm1 | 255
  std::string split = "test";         // reference images: test | train
};

/// The reference's FID protocol (METHODS §1.7, §4.4; task_fid.py): 50 000 samples in batches
/// of 100 (G in training mode), revised by the test-time x-sampler, against training-split
/// statistics, on InceptionV3 pool3 features of (x + 1) / 2 clamped to [0, 1].
struct PaperFidProtocol {
  int samples = 50000;             // generated samples
  int batch = 100;                 // samples per generator batch (BatchNorm batch statistics)
  std::string split = "train";     // reference statistics
  int xSteps = 70;                 // test-time k_x
  double xStepSize = 0.4;          // test-time s_x
  double xNoise = 0.001;           // test-time n_x
  std::string inceptionRange = "01";  // Inception input: (x + 1) / 2 clamped to [0, 1]
};

/// Sets the protocol's samples, batch, split, sampler and Inception range in `options`; keeps
/// the checkpoint, the feature files, the seed, the device and the threads.
void applyPaperProtocol(FdOptions& options);

/// What in `options` differs from the paper's FID protocol, one line per difference (empty when
/// it is followed): fewer or more samples, another batch, the test split, another sampler
/// setting, no Inception network, another Inception input range. `checkpointX` is the
/// checkpoint's x-sampler, in effect for the settings `options` leave at "the checkpoint's".
std::vector<std::string> paperProtocolDifferences(const FdOptions& options,
                                                  const LangevinXConfig& checkpointX);

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
  std::string sampler;      // the sampler that drew the samples, as a line of text
  std::string classifierName;  // e.g. "FMNIST-FD" for a Fashion-MNIST classifier
  double classifierTestAccuracy = 0;  // from the classifier file, NaN if absent
};

/// Throws ebm::Error: bad checkpoint, a model that is not an image model, a classifier whose
/// input shape differs from the model's, neither classifier nor Inception given.
FdResult evaluateFd(const FdOptions& options);

struct ToyRow {
  std::string samples;         // "generator", "revised", or "data" (the floor: fresh true
                               // samples; for a point file its training points)
  double mmd = 0;              // squared MMD (sum of RBF kernels) to the reference: fresh true
                               // samples, or a point file's held-out points
  double meanLogDensity = 0;   // mean log p_true(sample); NaN where the density has no closed form
  double fractionOutside = 0;  // fraction of samples where p_true = 0 (log-density -inf)
};

struct ToyResult {
  std::vector<ToyRow> rows;
  std::string toy;        // the toy's name, or the point file's path
  std::string reference;  // what the samples were compared with, as a phrase
  bool hasDensity = false;  // the data has a closed-form density (mean log p is computed)
  int xSteps = 0;
  std::string sampler;  // the sampler that drew the samples, as a line of text
};

/// Sample quality on 2-D data (data.kind toy2d or points); throws ebm::Error for a model trained
/// on other data, DataError when a point file cannot be read.
ToyResult evaluateToy(const SampleOptions& options);

} // namespace ebm
