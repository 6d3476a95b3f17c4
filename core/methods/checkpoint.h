// Checkpoints: a safetensors file holding every tensor of a training method (models,
// optimiser states) with the run config (TOML), the method name and the iteration in
// its metadata, so a Python user can open it with `safetensors`. Written atomically.
// Worker thread (or a CLI); no Qt/GL.
#pragma once

#include "checkpoint_info.h"
#include "config.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace ebm {

class TrainingMethod;

/// Writes `path` atomically (temporary file + rename).
void saveCheckpoint(const std::string& path, const TrainingMethod& method, const RunConfig& config,
                    long iteration, int epoch);

/// Validates `path` and copies its tensors into `method` (which must have been built from the
/// same architecture); throws CheckpointError naming the file and the first mismatch.
CheckpointInfo loadCheckpointInto(const std::string& path, TrainingMethod& method);

/// A checkpoint's method, built from its config and loaded, ready for an offline caller.
struct OpenedModel {
  std::unique_ptr<TrainingMethod> method;
  CheckpointInfo info;
  torch::Device device = torch::kCPU;
};

/// The one way to open a checkpoint: reads its config, builds its method on `device` (auto | cpu
/// | cuda) and loads every tensor. Throws CheckpointError / ConfigError naming the file.
OpenedModel openCheckpoint(const std::string& path, const std::string& device = "auto");

} // namespace ebm
