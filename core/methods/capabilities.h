// The capability interfaces a method hands out (TrainingMethod::energyModel(), latentModel()).
// Tasks and evaluations ask for these and never for a concrete method; a method without the
// capability returns nullptr and the caller says what the loaded model cannot do
// (requireEnergy / requireLatent). Worker or calling thread; no Qt/GL.
#pragma once

#include "models/models.h"

#include <torch/torch.h>

#include <string>

namespace ebm {

class TrainingMethod;

/// "Has an energy": E(x) on data, and the network a data-space Langevin chain descends.
class EnergyModel {
public:
  virtual ~EnergyModel() = default;
  /// E(x) per example (B) on the CPU, without changing the model (spectral-norm vectors frozen).
  virtual torch::Tensor energy(const torch::Tensor& x) = 0;
  /// The energy of noise level `level` at states y in the coordinates that level's chain moves
  /// in (for DRL-like ladders -f(y, l)), per example (B) on the CPU, without changing the model.
  /// A model without noise levels throws ebm::Error.
  virtual torch::Tensor energyAtLevel(const torch::Tensor& y, int level);
  /// The energy network as a chain uses it (training mode, as the method samples).
  virtual EnergyNet& energyNet() = 0;
  /// `n` start states of data-space chains as the method's sampler draws them (a generator,
  /// or noise), on the method's device: `init` is one of the data chain's inits.
  virtual torch::Tensor sampleStarts(int n, const std::string& init, torch::Generator& gen) = 0;
};

/// "Has a latent model": a decoder g(z), an encoder q(z|x) and the posterior chain on p(z|x).
class LatentModel {
public:
  virtual ~LatentModel() = default;
  virtual int latentDim() const = 0;
  virtual Generator& decoder() = 0;
  virtual InferenceNet& encoder() = 0;
  /// z ~ N(0, I), (n, nz, 1, 1) on the method's device.
  virtual torch::Tensor samplePrior(int n, torch::Generator& gen) = 0;
  /// Start states of posterior chains for data x: "inference" (mu + sigma eps),
  /// "inference-mean" (mu), "gaussian" (the prior) or "uniform" (U(-1, 1)), detached.
  virtual torch::Tensor initialLatent(const torch::Tensor& x, const std::string& init,
                                      torch::Generator& gen) = 0;
};

struct MethodContext;

/// Pixels a sampler must keep: x (n, ...) and a mask broadcastable to it, 1 = observed. Empty:
/// nothing is observed.
struct KnownPixels {
  torch::Tensor x;
  torch::Tensor mask;
  bool empty() const { return !x.defined() || !mask.defined(); }
};

/// "Samples from noise level by level" (DRL, CDRL): progressive sampling from given top-level
/// states, which makes the noise a latent space of its own (interpolation with common chain
/// noise), and which can hold observed pixels (inpainting by replacement, METHODS §4.4).
class LevelSampler {
public:
  virtual ~LevelSampler() = default;
  /// n top-level states, N(0, I), on the method's device.
  virtual torch::Tensor sampleNoise(int n, torch::Generator& gen) = 0;
  /// x_0 from top-level states `start` with the live settings of ctx's chain "sample" (recorded
  /// when ctx asks for its trace). With known pixels, the observed entries of every level's
  /// chain (and of an initializer's proposals) are the observation diffused to that level, and
  /// the result's observed entries are the observation itself. Returns (n, ...) on the method's
  /// device.
  virtual torch::Tensor sampleFrom(const torch::Tensor& start, MethodContext& ctx,
                                   const KnownPixels& known = {}) = 0;
};

/// The method's capability, or ebm::Error saying that `what` needs it and this model lacks it.
EnergyModel& requireEnergy(TrainingMethod& method, const std::string& what);
LatentModel& requireLatent(TrainingMethod& method, const std::string& what);
LevelSampler& requireLevelSampler(TrainingMethod& method, const std::string& what);

} // namespace ebm
