// A training method as one pluggable unit: it owns its models and optimisers, describes itself
// (MethodInfo: capabilities, chains with settings schemas, loss names), runs one iteration on a
// data batch, runs its chains as revisions, and exports its state as named tensors for
// checkpoints. Methods register themselves (EBM_REGISTER_METHOD in their own file); the session,
// the CLI and the GUI only ever see this interface and the capability interfaces it hands out.
// Worker thread only; no Qt/GL.
#pragma once

#include "config.h"
#include "method_info.h"
#include "trace.h"
#include "base/live_settings.h"
#include "sampling/chain_driver.h"

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ebm {

struct SafeTensors;

class EnergyModel;
class LatentModel;
class LevelSampler;

/// What the worker hands a method for one call.
struct MethodContext {
  torch::Device device = torch::kCPU;
  torch::Generator* gen = nullptr;               // the run's RNG (required)
  const std::atomic<bool>* stop = nullptr;       // ends chains at the next step
  std::map<std::string, LiveValue<SettingValues>*> settings;  // live settings per chain name
  std::map<std::string, Trace*> traces;          // record these chains when given
  std::function<void(const Trace&)> onStep;      // progress while a chain runs
  torch::Tensor labels;  // iterate(): the batch's class labels (B) int64; undefined when none

  /// The live settings of `chain`; throws ebm::Error when the caller gave none.
  const LiveValue<SettingValues>& live(const std::string& chain) const;
  /// Where to record `chain`, or nullptr.
  Trace* trace(const std::string& chain) const;
  bool stopRequested() const { return stop && stop->load(std::memory_order_relaxed); }
  /// The driver's control for one chain of this call: the RNG, the stop flag and progress, the
  /// trace to fill (or nullptr), and whether the final state's energy is recorded too.
  ChainControl control(Trace* trace, bool evaluateFinal) const;
};

struct IterationResult {
  std::vector<double> losses;  // in the order of info().lossNames
  bool interrupted = false;    // a stop request ended a chain; no parameter was updated
  bool diverged = false;       // a NaN loss or an energy-gap blow-up
  std::string message;
};

/// A revision the user asked for: run chain `chain` on `chains` chains.
struct RevisionRequest {
  std::string chain;       // a ChainSpec name of the method
  int chains = 16;
  std::string init;        // one of the chain's inits ("" = its first)
  torch::Tensor batch;     // init "batch": the start states; chains with a target: the data
};

class TrainingMethod {
public:
  virtual ~TrainingMethod() = default;
  virtual const MethodInfo& info() const = 0;
  std::string name() const { return info().name; }

  /// One training iteration on a (B, ...) CPU batch.
  virtual IterationResult iterate(const torch::Tensor& batch, MethodContext& ctx) = 0;
  /// Called at the start of every epoch (learning-rate schedules).
  virtual void setEpoch(int epoch) = 0;
  /// Runs a revision of one of its chains; returns the final states in data space (CPU).
  virtual torch::Tensor revise(const RevisionRequest& request, MethodContext& ctx) = 0;

  /// A chain's settings as `config` holds them.
  virtual SettingValues chainSettings(const RunConfig& config, const std::string& chain) const = 0;
  /// Writes a chain's settings back into `config` (the effective config beside a checkpoint).
  virtual void storeChainSettings(RunConfig& config, const std::string& chain,
                                  const SettingValues& values) const = 0;
  /// Extra per-step Langevin work of one iteration besides the chains' own steps, for rates:
  /// the number of chain steps one iteration runs given the chains' current settings.
  virtual double stepsPerIteration(const std::map<std::string, SettingValues>& settings) const = 0;

  /// Capabilities (nullptr when info().capabilities says the method has none).
  virtual EnergyModel* energyModel() { return nullptr; }
  virtual LatentModel* latentModel() { return nullptr; }
  virtual LevelSampler* levelSampler() { return nullptr; }

  /// Every parameter, buffer and optimiser state, with stable names.
  virtual std::vector<std::pair<std::string, torch::Tensor>> stateTensors() const = 0;
  /// Restores stateTensors() output; throws CheckpointError naming the first mismatch.
  virtual void loadStateTensors(const SafeTensors& st) = 0;
};

/// Fixed settings for every chain of a method, for offline callers (evaluations, benchmarks,
/// tests): starts from the run config's settings; context() hands them to the method.
class FixedChainSettings {
public:
  FixedChainSettings(const TrainingMethod& method, const RunConfig& config);
  /// Sets one number of one chain (e.g. "z", "steps", 0); throws ebm::Error for an unknown chain.
  void set(const std::string& chain, const std::string& key, double value);
  /// Sets one choice of one chain (e.g. "sample", "label", "3").
  void set(const std::string& chain, const std::string& key, const std::string& value);
  SettingValues get(const std::string& chain) const;
  MethodContext context(torch::Device device, torch::Generator& gen,
                        const std::atomic<bool>* stop = nullptr);

private:
  LiveValue<SettingValues>& chainLive(const std::string& chain) const; // throws for unknown
  std::map<std::string, std::unique_ptr<LiveValue<SettingValues>>> m_live;
};

/// An old place of one of a method's settings: `[section] key` in files written before the
/// method had its own table, read as `[<method>.<table>] tableKey` (and `--set section.key=v`).
struct SettingAlias {
  std::string section;   // the old TOML table, e.g. "x" or "train"
  std::string key;       // the old key, e.g. "step_size"
  std::string table;     // the chain or settings table of the method's own table
  std::string tableKey;  // the key there
};

/// What the registry knows of a method: how to describe it and how to build it.
struct MethodRegistration {
  std::string name;  // the value of train.method
  std::function<MethodInfo(const RunConfig&)> describe;
  std::function<std::unique_ptr<TrainingMethod>(const RunConfig&, torch::Device)> make;
  bool isDefault = false;  // train.method's default (one method of the lab says so)
  std::vector<SettingAlias> aliases;  // where older files kept its settings
  /// Checks that only hold between settings (e.g. a mode that needs a particular chain start),
  /// after every value passed its schema; throws ConfigError naming the keys. May be empty.
  std::function<void(const RunConfig&)> check;
};

/// Adds (or replaces) a method. Built-in methods need no call: every folder
/// core/methods/<name>/ with a registration.cpp defines
/// `MethodRegistration ebm::methods::registration_<name>()`, and the build generates the list
/// the registry reads on first use, so adding a method touches only its folder. A test binary
/// registers its own methods with this before sessions start.
void registerMethod(MethodRegistration registration);
/// The method's description without building its models (front ends ask before loading).
std::shared_ptr<const MethodInfo> describeMethod(const RunConfig& config);
/// Builds the method named by config.train.method; throws ConfigError for an unknown name.
std::unique_ptr<TrainingMethod> makeMethod(const RunConfig& config, torch::Device device);
std::vector<std::string> methodNames();
/// The registration of `name`, or nothing when no method has that name.
std::optional<MethodRegistration> findMethod(const std::string& name);
/// train.method's default: the method whose registration has isDefault (else the first name in
/// order; "" when none is registered).
std::string defaultMethodName();

/// Copies `src` into each named tensor of `dst` after checking presence, dtype and shape.
void loadNamedTensors(const std::vector<std::pair<std::string, torch::Tensor>>& dst,
                      const SafeTensors& src);

} // namespace ebm
