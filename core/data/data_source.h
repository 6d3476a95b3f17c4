// Training data behind one interface: 2-D toy samplers (fresh points every batch), a user's 2-D
// point file, image sets held in memory (IDX, CIFAR-10) and image folders decoded on demand
// (shuffled epochs, drop_last). Worker thread only; no Qt/GL.
#pragma once

#include "config.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace ebm {

/// A training batch with its class labels ((B) int64; undefined when the data has none).
struct LabelledBatch {
  torch::Tensor x;
  torch::Tensor labels;
};

class DataSource {
public:
  virtual ~DataSource() = default;
  /// The next training batch with its labels (conditional models); the same stream as next().
  virtual LabelledBatch nextLabelled(int batchSize, torch::Generator& gen) {
    return {next(batchSize, gen), {}};
  }
  /// The next training batch (B, ...) on the CPU (mirrored per image when data.flip).
  virtual torch::Tensor next(int batchSize, torch::Generator& gen) = 0;
  /// `n` held-out examples (the test split for image sets and point files, at most n of it; never
  /// flipped; fresh draws for toys).
  virtual torch::Tensor heldOut(int n, torch::Generator& gen) = 0;
  /// Number of training examples (0 = unbounded sampler).
  virtual int64_t size() const = 0;
  virtual std::string describe() const = 0;
};

/// The number of classes the data's labels take (0: the data has no labels a conditional model
/// can use): Fashion-MNIST and CIFAR-10 10, labelled toys (data/toy2d.h) theirs, a point file
/// with a label column 1 + its largest label (read from the file: DataError if it cannot be).
int dataLabelCount(const DataConfig& data);
/// The classes' names, in label order (empty when the data has none); a point file's "class k".
std::vector<std::string> dataLabelNames(const DataConfig& data);

/// Rank `rank`'s share of `source` in a data-parallel job of `world` ranks: every rank draws the
/// same global batch of batchSize from the same generator state (the same epoch permutation, as
/// PyTorch's DistributedSampler) and keeps rows [rank * B/world, (rank + 1) * B/world). The
/// batch size must be a multiple of `world` (ConfigError otherwise). world = 1 is `source`.
std::unique_ptr<DataSource> shardedSource(std::unique_ptr<DataSource> source, int rank, int world);

/// Builds the data source of a config; throws DataError / ConfigError with a clear message.
std::unique_ptr<DataSource> makeDataSource(const DataConfig& data, const ModelConfig& model);

} // namespace ebm
