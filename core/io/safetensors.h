// safetensors reading and writing (the format of Hugging Face's `safetensors`:
// 8-byte little-endian header length, JSON header, raw little-endian data).
// Any thread; no Qt/GL. Errors raise CheckpointError naming the file.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ebm {

struct SafeTensors {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;  // name -> CPU contiguous tensor
  std::map<std::string, std::string> metadata;                 // "__metadata__" (string values)

  /// The tensor named `name`, or an undefined tensor.
  torch::Tensor find(const std::string& name) const;
};

/// Writes atomically: to `<path>.tmp` first, then renames over `path`. Tensors are moved to
/// CPU and made contiguous; dtypes F32, F64, F16, BF16, I64, I32, I8, U8, BOOL are supported.
void writeSafeTensors(const std::string& path, const SafeTensors& st);

/// Reads and validates before reading any data: header length within the file, valid JSON,
/// known dtypes, shapes with non-negative dims, offsets consistent with shape*dtype size,
/// inside the data region, non-overlapping and covering it. Throws CheckpointError.
SafeTensors readSafeTensors(const std::string& path);

} // namespace ebm
