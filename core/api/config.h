// The run configuration: plain structs with documented defaults, TOML I/O and
// validation. Every field's comment reads `meaning (range)`. Plain C++ only, so
// the GUI, CLI and viewer can include it; any thread may use a RunConfig value.
#pragma once

#include "method_info.h"

#include <map>
#include <string>
#include <vector>

namespace ebm {

/// Network architecture of the three models (METHODS §1.3, §4.5).
struct ModelConfig {
  std::string family = "mlp";  // network family: "mlp" (2-D data) or "conv" (images)
  int dataDim = 2;             // mlp only: dimension of a data point (>= 1)
  int imageSize = 32;          // conv only: image side in pixels (28 or 32: the CIFAR-10
                               // topology at constant width; 64: the CelebA-64 topology, whose
                               // widths halve per level from ebm_width/gen_width at the bottom)
  int channels = 1;            // conv only: 1 (grey) or 3 (colour)
  int nz = 2;                  // latent dimension (1..4096); latents are (B, nz, 1, 1)
  int ebmWidth = 128;          // EBM hidden width / conv channels ndf (1..4096; at 64 px a
                               // multiple of 16)
  int genWidth = 128;          // generator hidden width / conv channels ngf (1..4096; at 64 px
                               // a multiple of 16)
  int infWidth = 128;          // inference model hidden width / conv channels nif (1..4096)
  bool genTanh = false;        // tanh on the generator output (images: true)
  bool spectralNorm = true;    // spectral norm on every conv/linear layer of the EBM
};

/// x-Langevin on the EBM (METHODS §1.5): x <- x - s^2/2 dE/dx + n xi.
struct LangevinXConfig {
  int steps = 30;               // k_x, number of steps (0..100000)
  double stepSize = 0.5;        // s_x (> 0, <= 100)
  double noise = 1e-3;          // n_x, noise std (>= 0, <= 100)
  int snapshotEvery = 5;        // keep the chain state every k steps (1..100000)
  std::string init = "generator";  // generator | gaussian | uniform | batch
};

/// z-Langevin on the generator posterior (METHODS §1.5).
struct LangevinZConfig {
  int steps = 10;               // k_z (0..100000)
  double stepSize = 0.1;        // s_z (> 0, <= 100)
  double noise = 0.1;           // n_z, noise std (>= 0, <= 100)
  double sigma = 0.3;           // generator observation std sigma (> 0)
  double priorSigma = 1.0;      // prior std of z (> 0)
  bool halfSse = false;         // textbook 1/2 SSE/sigma^2 instead of the reference's SSE/sigma^2
  int snapshotEvery = 1;        // keep the chain state every k steps (1..100000)
  std::string init = "inference";  // chain start, in training and z-revisions: inference
                                   // (mu + sigma eps) | inference-mean | gaussian (prior N(0, I),
                                   // the paper's "L = k" ablation rows) | uniform (U(-1, 1))
};

/// Optimisation (METHODS §1.4, §1.6).
struct TrainConfig {
  std::string method = "dual-mcmc";  // training method (registered name)
  std::string mode = "dual";    // what learns from what (dual-mcmc only; paper Tab. 4-5, §3.3):
                                // "dual" = Dual-MCMC teaching; "cooperative" = G and I learn
                                // only from the EBM's revised samples (no data term, no
                                // z-Langevin on data); "short-run" = the EBM alone, x-chains
                                // from x.init noise (gaussian | uniform), G and I not trained
  int batchSize = 100;          // B (1..100000)
  long iterations = 10000;      // total iterations of a `train` run (>= 0)
  int itersPerEpoch = 0;        // iterations per LR-decay epoch; 0 = data size / B (>= 0)
  double lrE = 1e-4;            // EBM learning rate (> 0)
  double lrG = 3e-4;            // generator learning rate (> 0)
  double lrI = 1e-4;            // inference learning rate (> 0)
  double wdE = 0.0;             // coupled L2 weight decay of E (>= 0)
  double wdG = 5e-4;            // coupled L2 weight decay of G (>= 0)
  double wdI = 5e-4;            // coupled L2 weight decay of I (>= 0)
  double beta1 = 0.0;           // Adam beta1 [0, 1)
  double beta2 = 0.9;           // Adam beta2 [0, 1)
  double lrDecay = 0.998;       // ExponentialLR gamma per epoch (0, 1]
  double gFactor = 1.0;         // weight of the data terms (>= 0)
  double sFactor = 50.0;        // weight of the EBM-sample term of L_G (>= 0)
  double iFactor = 0.1;         // weight of the generated-pair term of L_I (>= 0)
  bool twoChains = true;        // reference: second x-chain from the updated G (fine_tune);
                                // false: reuse x~ as EBM negatives (paper Eq. 7)
  bool useTemperature = true;   // divide L_E by T = (n_x/s_x)^2 (use_temp)
  int checkpointEvery = 500;    // write a checkpoint every N iterations (0 = only at the end)
  int logEvery = 10;            // append a loss row every N iterations (>= 1)
  unsigned long long seed = 1234;  // RNG seed for initialisation, batches and chains
};

/// Where training data comes from.
struct DataConfig {
  std::string kind = "toy2d";   // toy2d | fashion-mnist | idx | cifar10 | folder (PNG/JPEG/BMP
                                // files under data.path, centre-cropped and resized)
  std::string toy = "8gaussians";  // toy2d: 8gaussians|25gaussians|rings|moons|swissroll|checkerboard|pinwheel
  std::string path = "/usr/share/datasets/fashion-mnist";  // image sets: their folder
  bool pad32 = true;            // pad 28x28 images to 32x32 with -1
  int limit = 0;                // use at most N training images (0 = all)
  double testFraction = 0.1;    // folder: share held out as the test split, every k-th image by
                                // path (0, 1); unused when data.path has train/ and test/ folders
  std::string crop = "center";  // folder: the square each image is cut to before resizing:
                                // "center" (its central square) | "box" (data.crop_box)
  std::vector<int> cropBox{15, 40, 163, 188};  // folder with crop = "box": [left, top, right,
                                // bottom] in pixels, right and bottom exclusive (PIL's box), a
                                // square inside every image (4 integers >= 0, right - left =
                                // bottom - top > 0); default: the reference's 148x148 CelebA
                                // face box in the aligned 178x218 images (METHODS §1.1)
  bool flip = false;            // image data: mirror each training image left-right with
                                // probability 1/2 (augmentation, seeded by train.seed); the
                                // test split and every evaluation stay unflipped
};

/// Where and how the computation runs.
struct RuntimeConfig {
  std::string device = "auto";  // auto | cpu | cuda
  int threads = 0;              // intra-op threads; 0 = all cores
};

struct RunConfig {
  std::string name = "run";     // free-form run name
  ModelConfig model;
  LangevinXConfig x;
  LangevinZConfig z;
  TrainConfig train;
  DataConfig data;
  RuntimeConfig runtime;
  /// The method's own table, named after train.method with '-' written '_' (methodTableName),
  /// one sub-table per chain, e.g. [test_analytic.walk] step_size = 0.3: settings the method
  /// declares in its chain schemas, checked against them by validate(). (Dual-MCMC's settings
  /// live in the shared [model], [x], [z] and [train] tables, which predate this seam.)
  std::map<std::string, SettingValues> methodSettings;

  /// Throws ConfigError naming the first bad field (e.g. "x.step_size = -1: must be > 0").
  void validate() const;
  /// The method table's part of validate(): every chain known to train.method's schemas.
  void validateMethodSettings() const;
  /// Parses TOML text; unknown keys are an error; missing keys keep defaults. Validates.
  static RunConfig fromToml(const std::string& text, const std::string& origin = "<string>");
  static RunConfig fromFile(const std::string& path);
  /// Loads `resources/presets/<name>.toml` (searched in the resource dirs).
  static RunConfig fromPreset(const std::string& name);
  std::string toToml() const;
  void writeFile(const std::string& path) const;
  /// Applies "section.key=value" (TOML value syntax, e.g. x.step_size=0.3, data.toy="rings").
  void applyOverride(const std::string& assignment);
};

/// The name of a method's own TOML table: "test-analytic" -> "test_analytic".
std::string methodTableName(const std::string& method);

/// Directories searched for presets and shipped checkpoints, in order:
/// $EBM_LAB_RESOURCES, the source tree's resources/ (compiled in), <exe>/../share/ebm-lab.
std::vector<std::string> resourceDirs();
/// Path of a resource file (e.g. "presets/toy2d.toml"); throws ConfigError if none exists.
std::string findResource(const std::string& relative);
/// Names of the shipped presets.
std::vector<std::string> presetNames();

/// Applies the sampler preset `resources/samplers/<name>.toml` (or a .toml path): a partial
/// config of [x] and/or [z] keys, e.g. "paper-test", the reference's test-time x-sampler. Only
/// the keys present change; the result is validated. Throws ConfigError for an unknown preset,
/// a key outside [x] and [z] or a bad value, leaving `config` unchanged.
void applySamplerPreset(RunConfig& config, const std::string& name);
/// A sampler preset as settings of named chains: each [table] names a chain, its keys are that
/// chain's settings (numbers and booleans as numbers, strings as choices). The session checks
/// them against the loaded method's schemas. Throws ConfigError for an unknown preset, a parse
/// error or a value that is neither a number, a boolean nor a string.
std::map<std::string, SettingValues> samplerPresetSettings(const std::string& name);
/// Names of the shipped sampler presets.
std::vector<std::string> samplerPresetNames();

} // namespace ebm
