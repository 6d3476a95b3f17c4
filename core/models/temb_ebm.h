// The time-conditioned energy f(y, level) of DRL and CDRL (METHODS §2.6, §3.7, §3.9): a residual
// network whose blocks each receive a projection of the level's time embedding, with a learned
// per-channel residual scale, spectral norm, and a sum head that takes an inner product with the
// embedding. Images use convolutions (average pooling between resolution levels); 2-D data uses
// the MLP analogue of CDRL's toy example. Labels (classifier-free guidance) add a projection of
// a one-hot label, with index 0 the null label, to the embedding.
//
// The embedding does not depend on y, so a chain computes it once (`context`) and then evaluates
// the energy at every Langevin step with that context (METHODS §4.1 B3). Worker thread only.
#pragma once

#include "models/spectral_norm.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace ebm {

struct TembEbmOptions {
  std::string family = "conv";  // "conv" (images, N x C x H x W) | "mlp" (points, N x D)
  std::string variant = "cdrl"; // "drl": METHODS §2.6 (temb activation where consumed, zero-init
                                // second conv with one-sided SN, Glorot init, head bias);
                                // "cdrl": §3.7 (extra LReLU after each block's projection,
                                // two-sided SN everywhere, PyTorch default init, no head bias)
  int64_t inChannels = 3;       // conv: image channels; mlp: data dimension
  int64_t ch = 128;             // width of level 0; level i has ch * chMult[i]
  int64_t tembDim = 128;        // sinusoid size; the time MLP widens it to 4 * tembDim
  std::vector<int64_t> chMult{1, 2, 2, 2};
  int64_t blocksPerLevel = 2; // residual blocks per resolution level
  bool spectralNorm = true;
  int64_t numClasses = 0; // > 0: conditional on labels 0..numClasses-1 (and null)
};

/// The embedding-dependent part of a forward pass for N rows (N = 1 broadcasts over the batch).
struct TembContext {
  std::vector<torch::Tensor> blockShift; // per residual block: (N, C') added after its first layer
  torch::Tensor head;                    // conv: (N, C_last), the head's inner-product vector
};

class TembEbmImpl : public torch::nn::Module {
public:
  explicit TembEbmImpl(TembEbmOptions options);

  /// `sinusoid`: (N, tembDim) time features of the levels (time_embedding.h). `labels`: (N)
  /// int64 class indices, -1 = the null label; undefined for an unconditional network.
  TembContext context(const torch::Tensor& sinusoid, const torch::Tensor& labels = {});
  /// f(y, level) per row: (B). The context has 1 or B rows.
  torch::Tensor forward(const torch::Tensor& y, const TembContext& context);
  /// context() then forward(), for callers that evaluate a level once.
  torch::Tensor energy(const torch::Tensor& y, const torch::Tensor& sinusoid,
                       const torch::Tensor& labels = {});

  /// Advances the spectral norm's power iteration of the layers forward() uses (not the time
  /// branch's, which context() uses) as `forwards` forwards in training mode would; for a
  /// chain that splits its batch (models/spectral_norm.h). No-op in eval mode.
  void advanceForwardPowerIterations(int forwards);

  const TembEbmOptions& options() const { return m_options; }

private:
  /// A 3x3 convolution (images) or a linear layer (points), spectrally normalised.
  struct Layer {
    SnConv2d conv{nullptr};
    SnLinear linear{nullptr};
    explicit operator bool() const { return conv || linear; }
    torch::Tensor operator()(const torch::Tensor& x) {
      return conv ? conv->forward(x) : linear->forward(x);
    }
  };
  struct Block {
    Layer first, second, shortcut; // shortcut only where the width changes
    SnLinear project{nullptr};     // temb -> per-channel shift
    torch::Tensor scale;           // learned residual scale g, init 1
    bool downsampleAfter = false;  // 2x2 average pooling after this block (images)
  };
  Layer layer(const std::string& name, int64_t in, int64_t out, bool zeroInit);
  void buildTimeBranch();
  void buildBody();
  torch::Tensor block(Block& b, const torch::Tensor& x, const torch::Tensor& shift);
  torch::Tensor temb(const torch::Tensor& sinusoid, const torch::Tensor& labels);

  TembEbmOptions m_options;
  bool m_drl = false, m_conv = true;
  SnLinear m_temb1{nullptr}, m_temb2{nullptr}, m_label{nullptr};
  Layer m_in;
  std::vector<Block> m_blocks;
  torch::nn::Linear m_head{nullptr}; // conv: temb -> C_last; mlp: C_last -> 1
};
TORCH_MODULE(TembEbm);

/// LeakyReLU with slope 0.2, the activation of both EBMs.
torch::Tensor leakyRelu02(const torch::Tensor& x);

} // namespace ebm
