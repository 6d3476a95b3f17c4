// CDRL's initializer model (METHODS §3.4, §3.7, §3.9): it maps the noisier state x_i and its
// level to a proposal for the recovery chain's start, directly in y-space, as x_i plus a learned
// correction whose last layer is zero-initialised (so the untrained map is the identity).
// Images use a U-Net (GroupNorm, AdaGN time modulation, attention at chosen resolutions, average
// pooling down, nearest up, skip concatenation); 2-D data uses the residual MLP of the toy
// example. Labels (classifier-free guidance) add a projection of a one-hot label, index 0 the
// null label, to the time embedding. Worker thread only.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace ebm {

struct InitializerOptions {
  std::string family = "unet"; // "unet" (images, N x C x H x W) | "mlp" (points, N x D)
  int64_t inChannels = 3;      // unet: image channels; mlp: data dimension
  int64_t imageSize = 32;      // unet: input side (attention resolutions refer to it)
  int64_t dim = 64;            // unet: width of level 0; mlp: hidden width
  int64_t tembDim = 64;        // sinusoid size (unet: time MLP to 4 * dim; mlp: to tembDim)
  std::vector<int64_t> dimMults{1, 1, 1};
  int64_t blocksPerLevel = 3; // unet: residual blocks per level; mlp: residual blocks
  std::vector<int64_t> attentionResolutions{16, 8};
  int64_t groups = 32;    // GroupNorm groups; must divide every width
  double dropout = 0.1;   // inside every residual block, active in training mode only
  int64_t numClasses = 0; // > 0: conditional on labels 0..numClasses-1 (and null)
};

class InitializerNetImpl : public torch::nn::Module {
public:
  explicit InitializerNetImpl(InitializerOptions options);

  /// The time (and label) embedding for N rows: (N, E). `sinusoid` is (N, tembDim); `labels`
  /// (N) int64 with -1 = null, undefined when unconditional. Compute once per level.
  torch::Tensor embedding(const torch::Tensor& sinusoid, const torch::Tensor& labels = {});
  /// The proposal mean p(x, level) = x + correction, for an embedding of 1 or B rows.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& embedding);

  const InitializerOptions& options() const { return m_options; }

private:
  struct Plan; // the layers in evaluation order (defined with the blocks in the .cpp)
  void buildUnet();
  void buildMlp();
  torch::Tensor forwardUnet(const torch::Tensor& x, const torch::Tensor& embedding);
  torch::Tensor forwardMlp(const torch::Tensor& x, const torch::Tensor& embedding);

  InitializerOptions m_options;
  std::shared_ptr<Plan> m_plan;
  torch::nn::Linear m_time1{nullptr}, m_time2{nullptr}, m_label{nullptr};
};
TORCH_MODULE(InitializerNet);

} // namespace ebm
