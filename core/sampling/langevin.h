// Two Langevin kernels on the chain driver (METHODS §1.5, §4.1 B2): x-Langevin on an EBM and
// z-Langevin on a generator's posterior. Live settings are SettingValues with the keys of
// LangevinXConfig / LangevinZConfig (langevin_settings.h: steps, step_size, noise,
// snapshot_every; z also sigma, prior_sigma, half_sse); the fixed-settings forms take the typed
// settings. Worker thread only.
#pragma once

#include "langevin_settings.h"
#include "models/models.h"
#include "sampling/chain_driver.h"

#include <torch/torch.h>

namespace ebm {

/// Eq. 5 / METHODS §1.5: x <- x - (s^2/2) dE/dx + n xi, from x0 (detached), for as many steps
/// as the live settings say. With `mask` (1 = observed), only unobserved entries move:
/// gradient and noise are multiplied by (1 - mask). Returns the final, detached state.
torch::Tensor langevinX(EnergyNet& energy, const torch::Tensor& x0,
                        const LiveValue<SettingValues>& settings, const ChainControl& control,
                        const torch::Tensor& mask = {});
torch::Tensor langevinX(EnergyNet& energy, const torch::Tensor& x0, const LangevinXConfig& settings,
                        const ChainControl& control, const torch::Tensor& mask = {});

/// METHODS §1.5, Eq. 21: z-Langevin on log p(z | x) with potential
/// U(z) = SSE(G(z), x) / sigma^2 + |z|^2 / (2 sigma_p^2) (the reference, no 1/2 on the SSE;
/// with halfSse the textbook SSE / (2 sigma^2)). With `mask` only observed pixels enter the SSE.
/// The generator is used in whatever mode it is in (the reference keeps it in training mode).
torch::Tensor langevinZ(Generator& generator, const torch::Tensor& x, const torch::Tensor& z0,
                        const LiveValue<SettingValues>& settings, const ChainControl& control,
                        const torch::Tensor& mask = {});
torch::Tensor langevinZ(Generator& generator, const torch::Tensor& x, const torch::Tensor& z0,
                        const LangevinZConfig& settings, const ChainControl& control,
                        const torch::Tensor& mask = {});

} // namespace ebm
