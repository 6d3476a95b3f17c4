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
  /// Advances the spectral norm's power iterations as the next energyAndGrad would (training
  /// mode), so that energyAndGrad can then run on parts of a batch concurrently under
  /// HoldPowerIteration (models/spectral_norm.h) and give the rows of one call on the whole.
  virtual void advanceForEnergyAndGrad();
  /// Whether that holds: no batch statistics, and every layer whose power iteration a call
  /// advances is a registered submodule. A wrapper around another network says no.
  virtual bool splitsByChain() const { return true; }
  /// Whether energyAndGrad can be captured in a CUDA graph: it never waits for the host.
  virtual bool graphCapturable() const { return true; }
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

/// What the networks are built from: the data's shape (the run config's [model]) and the sizes a
/// method chooses for its networks.
struct NetConfig {
  std::string family = "mlp";  // "mlp" (2-D data) or "conv" (images)
  int dataDim = 2;             // mlp: dimension of a data point
  int imageSize = 32;          // conv: 28 or 32 (the CIFAR-10 topology at constant width) or 64
                               // (the CelebA-64 topology, whose widths halve per level from
                               // ebmWidth / genWidth at the bottom)
  int channels = 1;            // conv: 1 or 3
  int nz = 2;                  // latent dimension; latents are (B, nz, 1, 1)
  int ebmWidth = 128;          // EBM hidden width / conv channels ndf
  int genWidth = 128;          // generator hidden width / conv channels ngf
  int infWidth = 128;          // inference model hidden width / conv channels nif
  bool genTanh = false;        // tanh on the generator output
  bool spectralNorm = true;    // spectral norm on every conv/linear layer of the EBM
};

/// Shape of one data sample, e.g. {2} or {1, 32, 32}.
std::vector<int64_t> dataShape(const ModelConfig& config);
std::vector<int64_t> dataShape(const NetConfig& config);

std::shared_ptr<EnergyNet> makeEnergyNet(const NetConfig& config);
std::shared_ptr<Generator> makeGeneratorNet(const NetConfig& config);
std::shared_ptr<InferenceNet> makeInferenceNet(const NetConfig& config);

/// The reference's weights_init (METHODS §1.3): Xavier-normal conv weights, BatchNorm
/// gains ~ N(0, 1) and zero biases; linear layers keep the default init. Apply before any
/// spectral-norm state is relied on (the u/v buffers are independent of the weight init).
void applyReferenceInit(torch::nn::Module& module);

int64_t parameterCount(const torch::nn::Module& module);

} // namespace ebm
