// The energy, generator and inference networks of Cui & Han, NeurIPS 2023 (METHODS §1.2, §1.3,
// §4.5): the EBM (outputs the energy E = -f), the generator (latent (B, nz, 1, 1)) and the
// inference model (mu and log-variance heads). Families: MLPs for 2-D data, conv nets for 28/32-px
// images (CIFAR-10 topology) and 64-px images (CelebA-64 topology). Worker thread only; no Qt/GL.
#pragma once

#include "config.h"

#include <torch/torch.h>

#include <functional>
#include <memory>

namespace ebm {

/// E(x): (B, ...) -> (B) energies. Lower energy = more probable.
class EnergyNet : public torch::nn::Module {
public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  /// E(x) (B) and dE/dx summed over the batch, as one Langevin step needs them. The default
  /// uses autograd; families may override it with a hand-written backward (same values, far
  /// fewer dispatched operations). The result carries no autograd graph. With
  /// withEnergy = false an implementation may skip the energy and return an undefined tensor.
  virtual torch::Tensor energyAndGrad(const torch::Tensor& x, torch::Tensor& grad,
                                      bool withEnergy = true);
};

/// G(z): (B, nz, 1, 1) -> (B, ...) data-space samples.
class Generator : public torch::nn::Module {
public:
  virtual torch::Tensor forward(const torch::Tensor& z) = 0;
  /// out = G(z) and the vector-Jacobian product dz = (dG/dz)^T outGrad(out), as a z-Langevin
  /// step needs them; `outGrad` receives out (no graph) and returns dL/d out. The default uses
  /// autograd; families may override it with a hand-written backward. No graph is returned.
  virtual torch::Tensor forwardAndVjp(
      const torch::Tensor& z, const std::function<torch::Tensor(const torch::Tensor&)>& outGrad,
      torch::Tensor& dz);
};

struct Posterior {
  torch::Tensor mu;      // (B, nz, 1, 1)
  torch::Tensor logvar;  // (B, nz, 1, 1): log-variance (the reference calls it log_sigma)
};

/// q(z|x) = N(mu(x), diag exp(logvar(x))).
class InferenceNet : public torch::nn::Module {
public:
  virtual Posterior forward(const torch::Tensor& x) = 0;
};

/// Shape of one data sample for a model config, e.g. {2} or {1, 32, 32}.
std::vector<int64_t> dataShape(const ModelConfig& config);

std::shared_ptr<EnergyNet> makeEnergyNet(const ModelConfig& config);
std::shared_ptr<Generator> makeGeneratorNet(const ModelConfig& config);
std::shared_ptr<InferenceNet> makeInferenceNet(const ModelConfig& config);

/// The reference's weights_init (METHODS §1.3): Xavier-normal conv weights, BatchNorm
/// gains ~ N(0, 1) and zero biases; linear layers keep the default init. Apply before any
/// spectral-norm state is relied on (the u/v buffers are independent of the weight init).
void applyReferenceInit(torch::nn::Module& module);

int64_t parameterCount(const torch::nn::Module& module);

} // namespace ebm
