// What a checkpoint file says about itself without loading its tensors: the run config it was
// trained with, the method, the iteration and epoch. Plain C++ for front ends (e.g. to report a
// checkpoint's sampler settings); any thread.
#pragma once

#include "config.h"

#include <string>

namespace ebm {

struct CheckpointInfo {
  RunConfig config;
  long iteration = 0;
  int epoch = 0;
  std::string method;
};

/// Reads only the metadata (validating the whole file format first); throws CheckpointError
/// naming the file.
CheckpointInfo readCheckpointInfo(const std::string& path);

} // namespace ebm
