// Building a session's model (new or from a checkpoint) and saving it. A build commits only
// after everything succeeded, so a bad file leaves the running session intact. Worker thread.
#include "session/session_impl.h"

#include "base/runtime.h"
#include "errors.h"
#include "methods/checkpoint.h"
#include "models/models.h"
#include "report.h"

#include <atomic>
#include <filesystem>

namespace ebm {
namespace {

// Live settings for every chain of a freshly built method, from the run config.
std::shared_ptr<ChainSettingsSet> makeChainSet(const TrainingMethod& method, const RunConfig& cfg) {
  auto set = std::make_shared<ChainSettingsSet>();
  set->info = std::make_shared<const MethodInfo>(method.info());
  for (const auto& spec : set->info->chains)
    set->live[spec.name] =
        std::make_unique<LiveValue<SettingValues>>(method.chainSettings(cfg, spec.name));
  return set;
}


// Whether `key` (section.key, or <method table>.<section>.key) may change between two legs of a
// run: what steers sampling and optimisation, never what shapes the models or the data.
bool resumable(const RunConfig& cfg, std::string key) {
  key.erase(0, key.find_first_not_of(" \t"));
  key.erase(key.find_last_not_of(" \t") + 1);
  const std::string own = methodTableName(cfg.train.method) + ".";
  if (key.rfind(own, 0) == 0)
    key = key.substr(own.size());
  const auto dot = key.find('.');
  const std::string table = key.substr(0, dot);
  const std::string name = dot == std::string::npos ? "" : key.substr(dot + 1);
  if (table == "runtime")
    return true;
  if (table == "train")
    return name == "iterations" || name == "log_every" || name == "checkpoint_every" ||
           name.rfind("lr", 0) == 0;
  const auto info = describeMethod(cfg);
  return info->chain(table) != nullptr;
}

void applyResumeOverrides(RunConfig& cfg, const std::vector<std::string>& overrides) {
  for (const std::string& o : overrides) {
    const std::string key = o.substr(0, o.find('='));
    if (!resumable(cfg, key))
      throw ConfigError("--set " + o + ": " + key + " cannot change when resuming, the "
                        "checkpoint's model and data stay as they were trained (what may change: "
                        "chain settings such as x.step_size, train.iterations, learning rates "
                        "train.lr_*, train.log_every, train.checkpoint_every, runtime.*)");
    cfg.applyOverride(o);
  }
}
} // namespace

void Session::Impl::build(RunConfig cfg, const std::string& checkpoint,
                          const std::vector<std::string>& overrides) {
  state = RunState::Loading;
  publish();
  CheckpointInfo info;
  if (!checkpoint.empty()) {
    info = readCheckpointInfo(checkpoint);
    const auto keepRuntime = cfg.runtime;
    cfg = info.config;
    cfg.runtime = keepRuntime; // where to run is the user's choice, not the file's
    applyResumeOverrides(cfg, overrides);
  }
  cfg.validate();
  const torch::Device newDevice = resolveDevice(cfg.runtime.device);
  auto newData = makeDataSource(cfg.data, cfg.model);
  auto newMethod = makeMethod(cfg, newDevice);
  if (!checkpoint.empty())
    info = loadCheckpointInto(checkpoint, *newMethod);
  if (options.distributed) {
    joinJob(*newMethod, cfg);
    newData = shardedSource(std::move(newData), parallel->rank(), parallel->worldSize());
  }
  auto newChains = makeChainSet(*newMethod, cfg);
  // Commit only after everything succeeded: a bad file leaves the old session, and the
  // process-wide runtime settings it runs with, intact.
  threads = configureThreads(cfg.runtime.threads);
  setChainParts(cfg.runtime.chainParts);
  setCudaGraphs(cfg.runtime.cudaGraphs);
  setPrecision(cfg.runtime.precision);
  device = newDevice;
  config = cfg;
  data = std::move(newData);
  method = std::move(newMethod);
  {
    std::lock_guard<std::mutex> lock(chainsMutex);
    chainSet = std::move(newChains);
  }
  dataGen = makeGenerator(torch::kCPU, cfg.train.seed + 1);
  // Each rank of a job runs its own chains: its training noise is its own.
  chainGen = makeGenerator(device, cfg.train.seed + 2 + (parallel ? 7919 * parallel->rank() : 0));
  iteration = checkpoint.empty() ? 0 : info.iteration;
  epoch = checkpoint.empty() ? 0 : info.epoch;
  target = iteration; // a run's target belongs to the model it was set for
  stepOnce = false;
  itersPerEpoch =
      cfg.train.itersPerEpoch > 0
          ? cfg.train.itersPerEpoch
          : (data->size() > 0 ? std::max<long>(1, data->size() / cfg.train.batchSize) : 100);
  method->setEpoch(epoch);
  losses.reset(method->info().lossNames);
  if (!checkpoint.empty())  // the run's curves so far, from the folder the checkpoint is in
    losses.restore((std::filesystem::path(checkpoint).parent_path() / "losses.csv").string(),
                   iteration);
  static std::atomic<uint64_t> models{0};  // process-wide: unique across sessions too
  modelVersion = ++models;
  traces.clear();
  landscape.reset();
  interpolation.reset();
  inpainting.reset();
  comparison.reset();  // results of the old model are not this one's
  grid.reset();
  testImages.reset();
  divergedAt = -1;
  checkpointPath = checkpoint;
  savedIteration = iteration; // a new model (iteration 0) or the file's: nothing unsaved yet
  autosavedIteration = -1;
  unsavedSince.reset();
  state = RunState::Idle;
  if (!options.runDir.empty() && rankZero()) {
    std::filesystem::create_directories(options.runDir);
    // A process killed while writing a checkpoint leaves its temporary file; the next run in the
    // folder removes it (the checkpoint itself is whole: it is replaced only by a rename).
    std::error_code ignored;
    for (const char* name : {"checkpoint.safetensors.tmp", "autosave.safetensors.tmp"})
      std::filesystem::remove(options.runDir + "/" + name, ignored);
    config.writeFile(options.runDir + "/config.toml");
  }
  lastMessage = checkpoint.empty()
                    ? "new " + cfg.train.method + " model (" + cfg.name + ")"
                    : "loaded " + checkpoint + " at iteration " + std::to_string(iteration);
}

RunConfig Session::Impl::effectiveConfig() const {
  RunConfig effective = config;
  if (method)
    for (const auto& [name, live] : chainSet->live)
      method->storeChainSettings(effective, name, live->peek());
  return effective;
}

std::string Session::Impl::defaultCheckpointPath() const {
  return options.runDir.empty() ? std::string() : options.runDir + "/checkpoint.safetensors";
}

void Session::Impl::save(const std::string& requested) {
  if (!ready("save"))
    return;
  if (state == RunState::Diverged)
    throw CheckpointError("not saving: the model diverged at iteration " +
                          std::to_string(divergedAt) + " and would overwrite a good checkpoint");
  if (requested.empty() && !rankZero()) {  // rank 0 writes the run's files
    savedIteration = iteration;
    unsavedSince.reset();
    lastMessage = "iteration " + std::to_string(iteration) + " saved by rank 0";
    return;
  }
  const std::string path = requested.empty() ? defaultCheckpointPath() : requested;
  if (path.empty())
    throw CheckpointError("no checkpoint path given and the session has no run folder");
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent))
    throw CheckpointError("cannot save " + path + ": folder " + parent.string() +
                          " does not exist");
  saveCheckpoint(path, *method, effectiveConfig(), iteration, epoch);
  checkpointPath = path;
  savedIteration = iteration;
  unsavedSince.reset();
  if (!options.runDir.empty() && rankZero())
    writeLossCsv(options.runDir + "/losses.csv", losses.history(), config.train.logEvery);
  lastMessage = "saved " + path + " at iteration " + std::to_string(iteration);
}

void Session::Impl::saveRunCheckpoint() {
  if (options.runDir.empty() || state == RunState::Diverged)
    return;
  try {
    save("");
  } catch (const std::exception& e) {
    report(std::string("saving the run's checkpoint failed: ") + e.what());
  }
}

std::optional<SessionClock::time_point> Session::Impl::autosaveDeadline() const {
  const double every = autosaveSeconds.load();
  if (every <= 0 || options.runDir.empty() || !method || !unsavedSince ||
      state == RunState::Diverged || state == RunState::Failed || state == RunState::Loading)
    return std::nullopt;
  return *unsavedSince + std::chrono::duration_cast<SessionClock::duration>(
                             std::chrono::duration<double>(every));
}

// Its own file, so it never replaces a checkpoint the user named (or the run's checkpoint);
// written like every checkpoint through a temporary file and a rename, so a crash during the
// write leaves the previous autosave whole.
void Session::Impl::autosave() {
  if (!rankZero()) {
    unsavedSince.reset();
    return;
  }
  const std::string path = options.runDir + "/autosave.safetensors";
  try {
    std::filesystem::create_directories(options.runDir);
    saveCheckpoint(path, *method, effectiveConfig(), iteration, epoch);
    autosavedIteration = iteration;
    unsavedSince.reset();
    lastMessage = "autosaved at iteration " + std::to_string(iteration) + " (" + path + ")";
  } catch (const std::exception& e) {
    unsavedSince = SessionClock::now(); // try again after another interval
    report(std::string("autosave failed: ") + e.what());
  }
}

// Joins the data-parallel job once (the first model), then copies rank 0's model and optimiser
// state over this rank's: every rank starts from the same weights, whatever each built or read.
void Session::Impl::joinJob(TrainingMethod& newMethod, const RunConfig& cfg) {
  if (!parallel)
    parallel = std::make_unique<DataParallel>(*options.distributed);
  if (cfg.train.batchSize % parallel->worldSize() != 0)
    throw ConfigError("train.batch_size = " + std::to_string(cfg.train.batchSize) +
                      " is not a multiple of the " + std::to_string(parallel->worldSize()) +
                      " ranks: each rank takes an equal share of every batch");
  std::vector<torch::Tensor> state;
  for (const auto& [name, t] : newMethod.stateTensors())
    state.push_back(t);
  parallel->broadcastFromRankZero(state);
}

void Session::Impl::load(const std::string& path) {
  if (path.empty())
    throw CheckpointError("no checkpoint path given");
  const RunState before = state;
  try {
    build(config, path);
  } catch (...) {
    state = method ? (before == RunState::Training ? RunState::Paused : before) : RunState::Failed;
    throw;
  }
}

} // namespace ebm
