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

/// The method's capability, or ebm::Error saying that `what` needs it and this model lacks it.
EnergyModel& requireEnergy(TrainingMethod& method, const std::string& what);
LatentModel& requireLatent(TrainingMethod& method, const std::string& what);

} // namespace ebm
