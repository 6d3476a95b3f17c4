// The recovery-likelihood Langevin kernel of DRL and CDRL (METHODS §2.4, §3.3, §4.1 B2) on the
// shared chain driver. At level l (indexing: sampling/noise_schedule.h) it samples
//   log p(y | x~) = f(y, l) / s_l^2 - isRecovery_l |y - x~|^2 / (2 sigma_l^2)
// with Langevin step m s_l (m the live step multiplier, CDRL's sz_mul) and noise scale nu:
//   y <- y + 1/2 m^2 d/dy f(y, l) - m^2 kappa_l (y - x~) + nu m s_l xi,  kappa_l = s_l^2/(2 sigma_l^2)
// (no pull toward x~ at the top level). In the driver's terms the kernel's potential is the raw
// V(y) = -f(y, l) + isRecovery_l kappa_l |y - x~|^2 with drift coefficient m^2 / 2, so the
// recorded gradient norms are of V, not of V / s^2. The MALA acceptance the trace records is for
// the target exp(-V / (nu s_l)^2), at nu = 1 the recovery likelihood itself. Live settings (SettingValues): steps,
// step_multiplier, noise_scale, snapshot_every. Worker thread only; no Qt/GL.
#pragma once

#include "method_info.h"
#include "sampling/chain_driver.h"
#include "sampling/noise_schedule.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace ebm {

/// f(y, levels): y (B, ...) and levels (B) int64 -> (B). Any network, guided or composed
/// energy fits (METHODS §3.8, §4.4); it maps a level to its time input itself.
using LevelEnergy =
    std::function<torch::Tensor(const torch::Tensor& y, const torch::Tensor& levels)>;

/// The fixed-settings form of a recovery chain's live settings.
struct RecoveryLangevinConfig {
  int steps = 30;               // K per level (DRL 30, CDRL 15)
  double stepMultiplier = 1.0;  // m: the step is m s_l in drift and noise (fewer steps: sqrt(K/K'))
  double noiseScale = 1.0;      // nu: DRL's noise_scale (1 in training, 0.99 at test time)
  int snapshotEvery = 1;
};

/// How a recovery chain may split its batch over threads (sampling/chain_driver.h):
/// `rows(begin, n)` is the energy of chains [begin, begin + n) alone (it narrows whatever
/// per-chain context it holds) and may be called from several threads at once; `beforeSplit`
/// runs once per split evaluation first, on the chain's thread (the spectral norm's power
/// iteration that one call on the whole batch would have advanced). Without `rows` the batch
/// stays whole.
struct LevelEnergyParts {
  std::function<LevelEnergy(int64_t begin, int64_t count)> rows;
  std::function<void()> beforeSplit;
};

/// What one run conditions on.
struct RecoveryChain {
  torch::Tensor conditioning;  // x~ = x_{l+1} (B, ...); undefined: the start state (top level)
  torch::Tensor levels;        // (B) int64 level per chain
  torch::Tensor observedMask;  // optional, 1 = observed, broadcastable to y: those entries stay
  torch::Tensor observed;      // optional with the mask: written into the start's observed entries
  std::string name = "y";      // the trace's chain name (the method's ChainSpec name)
  bool marginal = false;       // no pull toward x~ at any level: Langevin on f(y, l) alone
  LevelEnergyParts parts;      // optional: the energy by parts of the batch
};

/// All chains at one level.
RecoveryChain recoveryAtLevel(const torch::Tensor& conditioning, int level);

/// K steps of the recovery kernel from y0 (detached) for as many steps as the live settings
/// say; returns the final, detached y (the caller divides by scale[l] to get x_l). With a
/// trace: the energy row is f, the extra row "recovery_distance" is |y - x~| per chain, the
/// level row is recorded when all chains share one level, the step size is m s_l and the noise
/// nu m s_l (for mixed levels: m and nu m, the per-chain s_l applied on top).
torch::Tensor recoveryLangevin(const LevelEnergy& energy, const NoiseSchedule& schedule,
                               const torch::Tensor& y0, const RecoveryChain& chain,
                               const LiveValue<SettingValues>& settings,
                               const ChainControl& control);
torch::Tensor recoveryLangevin(const LevelEnergy& energy, const NoiseSchedule& schedule,
                               const torch::Tensor& y0, const RecoveryChain& chain,
                               const RecoveryLangevinConfig& settings, const ChainControl& control);

SettingValues toSettings(const RecoveryLangevinConfig& c);
RecoveryLangevinConfig toRecoveryConfig(const SettingValues& s, RecoveryLangevinConfig base = {});
/// The chain settings schema (steps, step_multiplier, noise_scale, snapshot_every) with these
/// defaults, for a method's ChainSpec.
std::vector<SettingSpec> recoverySettingSpecs(const RecoveryLangevinConfig& defaults = {});

/// Step multiplier that keeps the Langevin time K s^2 when K steps become K' (METHODS §4.4,
/// §3.10): m = sqrt(K / K'). Throws ConfigError unless both are >= 1.
double fewerStepsMultiplier(int steps, int fewerSteps);

} // namespace ebm
