#include "data/data_source.h"

#include "data/cifar10.h"
#include "errors.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "models/models.h"
#include "data/toy2d.h"

#include <algorithm>
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
  return data.kind == "fashion-mnist" || data.kind == "cifar10" ? 10 : 0;
}

std::vector<std::string> dataLabelNames(const DataConfig& data) {
  if (data.kind == "toy2d")
    return toyLabelNames(data.toy);
  if (data.kind == "fashion-mnist")
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  if (data.kind == "cifar10")
    return {"airplane", "automobile", "bird", "cat", "deer",
            "dog",      "frog",       "horse", "ship", "truck"};
  return {};
}

std::unique_ptr<DataSource> makeDataSource(const DataConfig& data, const ModelConfig& model) {
  if (data.kind == "toy2d")
    return std::make_unique<ToySource>(data.toy);
  if (data.kind == "folder")
    return std::make_unique<FolderSource>(data, model);
  if (data.kind == "fashion-mnist" || data.kind == "idx" || data.kind == "cifar10") {
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
