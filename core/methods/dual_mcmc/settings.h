// Dual-MCMC's own settings, typed: its networks, its two chains and its optimisation, as the run
// config's method table holds them ([dual_mcmc.model], [dual_mcmc.x], [dual_mcmc.z],
// [dual_mcmc.train]). The defaults below are the schemas' defaults (registration.cpp builds the
// schemas from them). Plain C++ apart from the config types; any thread.
#pragma once

#include "config.h"
#include "langevin_settings.h"

#include <string>

namespace ebm {

/// The three networks beyond the data's shape (METHODS §1.3, §4.5): [dual_mcmc.model].
struct DualMcmcNets {
  int nz = 2;                // latent dimension (1..4096); latents are (B, nz, 1, 1)
  int ebmWidth = 128;        // EBM hidden width / conv channels ndf (1..4096; at 64 px a multiple
                             // of 16: the CelebA-64 topology halves its widths per level)
  int genWidth = 128;        // generator hidden width / conv channels ngf (1..4096; at 64 px a
                             // multiple of 16)
  int infWidth = 128;        // inference model hidden width / conv channels nif (1..4096)
  bool genTanh = false;      // tanh on the generator output (images: true)
  bool spectralNorm = true;  // spectral norm on every conv/linear layer of the EBM
};

/// Optimisation and losses (METHODS §1.4, §1.6): [dual_mcmc.train].
struct DualMcmcTrain {
  std::string mode = "dual";  // what learns from what (paper Tab. 4-5, §3.3): "dual" = Dual-MCMC
                              // teaching; "cooperative" = G and I learn only from the EBM's
                              // revised samples (no data term, no z-Langevin on data);
                              // "short-run" = the EBM alone, x-chains from x.init noise
                              // (gaussian | uniform), G and I not trained
  double lrE = 1e-4;          // EBM learning rate (> 0)
  double lrG = 3e-4;          // generator learning rate (> 0)
  double lrI = 1e-4;          // inference learning rate (> 0)
  double wdE = 0.0;           // coupled L2 weight decay of E (>= 0)
  double wdG = 5e-4;          // coupled L2 weight decay of G (>= 0)
  double wdI = 5e-4;          // coupled L2 weight decay of I (>= 0)
  double beta1 = 0.0;         // Adam beta1 [0, 1)
  double beta2 = 0.9;         // Adam beta2 [0, 1)
  double lrDecay = 0.998;     // ExponentialLR gamma per epoch (train.iters_per_epoch) (0, 1]
  double gFactor = 1.0;       // weight of the data terms (>= 0)
  double sFactor = 50.0;      // weight of the EBM-sample term of L_G (>= 0)
  double iFactor = 0.1;       // weight of the generated-pair term of L_I (>= 0)
  bool twoChains = true;      // reference: second x-chain from the updated G (fine_tune);
                              // false: reuse x~ as EBM negatives (paper Eq. 7)
  bool useTemperature = true;  // divide L_E by T = (n_x/s_x)^2 (use_temp)
};

struct DualMcmcSettings {
  DualMcmcNets model;
  LangevinXConfig x;
  LangevinZConfig z;
  DualMcmcTrain train;
};

/// The settings `config` holds for Dual-MCMC: the defaults with its method table over them.
DualMcmcSettings dualMcmcSettings(const RunConfig& config);
/// Writes every setting into `config`'s method table (every key of every sub-table).
void storeDualMcmcSettings(RunConfig& config, const DualMcmcSettings& settings);

/// The typed tables as settings and back (keys absent from `s` keep `base`'s values).
SettingValues toSettings(const DualMcmcNets& n);
SettingValues toSettings(const DualMcmcTrain& t);
DualMcmcNets toNets(const SettingValues& s, DualMcmcNets base = {});
DualMcmcTrain toTrain(const SettingValues& s, DualMcmcTrain base = {});

} // namespace ebm
