// The two Langevin revisions of Dual-MCMC teaching (METHODS §1.5, §4.1 B2):
// x-Langevin on the EBM and z-Langevin on the generator posterior. Settings are
// re-read from a LiveValue at every step (a GUI may change them mid-chain) and a stop
// flag is checked at every step. Worker thread only; no Qt/GL.
#pragma once

#include "config.h"
#include "live_settings.h"
#include "models.h"
#include "trace.h"

#include <torch/torch.h>

#include <atomic>
#include <functional>

namespace ebm {

/// Everything a chain needs besides its model and start state.
struct ChainControl {
  torch::Generator* gen = nullptr;               // noise source (required)
  const std::atomic<bool>* stop = nullptr;       // ends the chain at the next step when true
  Trace* trace = nullptr;                        // filled in when given
  int maxSnapshots = 64;                         // thin snapshots beyond this (bounded memory)
  bool evaluateFinal = true;                     // record energy/MSE of the final state too
  std::function<void(const Trace&)> onStep;      // called after every recorded step
};

/// Eq. 5 / METHODS §1.5: x <- x - (s^2/2) dE/dx + n xi, from x0 (detached), for as many steps
/// as the live settings say. With `mask` (1 = observed), only unobserved entries move:
/// gradient and noise are multiplied by (1 - mask). Returns the final, detached state.
torch::Tensor langevinX(EnergyNet& energy, const torch::Tensor& x0,
                        const LiveValue<LangevinXConfig>& settings, const ChainControl& control,
                        const torch::Tensor& mask = {});

/// METHODS §1.5, Eq. 21: z-Langevin on log p(z | x) with potential
/// U(z) = SSE(G(z), x) / sigma^2 + |z|^2 / (2 sigma_p^2) (the reference, no 1/2 on the SSE;
/// with halfSse the textbook SSE / (2 sigma^2)). With `mask` only observed pixels enter the SSE.
/// The generator is used in whatever mode it is in (the reference keeps it in training mode).
torch::Tensor langevinZ(Generator& generator, const torch::Tensor& x, const torch::Tensor& z0,
                        const LiveValue<LangevinZConfig>& settings, const ChainControl& control,
                        const torch::Tensor& mask = {});

/// The potential U(z) per chain, as used by langevinZ (exposed for tests and evaluations).
torch::Tensor zPotential(Generator& generator, const torch::Tensor& x, const torch::Tensor& z,
                         const LangevinZConfig& cfg, const torch::Tensor& mask = {});

/// Sampling temperature of the x-chain, T = (n_x / s_x)^2 (METHODS §1.5).
inline double xTemperature(const LangevinXConfig& c) {
  return (c.noise / c.stepSize) * (c.noise / c.stepSize);
}

} // namespace ebm
