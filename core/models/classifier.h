// A small convolutional classifier of the image sets' labels, trained in-project. Its
// penultimate-layer features define the classifier Fréchet distance (e.g. "FMNIST-FD"), the
// sample-quality proxy used where no Inception network is available (METHODS §4.4); the
// numbers are not comparable to FID values in papers. Calling thread only (CLI, tests); no Qt/GL.
#pragma once

#include "classifier_training.h"

#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>

namespace ebm {

/// Architecture of the classifier; stored in its file's metadata.
struct ClassifierOptions {
  int channels = 1;    // image channels (1 or 3)
  int imageSize = 32;  // image side in pixels (>= 8)
  int width = 32;      // channels of the first conv block; the later blocks use 2x (1..1024)
  int features = 128;  // penultimate-layer width: the feature dimension of the Fréchet distance
  int classes = 10;    // number of labels (>= 2)
};

/// conv3x3-BN-ReLU-maxpool at widths w, 2w, 2w (each halves the side), flatten,
/// Linear -> `features` -> ReLU (the features), Linear -> classes (the logits).
class FeatureClassifierImpl : public torch::nn::Module {
public:
  explicit FeatureClassifierImpl(const ClassifierOptions& options);
  /// Penultimate-layer features (B, features) of (B, C, H, W) images in [-1, 1].
  torch::Tensor features(const torch::Tensor& x);
  /// Class logits (B, classes).
  torch::Tensor forward(const torch::Tensor& x);
  const ClassifierOptions& options() const { return m_options; }

private:
  ClassifierOptions m_options;
  torch::nn::Sequential m_body{nullptr};
  torch::nn::Linear m_fc{nullptr}, m_head{nullptr};
};
TORCH_MODULE(FeatureClassifier);

/// Writes the weights and `metadata` (plus the architecture) as safetensors.
void saveClassifier(const std::string& path, FeatureClassifierImpl& net,
                    std::map<std::string, std::string> metadata = {});

/// Reads a classifier written by saveClassifier, in eval mode on the CPU; throws
/// CheckpointError naming the file when it is missing, corrupt or not a classifier.
FeatureClassifier loadClassifier(const std::string& path);

/// Features (N, features) of images (N, C, H, W) in [-1, 1], in batches, eval mode, no grad.
torch::Tensor classifierFeatures(FeatureClassifierImpl& net, const torch::Tensor& images,
                                 int batch = 500);

/// Fraction of `images` whose arg-max logit equals `labels`.
double classifierAccuracy(FeatureClassifierImpl& net, const torch::Tensor& images,
                          const torch::Tensor& labels, int batch = 500);

} // namespace ebm
