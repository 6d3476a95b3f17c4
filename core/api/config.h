// The run configuration: plain structs with documented defaults, TOML I/O and
// validation. Every field's comment reads `meaning (range)`. Plain C++ only, so
// the GUI, CLI and viewer can include it; any thread may use a RunConfig value.
#pragma once

#include "method_info.h"

#include <map>
#include <string>
#include <vector>

namespace ebm {

/// The data's shape, which every method's networks take (METHODS §4.5). A method's own widths
/// and latent sizes live in its table ([<method>.model]).
struct ModelConfig {
  std::string family = "mlp";  // network family: "mlp" (2-D data) or "conv" (images)
  int dataDim = 2;             // mlp only: dimension of a data point (>= 1)
  int imageSize = 32;          // conv only: image side in pixels (28, 32 or 64)
  int channels = 1;            // conv only: 1 (grey) or 3 (colour)
};

/// What every method's training loop shares; a method's own optimisation settings live in its
/// table ([<method>.train]).
struct TrainConfig {
  TrainConfig();                // method = the registry's default method
  std::string method;           // training method (registered name; default: the one whose
                                // registration says it is the lab's default)
  int batchSize = 100;          // B (1..100000)
  long iterations = 10000;      // total iterations of a `train` run (>= 0)
  int itersPerEpoch = 0;        // iterations per epoch (LR schedules); 0 = data size / B (>= 0)
  int checkpointEvery = 500;    // write a checkpoint every N iterations (0 = only at the end)
  int logEvery = 10;            // append a loss row every N iterations (>= 1)
  unsigned long long seed = 1234;  // RNG seed for initialisation, batches and chains
};

/// Where training data comes from.
struct DataConfig {
  std::string kind = "toy2d";   // toy2d | points (a CSV file of x,y or x,y,label rows at
                                // data.path, used as given) | fashion-mnist | idx | cifar10 |
                                // folder (PNG/JPEG/BMP files under data.path, centre-cropped and
                                // resized)
  std::string toy = "8gaussians";  // toy2d: 8gaussians|25gaussians|rings|moons|swissroll|checkerboard|pinwheel
  std::string path = "/usr/share/datasets/fashion-mnist";  // image sets: their folder; points:
                                // the CSV file; toy2d: unused (must keep this default)
  bool pad32 = true;            // pad 28x28 images to 32x32 with -1
  int limit = 0;                // use at most N training images or points (0 = all)
  double testFraction = 0.1;    // folder, points: share held out as the test split (folder:
                                // every k-th image by path; points: a fixed random share) (0, 1);
                                // unused when data.path has train/ and test/ folders
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
  int chainParts = 0;           // parts a Langevin step's chains split into; 0 = one per thread
  bool cudaGraphs = false;      // CUDA: replay each chain step as a captured CUDA graph
  std::string precision = "tf32";  // fp32 | tf32 | bf16 (CUDA arithmetic, base/runtime.h)
};

struct RunConfig {
  std::string name = "run";     // free-form run name
  ModelConfig model;
  TrainConfig train;
  DataConfig data;
  RuntimeConfig runtime;
  /// The method's own table, named after train.method with '-' written '_' (methodTableName):
  /// one sub-table per chain and per settings table the method declares, e.g.
  /// [test_analytic.walk] step_size = 0.3. Holds what the file says; keys it leaves out take the
  /// schema's defaults (methodTable()). Checked against the schemas by validate(). Older files
  /// that kept a method's settings in shared tables (e.g. [x] step_size) are read through the
  /// aliases the method declares.
  std::map<std::string, SettingValues> methodSettings;

  /// Throws ConfigError naming the first bad field (e.g. "data.limit = -1: must be >= 0", or
  /// "<method>.<chain>.step_size = -1: must be > 0 and <= 100" in the method's table).
  void validate() const;
  /// The method table's part of validate(): every sub-table known to train.method's schemas
  /// (chains and settings tables), every value in range, and the method's own cross-checks.
  void validateMethodSettings() const;
  /// A chain's or settings table's values: the schema's defaults with methodSettings over them.
  /// Throws ConfigError for an unknown method or a name that is neither a chain nor a table.
  SettingValues methodTable(const std::string& name) const;
  /// Switches to another method; the old method's table is dropped (it does not fit the new
  /// one's schemas), so the new method starts from its defaults.
  void setMethod(const std::string& method);
  /// Parses TOML text; unknown keys are an error; missing keys keep defaults. Validates.
  static RunConfig fromToml(const std::string& text, const std::string& origin = "<string>");
  static RunConfig fromFile(const std::string& path);
  /// Loads `resources/presets/<name>.toml` (searched in the resource dirs).
  static RunConfig fromPreset(const std::string& name);
  std::string toToml() const;
  void writeFile(const std::string& path) const;
  /// Applies "section.key=value" (TOML value syntax, e.g. data.toy="rings", or a key of the
  /// method's table: <method>.<table>.<key>=value, or an alias the method declares for it such as
  /// x.step_size=0.3). Changing train.method drops the old method's table (setMethod).
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
/// config of chain settings, one [table] per chain of the config's method (e.g. [x] in
/// "paper-test", the reference's test-time x-sampler), stored in the method's table. Only the
/// keys present change; the result is validated. Throws ConfigError for an unknown preset, a
/// table that is not one of the method's chains or a bad value, leaving `config` unchanged.
void applySamplerPreset(RunConfig& config, const std::string& name);
/// A sampler preset as settings of named chains: each [table] names a chain, its keys are that
/// chain's settings (numbers and booleans as numbers, strings as choices). The session checks
/// them against the loaded method's schemas. Throws ConfigError for an unknown preset, a parse
/// error or a value that is neither a number, a boolean nor a string.
std::map<std::string, SettingValues> samplerPresetSettings(const std::string& name);
/// Names of the shipped sampler presets.
std::vector<std::string> samplerPresetNames();

} // namespace ebm
