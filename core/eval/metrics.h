// Evaluation metrics in the units of the paper's tables: PSNR and SSIM of reconstructions,
// AUROC of an OOD score, the Fréchet distance between Gaussian fits of feature sets.
// Pure functions of their arguments; any thread; no Qt/GL.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace ebm {

/// Per-image PSNR in dB, (B), for (B, ...) images whose values span `dataRange` (2 for
/// [-1, 1], 1 for [0, 1]). With `mask` (broadcastable, 1 = counted) only those pixels enter the
/// MSE. Identical images give +inf.
torch::Tensor psnr(const torch::Tensor& a, const torch::Tensor& b, double dataRange,
                   const torch::Tensor& mask = {});

/// Per-image SSIM, (B), for (B, C, H, W) images (Wang et al. 2004): 11x11 Gaussian window with
/// sigma 1.5, K1 = 0.01, K2 = 0.03, constants scaled by `dataRange`, 'valid' window positions,
/// averaged over channels and positions. Images smaller than the window use a window of
/// their size.
torch::Tensor ssim(const torch::Tensor& a, const torch::Tensor& b, double dataRange);

/// Area under the ROC curve for telling `positive` scores (higher = positive) from
/// `negative` ones: the Mann-Whitney statistic, ties counted one half. 0.5 for identical sets.
double auroc(const std::vector<double>& positive, const std::vector<double>& negative);

/// A Gaussian fitted to a feature set: mean (D) and covariance (D, D), float64 on the CPU.
struct GaussianFit {
  torch::Tensor mean;
  torch::Tensor cov;
  int64_t count = 0;  // number of feature vectors behind the fit
};

/// Sample mean and unbiased covariance of (N, D) features (N >= 2; throws std::invalid_argument).
GaussianFit fitGaussian(const torch::Tensor& features);

/// Fréchet distance between N(m1, S1) and N(m2, S2):
/// |m1 - m2|^2 + tr S1 + tr S2 - 2 tr (S1^1/2 S2 S1^1/2)^1/2, with both square roots from
/// eigen-decompositions of symmetric matrices (negative round-off eigenvalues clamped to 0).
/// The formula of FID; which features it is applied to decides the name of the number.
double frechetDistance(const GaussianFit& a, const GaussianFit& b);

} // namespace ebm
