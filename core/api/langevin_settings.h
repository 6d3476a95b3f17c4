// The two Langevin samplers' settings as typed values: x-Langevin on an energy and z-Langevin on a
// generator's posterior (METHODS §1.5). They are sampler vocabulary, not run config: a method that
// runs these chains keeps them in its own TOML table as chain settings (SettingValues with the
// keys below) and converts with toXConfig / toZConfig. Plain C++; any thread.
#pragma once

#include "method_info.h"

#include <string>

namespace ebm {

/// x-Langevin on the EBM (METHODS §1.5): x <- x - s^2/2 dE/dx + n xi.
struct LangevinXConfig {
  int steps = 30;               // steps: k_x, number of steps (0..100000)
  double stepSize = 0.5;        // step_size: s_x (> 0, <= 100)
  double noise = 1e-3;          // noise: n_x, noise std (>= 0, <= 100)
  int snapshotEvery = 5;        // snapshot_every: keep the chain state every k steps (1..100000)
  std::string init = "generator";  // init: generator | gaussian | uniform | batch
};

/// z-Langevin on the generator posterior (METHODS §1.5).
struct LangevinZConfig {
  int steps = 10;               // steps: k_z (0..100000)
  double stepSize = 0.1;        // step_size: s_z (> 0, <= 100)
  double noise = 0.1;           // noise: n_z, noise std (>= 0, <= 100)
  double sigma = 0.3;           // sigma: generator observation std (> 0)
  double priorSigma = 1.0;      // prior_sigma: prior std of z (> 0)
  bool halfSse = false;         // half_sse: textbook 1/2 SSE/sigma^2 instead of the reference's
                                // SSE/sigma^2
  int snapshotEvery = 1;        // snapshot_every: keep the chain state every k steps (1..100000)
  std::string init = "inference";  // init: chain start, in training and z-revisions: inference
                                   // (mu + sigma eps) | inference-mean | gaussian (prior N(0, I),
                                   // the paper's "L = k" ablation rows) | uniform (U(-1, 1))
};

/// The typed settings as chain settings and back (keys absent from `s` keep `base`'s values).
SettingValues toSettings(const LangevinXConfig& c);
SettingValues toSettings(const LangevinZConfig& c);
LangevinXConfig toXConfig(const SettingValues& s, LangevinXConfig base = {});
LangevinZConfig toZConfig(const SettingValues& s, LangevinZConfig base = {});

/// Sampling temperature of the x-chain, T = (n_x / s_x)^2 (METHODS §1.5).
inline double xTemperature(const LangevinXConfig& c) {
  return (c.noise / c.stepSize) * (c.noise / c.stepSize);
}

} // namespace ebm
