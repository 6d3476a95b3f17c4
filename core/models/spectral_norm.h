// Linear and 2-D convolution layers with optional spectral normalisation
// (METHODS §4.1 B1): W / sigma(W), sigma from one power iteration per forward in
// training mode, frozen u/v in eval mode. Parameter names follow PyTorch's
// spectral_norm (weight_orig, weight_u, weight_v) so checkpoints read naturally.
// Used from the worker thread only; no Qt/GL.
#pragma once

#include <torch/torch.h>

namespace ebm {

struct SnLinearOptions {
  SnLinearOptions(int64_t in, int64_t out) : in_features_(in), out_features_(out) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, out_features);
  TORCH_ARG(bool, bias) = true;
  TORCH_ARG(bool, spectral_norm) = true;
  TORCH_ARG(bool, one_sided) = false;  // W / max(sigma, 1): only shrinks (DRL, METHODS §2.6)
};

struct SnConv2dOptions {
  SnConv2dOptions(int64_t in, int64_t out, int64_t kernel)
      : in_channels_(in), out_channels_(out), kernel_size_(kernel) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(int64_t, kernel_size);
  TORCH_ARG(int64_t, stride) = 1;
  TORCH_ARG(int64_t, padding) = 0;
  TORCH_ARG(bool, bias) = true;
  TORCH_ARG(bool, spectral_norm) = true;
  TORCH_ARG(bool, one_sided) = false;  // W / max(sigma, 1): only shrinks (DRL, METHODS §2.6)
};

/// While alive, layers in training mode on this thread apply their current u, v without
/// advancing the power iteration (as in eval mode, but with training's autograd treatment).
/// A chain split over threads advances every layer once on its own thread
/// (advancePowerIterations) and evaluates the parts under this guard, so each part sees the
/// weights one call on the whole batch would have seen.
class HoldPowerIteration {
public:
  HoldPowerIteration();
  ~HoldPowerIteration();
  HoldPowerIteration(const HoldPowerIteration&) = delete;
  HoldPowerIteration& operator=(const HoldPowerIteration&) = delete;
  /// True while a guard is alive on the calling thread.
  static bool active();

private:
  bool m_previous;
};

/// How a layer's next call will apply its power iteration: through tensor operations (a
/// forward with autograd) or through stepNoGrad (a hand-written backward).
enum class PowerIterationPath { Forward, NoGrad };

/// One power iteration on every spectrally normalised layer of `net` that is in training mode,
/// exactly as their next call along `path` would run it (not under HoldPowerIteration).
void advancePowerIterations(torch::nn::Module& net, PowerIterationPath path);

/// Shared power-iteration state for one weight matrix viewed as (out, -1).
class SpectralNormState {
public:
  /// Registers weight_u / weight_v buffers on `owner`, initialised as normalised N(0,1) draws.
  void init(torch::nn::Module& owner, const torch::Tensor& weight);
  /// W / sigma; advances the power iteration when `training` (METHODS §4.1 B1). One-sided:
  /// W / max(sigma, 1), which leaves a layer initialised near zero near zero (DRL's second conv
  /// of each residual block, METHODS §2.6).
  torch::Tensor normalise(const torch::Tensor& weight, bool training, bool oneSided = false);
  /// sigma of the current u, v (no power iteration), for diagnostics.
  double sigma(const torch::Tensor& weight) const;
  /// Without autograd: advances the power iteration when `training` and returns sigma, so a
  /// caller can fold 1/sigma into its matrix products instead of materialising W / sigma.
  /// Small float32 CPU weights take a loop over raw memory: a handful of dispatched tensor
  /// operations per layer would cost more than the arithmetic.
  double stepNoGrad(const torch::Tensor& weight, bool training);
  /// The power iteration alone, as normalise (Forward) or stepNoGrad (NoGrad) runs it.
  void advance(const torch::Tensor& weight, PowerIterationPath path);

private:
  // W v after advancing u, v by one power iteration with tensor operations.
  torch::Tensor advanceTensors(const torch::Tensor& mat);
  // stepNoGrad's raw-memory path applies (small float32 CPU weights).
  bool rawEligible(const torch::Tensor& weight) const;
  void advanceRaw(const torch::Tensor& weight);
  float sigmaRaw(const torch::Tensor& weight) const;

  torch::Tensor m_u, m_v;
};

class SnLinearImpl : public torch::nn::Module {
public:
  explicit SnLinearImpl(const SnLinearOptions& options);
  torch::Tensor forward(const torch::Tensor& x);
  /// The weight a forward applies now (advancing the power iteration in training mode).
  torch::Tensor currentWeight();
  /// Without autograd: advances the power iteration like a forward and returns the factor the
  /// raw weight is scaled by (1/sigma, or 1 without spectral norm).
  double currentScaleNoGrad();
  /// The weight actually applied (normalised if spectral norm is on); no power iteration.
  torch::Tensor effectiveWeight();

  SnLinearOptions options;
  torch::Tensor weight;  // weight_orig when normalised
  torch::Tensor bias;
  SpectralNormState sn;
};
TORCH_MODULE(SnLinear);

class SnConv2dImpl : public torch::nn::Module {
public:
  explicit SnConv2dImpl(const SnConv2dOptions& options);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor effectiveWeight();

  SnConv2dOptions options;
  torch::Tensor weight;
  torch::Tensor bias;
  SpectralNormState sn;
};
TORCH_MODULE(SnConv2d);

} // namespace ebm
