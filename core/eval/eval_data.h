// The data the evaluations read: a named split of a run's data and images of another data set
// matched to a model's shape. Calling thread only (CLI, tests); no Qt/GL.
#pragma once

#include "config.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

/// The first `n` examples of a split of the config's data: "test" (the held-out split) or
/// "train" (first n training images; fresh draws for toy data). Throws ebm::Error for another
/// split name, DataError for missing data.
torch::Tensor evaluationData(const RunConfig& config, const std::string& split, int n,
                             torch::Generator& gen);

/// Images of another data set (see OodOptions::oodPath) in [-1, 1], matched to `shape`
/// (C, H, W); at most `limit` of them (0 = all). `note` receives how they were matched.
/// Throws DataError naming the path when the set cannot be read or matched.
torch::Tensor loadForeignImages(const std::string& path, const std::vector<int64_t>& shape,
                                int limit, std::string* note = nullptr);

} // namespace ebm
