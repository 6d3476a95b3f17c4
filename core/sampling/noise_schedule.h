// Noise schedules of Diffusion Recovery Likelihood (DRL, METHODS §2.2-§2.5) and Cooperative DRL
// (CDRL, §3.2-§3.6, toy variant §3.9) as tables computed in double precision (§4.1 B4), with a
// float-tensor copy on a device for the kernels. Any thread; no Qt/GL.
//
// LEVEL INDEXING — the one convention every caller uses:
//   States k = 0..L, x_0 the least noisy, x_L the noisiest; the forward marginal is
//     x_k = signal[k] * x + noise[k] * eps.
//   Levels l = 0..L-1. The chain at level l recovers the less-noisy state x_l from the noisier
//   x_{l+1}:
//     x_{l+1} = transition[l] * x_l + sigma[l] * eps,   y = scale[l] * x_l,
//     x_{l+1} | y ~ N(y, sigma[l]^2 I),
//   and samples log p(y | x~) = f(y, l) / s_l^2 - isRecovery[l] * |y - x~|^2 / (2 sigma[l]^2)
//   with x~ = x_{l+1}. Level L-1 is the top: a marginal EBM (isRecovery 0, scale 1), sampled
//   from Gaussian noise.
//   DRL  (§2.2): L = T, level l = the paper's t (pairs x_t with x_{t+1}), state k = the paper's
//                k: signal = abar_k, noise = sigmabar_k, transition[l] = a_{t+1},
//                sigma[l] = sigma_{t+1}, scale[l] = a^prev_{t+1}. Time input = l itself.
//   CDRL (§3.2): L = n, level l = the paper's i - 1 (pairs x_{i-1} with x_i), state k = the
//                paper's i: signal = sqrt(alphabar_k), noise = sqrt(1 - alphabar_k),
//                transition[l] = sqrt(alpha_i), sigma[l] = sigma_i, scale[l] = sqrt(alpha^mul_i).
//                Time input of the EBM = u(lambda_{i-1}) = u(lambda_l); of the initializer
//                u(lambda_i) = u(lambda_{l+1}).
//   The raw paper tables (`drl`, `cdrl`) keep the papers' own indices for reference and tests.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <vector>

namespace ebm {

enum class ScheduleFamily { Drl, Cdrl, CdrlToy2d };

/// DRL settings (METHODS §2.2, §2.4).
struct DrlScheduleOptions {
  int levels = 6;          // T = num_diffusion_timesteps, 1..501 (beyond, two boundaries meet)
  double bSquare = 2e-4;   // mcmc_step_size_b_square: s_t^2 = b^2 c_t sigma_{t+1}^2
};

/// CDRL settings (METHODS §3.2, §3.3, §3.9).
struct CdrlScheduleOptions {
  int levels = 6;                // n = n_interval, 1..1000
  double lambdaMin = -5.1;       // log-SNR of the noisiest state x_n
  double lambdaMax = 9.8;        // log-SNR of the least noisy state x_0
  bool toy2d = false;            // §3.9: constant c = 1 / sqrt(1 - sigmoid(lambda_max))
  std::optional<double> bSquare; // unset: 4e-4 (images, §3.3) or 2e-3 (toy, §3.9)
};

/// DRL's tables with the paper's indices k = 0..T (METHODS §2.2).
struct DrlTables {
  std::vector<int> boundaries;       // idx: T + 1 indices into the 1000-step DDPM schedule
  std::vector<double> a, sigma;      // per-block scale a_k and noise sigma_k = sqrt(1 - a_k^2)
  std::vector<double> aBar, sigmaBar;  // cumulative abar_k = prod a_j, sigmabar_k
  std::vector<double> aPrev;         // a with its last entry set to 1
  std::vector<double> isRecovery;    // 1, except 0 at k = T
};

/// CDRL's tables with the paper's indices i = 0..n (METHODS §3.2-§3.4); per-transition entries
/// (alpha .. lossWeight) are NaN at i = 0.
struct CdrlTables {
  std::vector<double> lambda, alphaBar;  // log-SNR lambda_i and alphabar_i = sigmoid(lambda_i)
  std::vector<double> alpha, sigma;      // alpha_i = alphabar_i / alphabar_{i-1}, sqrt(1 - alpha_i)
  std::vector<double> betaTilde;         // posterior variance (1-abar_{i-1})/(1-abar_i)(1-alpha_i)
  std::vector<double> c, stepSize;       // c_i and s_i
  std::vector<double> alphaMul;          // alpha_i, 1 at the top (i = n)
  std::vector<double> proposalStd;       // sqrt(betaTilde_i alphaMul_i)
  std::vector<double> lossWeight;        // sigma_1 / sigma_i
};

/// CDRL's final denoising step at level 0 (METHODS §3.6):
///   x <- (x + gradientCoef * d/dx f(inputScale * x, level 0)) / signalScale,
/// gradientCoef = noiseVariance / divisor, divisor = s_0^2 / 2 (half the Langevin constant, as
/// the reference code has it).
struct TweedieStep {
  double inputScale = 1;     // sqrt(alpha_1)
  double divisor = 1;        // 2e-4 c_1 sigma_1^2 for the image schedule
  double noiseVariance = 0;  // 1 - alphabar_0
  double signalScale = 1;    // sqrt(alphabar_0)
  double gradientCoef = 0;   // noiseVariance / divisor
};

struct NoiseSchedule {
  ScheduleFamily family = ScheduleFamily::Drl;
  int levels = 0;              // L
  double bSquare = 0;          // b^2 in force

  // Per state k = 0..L (size L + 1).
  std::vector<double> signal, noise;
  // Per level l = 0..L-1 (size L); see the indexing note above.
  std::vector<double> transition, sigma, scale;
  std::vector<double> isRecovery;   // 1, except 0 at the top level
  std::vector<double> c;            // step-size ratio noise[l] / noise[0] (toy: constant)
  std::vector<double> stepSize;     // s_l, s_l^2 = b^2 c_l sigma_l^2
  std::vector<double> kappa;        // s_l^2 / (2 sigma_l^2): the recovery pull per step
  std::vector<double> lossWeight;   // sigma[0] / sigma[l]
  std::vector<double> energyTime;   // time value the EBM embeds at level l
  std::vector<double> proposalStd;  // CDRL: sqrt(betaTilde alphaMul); empty for DRL
  std::vector<double> initializerTime;  // CDRL: time value the initializer embeds; empty for DRL

  DrlTables drl;            // filled for DRL only
  CdrlTables cdrl;          // filled for CDRL only
  TweedieStep tweedie;      // CDRL only

  int top() const { return levels - 1; }
};

/// Throws ConfigError naming the setting and value (e.g. "drl.schedule.levels = 0: ...", the key of the method's own table).
NoiseSchedule makeDrlSchedule(const DrlScheduleOptions& options = {});
NoiseSchedule makeCdrlSchedule(const CdrlScheduleOptions& options = {});

/// The per-level and per-state tables as tensors on one device (float unless asked otherwise).
struct ScheduleTensors {
  torch::Tensor signal, noise;  // (L + 1)
  torch::Tensor transition, sigma, scale, isRecovery, stepSize, kappa, lossWeight, energyTime;
  torch::Tensor proposalStd, initializerTime;  // undefined for DRL
};
ScheduleTensors scheduleTensors(const NoiseSchedule& schedule, torch::Device device,
                                torch::ScalarType dtype = torch::kFloat);

/// table[levels] shaped (B, 1, ..., 1) so that it broadcasts against a (B, ...) batch of `dims`
/// dimensions; levels is (B) int64 on the table's device.
torch::Tensor perChain(const torch::Tensor& table, const torch::Tensor& levels, int64_t dims);

} // namespace ebm
