#include "methods/checkpoint.h"

#include "errors.h"
#include "methods/method.h"
#include "io/safetensors.h"
#include "base/runtime.h"

namespace ebm {
namespace {

constexpr const char* kFormat = "ebm-lab-checkpoint/1";

CheckpointInfo infoFrom(const std::string& path, const SafeTensors& st) {
  auto get = [&](const char* key) -> std::string {
    auto it = st.metadata.find(key);
    if (it == st.metadata.end())
      throw CheckpointError(path + ": metadata key '" + key +
                            "' is missing (not an EBM Lab checkpoint?)");
    return it->second;
  };
  if (get("format") != kFormat)
    throw CheckpointError(path + ": unsupported checkpoint format '" + get("format") + "'");
  CheckpointInfo info;
  try {
    info.config = RunConfig::fromToml(get("config"), path + " [config]");
    info.iteration = std::stol(get("iteration"));
    info.epoch = std::stoi(get("epoch"));
  } catch (const ConfigError& e) {
    throw CheckpointError(path + ": the stored run config is invalid: " + e.what());
  } catch (const std::logic_error&) {
    throw CheckpointError(path + ": iteration/epoch metadata is not a number");
  }
  if (info.iteration < 0 || info.epoch < 0)
    throw CheckpointError(path + ": the metadata says iteration " + std::to_string(info.iteration) +
                          ", epoch " + std::to_string(info.epoch) +
                          ": a checkpoint's iteration and epoch cannot be negative");
  info.method = get("method");
  return info;
}

} // namespace

void saveCheckpoint(const std::string& path, const TrainingMethod& method, const RunConfig& config,
                    long iteration, int epoch) {
  SafeTensors st;
  for (auto& [name, t] : method.stateTensors())
    st.tensors.emplace_back(name, t.detach());
  st.metadata["format"] = kFormat;
  st.metadata["method"] = method.name();
  st.metadata["iteration"] = std::to_string(iteration);
  st.metadata["epoch"] = std::to_string(epoch);
  st.metadata["config"] = config.toToml();
  writeSafeTensors(path, st);
}

CheckpointInfo readCheckpointInfo(const std::string& path) {
  return infoFrom(path, readSafeTensors(path));
}

CheckpointInfo loadCheckpointInto(const std::string& path, TrainingMethod& method) {
  const SafeTensors st = readSafeTensors(path);
  CheckpointInfo info = infoFrom(path, st);
  if (info.method != method.name())
    throw CheckpointError(path + ": checkpoint of method '" + info.method +
                          "' cannot be loaded into a '" + method.name() + "' model");
  try {
    method.loadStateTensors(st);
  } catch (const CheckpointError& e) {
    throw CheckpointError(path + ": " + e.what());
  }
  return info;
}

OpenedModel openCheckpoint(const std::string& path, const std::string& device) {
  OpenedModel m;
  m.info = readCheckpointInfo(path);
  m.device = resolveDevice(device);
  m.method = makeMethod(m.info.config, m.device);
  loadCheckpointInto(path, *m.method);
  return m;
}

} // namespace ebm
