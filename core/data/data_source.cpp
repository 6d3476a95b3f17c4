#include "data/data_source.h"

#include "data/cifar10.h"
#include "errors.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "point_file.h"
#include "models/models.h"
#include "data/toy2d.h"
#include "base/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace ebm {
namespace {

/// Indices of the next training batch: shuffled epochs without replacement, drop_last.
torch::Tensor nextBatchIndices(int64_t n, int batchSize, torch::Generator& gen,
                               torch::Tensor& order, int64_t& cursor, const std::string& path) {
  if (batchSize > n)
    throw DataError(path + ": batch size " + std::to_string(batchSize) + " exceeds the " +
                    std::to_string(n) + " training images");
  if (!order.defined() || cursor + batchSize > n) {  // new epoch (drop_last)
    order = torch::randperm(n, gen, torch::TensorOptions().dtype(torch::kLong));
    cursor = 0;
  }
  auto idx = order.narrow(0, cursor, batchSize);
  cursor += batchSize;
  return idx;
}

/// data.flip: each image of a training batch mirrored left-right with probability 1/2, drawn
/// from the training generator (so a seeded run flips the same images).
torch::Tensor maybeFlip(const torch::Tensor& batch, bool flip, torch::Generator& gen) {
  if (!flip || batch.size(0) == 0)
    return batch;
  const auto flipped = torch::rand({batch.size(0)}, gen) < 0.5;
  return torch::where(flipped.view({-1, 1, 1, 1}), batch.flip({3}), batch);
}

class ToySource : public DataSource {
public:
  explicit ToySource(std::string name) : m_name(std::move(name)) {}
  torch::Tensor next(int batchSize, torch::Generator& gen) override {
    return sampleToy2d(m_name, batchSize, gen);
  }
  LabelledBatch nextLabelled(int batchSize, torch::Generator& gen) override {
    if (toyLabelCount(m_name) == 0)
      return {next(batchSize, gen), {}};
    auto [x, labels] = sampleToy2dLabelled(m_name, batchSize, gen);
    return {x, labels};
  }
  torch::Tensor heldOut(int n, torch::Generator& gen) override {
    return sampleToy2d(m_name, n, gen);
  }
  int64_t size() const override { return 0; }
  std::string describe() const override { return "toy2d/" + m_name; }

private:
  std::string m_name;
};

/// A user's point file (data.kind = "points"): the points as given, a fixed random share held
/// out (data.test_fraction), shuffled epochs over the rest like image sets.
class PointSource : public DataSource {
public:
  explicit PointSource(const DataConfig& data) : m_path(data.path) {
    PointFile file = readPointFile(data.path);
    m_classes = file.classes;
    m_largest = file.largestCoordinate;
    const int64_t n = static_cast<int64_t>(file.size());
    // Files are often ordered (by class, or rows alternating between classes), so every k-th
    // line could hold out one class alone: the split is a random share instead, drawn from a
    // fixed seed so that training and every evaluation of a file see the same split.
    auto splitGen = makeGenerator(torch::kCPU, kPointSplitSeed);
    const auto order = torch::randperm(n, splitGen, torch::TensorOptions().dtype(torch::kLong));
    const int64_t held = static_cast<int64_t>(std::floor(n * data.testFraction + 1e-9));
    const auto test = std::get<0>(order.narrow(0, 0, held).sort());
    auto train = std::get<0>(order.narrow(0, held, n - held).sort());
    if (data.limit > 0 && train.size(0) > data.limit)
      train = train.narrow(0, 0, data.limit);
    const auto all = torch::from_blob(file.xy.data(), {n, 2}, torch::kFloat);
    // index_select copies: the file's buffers are gone after construction.
    m_train = all.index_select(0, train);
    m_test = all.index_select(0, test);
    if (file.labelled())
      m_trainLabels =
          torch::from_blob(file.labels.data(), {n}, torch::kLong).index_select(0, train);
  }
  torch::Tensor next(int batchSize, torch::Generator& gen) override {
    return nextLabelled(batchSize, gen).x;
  }
  LabelledBatch nextLabelled(int batchSize, torch::Generator& gen) override {
    if (batchSize > size())
      throw DataError(m_path + ": train.batch_size = " + std::to_string(batchSize) +
                      " is more than its " + std::to_string(size()) + " training points (" +
                      counts() + "); use a smaller batch or more points");
    const auto idx = nextBatchIndices(size(), batchSize, gen, m_order, m_cursor, m_path);
    return {m_train.index_select(0, idx),
            m_trainLabels.defined() ? m_trainLabels.index_select(0, idx) : torch::Tensor()};
  }
  torch::Tensor heldOut(int n, torch::Generator&) override {
    if (n > 0 && m_test.size(0) == 0)
      throw DataError(m_path + " has no held-out points: " + std::to_string(size()) +
                      " points are too few for data.test_fraction to pick one");
    return m_test.narrow(0, 0, std::min<int64_t>(n, m_test.size(0)));
  }
  int64_t size() const override { return m_train.size(0); }
  std::string describe() const override {
    std::string text = "points:" + m_path + " (" + counts() +
                       (m_classes > 0 ? ", " + std::to_string(m_classes) + " classes" : "") + ")";
    if (m_largest > kPointWarnBeyond) {
      char largest[32];
      std::snprintf(largest, sizeof largest, "%.3g", m_largest);
      text += "; warning: coordinates reach " + std::string(largest) +
              ", beyond the [-1.5, 1.5] square the 2-D models and views are made for (they are "
              "used as given: scale the file to about [-1, 1])";
    }
    return text;
  }

private:
  static constexpr double kPointWarnBeyond = 1.5;
  static constexpr uint64_t kPointSplitSeed = 20231130;
  std::string counts() const {
    return std::to_string(size()) + " train / " + std::to_string(m_test.size(0)) +
           " held-out points";
  }

  std::string m_path;
  int m_classes = 0;
  double m_largest = 0;
  torch::Tensor m_train, m_trainLabels, m_test, m_order;
  int64_t m_cursor = 0;
};

class ImageSource : public DataSource {
public:
  ImageSource(const DataConfig& data, const ModelConfig& model) : m_data(data) {
    auto train = load("train", data.limit);
    m_train = train.images;
    m_labels = train.labels;
    const auto shape = dataShape(model);
    if (m_train.size(1) != shape[0] || m_train.size(2) != shape[1] || m_train.size(3) != shape[2])
      throw DataError(data.path + ": images are " + std::to_string(m_train.size(1)) + "x" +
                      std::to_string(m_train.size(2)) + "x" + std::to_string(m_train.size(3)) +
                      " but the model expects " + std::to_string(shape[0]) + "x" +
                      std::to_string(shape[1]) + "x" + std::to_string(shape[2]) +
                      " (check data.pad32 and model.image_size)");
  }
  torch::Tensor next(int batchSize, torch::Generator& gen) override {
    return nextLabelled(batchSize, gen).x;
  }
  LabelledBatch nextLabelled(int batchSize, torch::Generator& gen) override {
    const auto idx =
        nextBatchIndices(m_train.size(0), batchSize, gen, m_order, m_cursor, m_data.path);
    const auto x = maybeFlip(m_train.index_select(0, idx), m_data.flip, gen);
    return {x, m_labels.numel() == m_train.size(0) ? m_labels.index_select(0, idx)
                                                   : torch::Tensor()};
  }
  torch::Tensor heldOut(int n, torch::Generator&) override {
    if (!m_test.defined())
      m_test = load("test", 0).images;
    return m_test.narrow(0, 0, std::min<int64_t>(n, m_test.size(0)));
  }
  int64_t size() const override { return m_train.size(0); }
  std::string describe() const override {
    return m_data.kind + ":" + m_data.path + " (" + std::to_string(size()) + " images)";
  }

private:
  // Every evaluation reads the test split and training reads the train split, explicitly.
  struct Split {
    torch::Tensor images, labels;
  };
  Split load(const std::string& split, int limit) const {
    if (m_data.kind == "cifar10") {
      auto d = loadCifar10(m_data.path, split, limit);
      return {d.images, d.labels};
    }
    auto d = loadMnistFolder(m_data.path, split, m_data.pad32, limit);
    return {d.images, d.labels};
  }

  DataConfig m_data;
  torch::Tensor m_train, m_labels, m_test, m_order;
  int64_t m_cursor = 0;
};

/// A folder of images, decoded on demand; the test split is what `heldOut` serves.
class FolderSource : public DataSource {
public:
  FolderSource(const DataConfig& data, const ModelConfig& model)
      : m_folder(data.path, options(data, model)), m_flip(data.flip) {}
  torch::Tensor next(int batchSize, torch::Generator& gen) override {
    return maybeFlip(m_folder.load(FolderSplit::Train,
                                   nextBatchIndices(size(), batchSize, gen, m_order, m_cursor,
                                                    m_folder.root())),
                     m_flip, gen);
  }
  torch::Tensor heldOut(int n, torch::Generator&) override {
    const int64_t count = std::min<int64_t>(n, m_folder.size(FolderSplit::Test));
    if (count == 0 && n > 0)
      throw DataError("data folder " + m_folder.root() + " has no held-out images: " +
                      std::to_string(m_folder.size(FolderSplit::Train)) +
                      " images are too few for data.test_fraction to pick one");
    return m_folder.load(FolderSplit::Test,
                         torch::arange(count, torch::TensorOptions().dtype(torch::kLong)));
  }
  int64_t size() const override { return m_folder.size(FolderSplit::Train); }
  std::string describe() const override {
    return "folder:" + m_folder.root() + " (" + std::to_string(size()) + " train / " +
           std::to_string(m_folder.size(FolderSplit::Test)) + " test images)";
  }

private:
  static ImageFolderOptions options(const DataConfig& data, const ModelConfig& model) {
    ImageFolderOptions o;
    o.side = model.imageSize;
    o.channels = model.channels;
    o.testFraction = data.testFraction;
    o.limit = data.limit;
    if (data.crop == "box" && data.cropBox.size() == 4)
      o.cropBox = CropBox{data.cropBox[0], data.cropBox[1], data.cropBox[2], data.cropBox[3]};
    return o;
  }

  ImageFolder m_folder;
  bool m_flip = false;
  torch::Tensor m_order;
  int64_t m_cursor = 0;
};

} // namespace

int dataLabelCount(const DataConfig& data) {
  if (data.kind == "toy2d")
    return toyLabelCount(data.toy);
  if (data.kind == "points")
    return readPointFile(data.path).classes;
  return data.kind == "fashion-mnist" || data.kind == "cifar10" ? 10 : 0;
}

std::vector<std::string> dataLabelNames(const DataConfig& data) {
  if (data.kind == "toy2d")
    return toyLabelNames(data.toy);
  if (data.kind == "points") {
    std::vector<std::string> names;
    const int classes = dataLabelCount(data);
    for (int k = 0; k < classes; ++k)
      names.push_back("class " + std::to_string(k));
    return names;
  }
  if (data.kind == "fashion-mnist")
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  if (data.kind == "cifar10")
    return {"airplane", "automobile", "bird", "cat", "deer",
            "dog",      "frog",       "horse", "ship", "truck"};
  return {};
}

namespace {

class ShardedSource : public DataSource {
public:
  ShardedSource(std::unique_ptr<DataSource> inner, int rank, int world)
      : m_inner(std::move(inner)), m_rank(rank), m_world(world) {}
  torch::Tensor next(int batchSize, torch::Generator& gen) override {
    return nextLabelled(batchSize, gen).x;
  }
  LabelledBatch nextLabelled(int batchSize, torch::Generator& gen) override {
    if (batchSize % m_world != 0)
      throw ConfigError("train.batch_size = " + std::to_string(batchSize) +
                        " is not a multiple of the " + std::to_string(m_world) +
                        " ranks: each rank takes an equal share of every batch");
    LabelledBatch whole = m_inner->nextLabelled(batchSize, gen);
    const int share = batchSize / m_world;
    LabelledBatch mine{whole.x.narrow(0, int64_t(m_rank) * share, share).contiguous(), {}};
    if (whole.labels.defined())
      mine.labels = whole.labels.narrow(0, int64_t(m_rank) * share, share).contiguous();
    return mine;
  }
  torch::Tensor heldOut(int n, torch::Generator& gen) override {
    return m_inner->heldOut(n, gen);
  }
  int64_t size() const override { return m_inner->size(); }
  std::string describe() const override {
    return m_inner->describe() + ", rank " + std::to_string(m_rank) + " of " +
           std::to_string(m_world);
  }

private:
  std::unique_ptr<DataSource> m_inner;
  int m_rank, m_world;
};

} // namespace

std::unique_ptr<DataSource> shardedSource(std::unique_ptr<DataSource> source, int rank,
                                          int world) {
  if (world <= 1)
    return source;
  return std::make_unique<ShardedSource>(std::move(source), rank, world);
}

std::unique_ptr<DataSource> makeDataSource(const DataConfig& data, const ModelConfig& model) {
  if (data.kind == "toy2d")
    return std::make_unique<ToySource>(data.toy);
  if (data.kind == "points")
    return std::make_unique<PointSource>(data);
  if (data.kind == "folder")
    return std::make_unique<FolderSource>(data, model);
  if (data.kind == "fashion-mnist" || data.kind == "idx" || data.kind == "cifar10") {
    if (std::filesystem::is_regular_file(data.path)) {
      const auto folder = std::filesystem::path(data.path).parent_path();
      throw DataError("data.path must be the folder that holds the " +
                      std::string(data.kind == "cifar10" ? "CIFAR-10 .bin" : "IDX") +
                      " files, not " + data.path + " (that file's folder is " +
                      (folder.empty() ? std::string(".") : folder.string()) + ")");
    }
    if (!std::filesystem::exists(data.path))
      throw DataError("data folder " + data.path + " does not exist" +
                      (data.kind == "cifar10"
                           ? std::string(" (the binary CIFAR-10, cifar-10-batches-bin; set "
                                         "data.path)")
                           : std::string(" (Fashion-MNIST on Debian: apt-get install "
                                         "dataset-fashion-mnist)")));
    return std::make_unique<ImageSource>(data, model);
  }
  throw ConfigError("data.kind = " + data.kind + ": unknown data kind");
}

} // namespace ebm
