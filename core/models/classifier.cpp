#include "models/classifier.h"

#include "data/cifar10.h"
#include "errors.h"
#include "data/idx.h"
#include "methods/method.h"
#include "base/runtime.h"
#include "io/safetensors.h"

#include <chrono>
#include <filesystem>

namespace ebm {
namespace {

constexpr const char* kClassifierFormat = "ebm-lab-classifier";

void addConvBlock(torch::nn::Sequential& body, int64_t in, int64_t out) {
  body->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
  body->push_back(torch::nn::BatchNorm2d(out));
  body->push_back(torch::nn::ReLU());
  body->push_back(torch::nn::MaxPool2d(2));
}

int parseInt(const SafeTensors& st, const std::string& key, const std::string& path) {
  const auto it = st.metadata.find(key);
  if (it == st.metadata.end())
    throw CheckpointError(path + ": classifier metadata lacks '" + key + "'");
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    throw CheckpointError(path + ": classifier metadata " + key + " = '" + it->second +
                          "' is not an integer");
  }
}

ImageSet loadSplit(const ClassifierTrainOptions& o, const std::string& split, int limit) {
  if (!std::filesystem::exists(o.dataPath))
    throw DataError("data folder " + o.dataPath + " does not exist");
  if (o.dataKind == "cifar10")
    return loadCifar10(o.dataPath, split, limit);
  if (o.dataKind == "fashion-mnist" || o.dataKind == "idx")
    return loadMnistFolder(o.dataPath, split, o.pad32, limit);
  throw ConfigError("classifier data kind '" + o.dataKind +
                    "': expected fashion-mnist, idx or cifar10");
}

} // namespace

FeatureClassifierImpl::FeatureClassifierImpl(const ClassifierOptions& o) : m_options(o) {
  TORCH_CHECK(o.channels >= 1 && o.imageSize >= 8 && o.width >= 1 && o.features >= 1 &&
                  o.classes >= 2,
              "FeatureClassifier: bad options (channels ", o.channels, ", image size ",
              o.imageSize, ", width ", o.width, ", features ", o.features, ", classes ",
              o.classes, ")");
  torch::nn::Sequential body;
  addConvBlock(body, o.channels, o.width);
  addConvBlock(body, o.width, 2 * o.width);
  addConvBlock(body, 2 * o.width, 2 * o.width);
  m_body = register_module("body", body);
  const int64_t side = o.imageSize / 2 / 2 / 2;  // three 2x2 max-pools, floor each time
  m_fc = register_module("fc", torch::nn::Linear(2 * o.width * side * side, o.features));
  m_head = register_module("head", torch::nn::Linear(o.features, o.classes));
}

torch::Tensor FeatureClassifierImpl::features(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == m_options.channels &&
                  x.size(2) == m_options.imageSize && x.size(3) == m_options.imageSize,
              "FeatureClassifier expects (B, ", m_options.channels, ", ", m_options.imageSize,
              ", ", m_options.imageSize, ") images, got ", x.sizes());
  return torch::relu(m_fc(m_body->forward(x).flatten(1)));
}

torch::Tensor FeatureClassifierImpl::forward(const torch::Tensor& x) {
  return m_head(features(x));
}

ClassifierTrainResult trainClassifier(const ClassifierTrainOptions& o) {
  if (o.out.empty())
    throw Error("train-classifier: no output file given");
  if (o.epochs < 1 || o.batch < 2 || !(o.lr > 0))
    throw Error("train-classifier: epochs must be >= 1, batch >= 2 and lr > 0 (got " +
                std::to_string(o.epochs) + ", " + std::to_string(o.batch) + ", " +
                std::to_string(o.lr) + ")");
  configureThreads(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const ImageSet train = loadSplit(o, "train", o.limit);
  const ImageSet test = loadSplit(o, "test", 0);
  if (!train.labels.defined() || train.labels.numel() != train.images.size(0))
    throw DataError(o.dataPath + ": the train split has no labels");

  ClassifierOptions arch;
  arch.channels = static_cast<int>(train.images.size(1));
  arch.imageSize = static_cast<int>(train.images.size(2));
  arch.width = o.width;
  arch.features = o.features;
  arch.classes = std::max<int>(2, static_cast<int>(train.labels.max().item<int64_t>()) + 1);
  torch::manual_seed(o.seed);
  FeatureClassifier net(arch);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(o.lr));
  auto gen = makeGenerator(torch::kCPU, o.seed);

  const int64_t n = train.images.size(0);
  const int batches = static_cast<int>(n / o.batch);
  if (batches < 1)
    throw DataError(o.dataPath + ": " + std::to_string(n) + " training images are fewer than one "
                    "batch of " + std::to_string(o.batch));
  ClassifierTrainResult result;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    for (auto& group : opt.param_groups())
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(o.lr * std::pow(0.5, epoch));
    net->train();
    const auto order = torch::randperm(n, gen, torch::TensorOptions().dtype(torch::kLong));
    double lossSum = 0;
    for (int b = 0; b < batches; ++b) {
      throwIfStopped(o.stop, "classifier training stopped in epoch " + std::to_string(epoch + 1) +
                                 " of " + std::to_string(o.epochs) + " at batch " +
                                 std::to_string(b) + " of " + std::to_string(batches) +
                                 "; no classifier written");
      const auto idx = order.narrow(0, static_cast<int64_t>(b) * o.batch, o.batch);
      const auto x = train.images.index_select(0, idx);
      const auto y = train.labels.index_select(0, idx);
      opt.zero_grad();
      const auto loss = torch::nn::functional::cross_entropy(net->forward(x), y);
      loss.backward();
      opt.step();
      lossSum += loss.item<double>();
      if (o.onProgress && (b % 50 == 0 || b + 1 == batches))
        o.onProgress(epoch, b, batches, lossSum / (b + 1));
    }
    result.trainLoss = lossSum / batches;
  }
  result.testAccuracy = classifierAccuracy(*net, test.images, test.labels);
  result.trainImages = n;
  result.testImages = test.images.size(0);
  saveClassifier(o.out, *net,
                 {{"data_kind", o.dataKind},
                  {"data_path", o.dataPath},
                  {"pad32", o.pad32 ? "true" : "false"},
                  {"test_accuracy", std::to_string(result.testAccuracy)},
                  {"epochs", std::to_string(o.epochs)}});
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

void saveClassifier(const std::string& path, FeatureClassifierImpl& net,
                    std::map<std::string, std::string> metadata) {
  SafeTensors st;
  for (const auto& p : net.named_parameters())
    st.tensors.emplace_back(p.key(), p.value().detach());
  for (const auto& b : net.named_buffers())
    st.tensors.emplace_back(b.key(), b.value().detach());
  const ClassifierOptions& o = net.options();
  metadata["format"] = kClassifierFormat;
  metadata["channels"] = std::to_string(o.channels);
  metadata["image_size"] = std::to_string(o.imageSize);
  metadata["width"] = std::to_string(o.width);
  metadata["features"] = std::to_string(o.features);
  metadata["classes"] = std::to_string(o.classes);
  st.metadata = std::move(metadata);
  writeSafeTensors(path, st);
}

FeatureClassifier loadClassifier(const std::string& path) {
  const SafeTensors st = readSafeTensors(path);
  const auto format = st.metadata.find("format");
  if (format == st.metadata.end() || format->second != kClassifierFormat)
    throw CheckpointError(path + ": not a classifier file (metadata format is '" +
                          (format == st.metadata.end() ? std::string() : format->second) +
                          "', expected '" + kClassifierFormat + "'; write one with train-classifier)");
  ClassifierOptions o;
  o.channels = parseInt(st, "channels", path);
  o.imageSize = parseInt(st, "image_size", path);
  o.width = parseInt(st, "width", path);
  o.features = parseInt(st, "features", path);
  o.classes = parseInt(st, "classes", path);
  if (o.channels < 1 || o.imageSize < 8 || o.width < 1 || o.features < 1 || o.classes < 2)
    throw CheckpointError(path + ": classifier metadata describes an impossible network");
  FeatureClassifier net(o);
  std::vector<std::pair<std::string, torch::Tensor>> dst;
  for (const auto& p : net->named_parameters())
    dst.emplace_back(p.key(), p.value());
  for (const auto& b : net->named_buffers())
    dst.emplace_back(b.key(), b.value());
  try {
    loadNamedTensors(dst, st);
  } catch (const CheckpointError& e) {
    throw CheckpointError(path + ": " + e.what());
  }
  net->eval();
  return net;
}

torch::Tensor classifierFeatures(FeatureClassifierImpl& net, const torch::Tensor& images,
                                 int batch) {
  torch::NoGradGuard noGrad;
  net.eval();
  std::vector<torch::Tensor> parts;
  const auto x = images.to(torch::kCPU, torch::kFloat);
  for (int64_t s = 0; s < x.size(0); s += batch)
    parts.push_back(net.features(x.narrow(0, s, std::min<int64_t>(batch, x.size(0) - s))));
  return torch::cat(parts, 0);
}

double classifierAccuracy(FeatureClassifierImpl& net, const torch::Tensor& images,
                          const torch::Tensor& labels, int batch) {
  torch::NoGradGuard noGrad;
  net.eval();
  int64_t correct = 0;
  const int64_t n = images.size(0);
  for (int64_t s = 0; s < n; s += batch) {
    const int64_t m = std::min<int64_t>(batch, n - s);
    const auto pred = net.forward(images.narrow(0, s, m)).argmax(1);
    correct += pred.eq(labels.narrow(0, s, m)).sum().item<int64_t>();
  }
  return n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
}

} // namespace ebm
