// Time inputs of the recovery-likelihood networks (METHODS §4.1 B3, §2.6, §3.3, §3.7): the
// sinusoidal embedding of a scalar time value, and CDRL's map from a log-SNR lambda to the time
// value it embeds. DRL embeds the integer level index t itself. Any thread; no Qt/GL.
#pragma once

#include <torch/torch.h>

namespace ebm {

/// (B) time values tau -> (B, dim): [sin(tau w_0..w_{h-1}), cos(tau w_0..w_{h-1})] with
/// h = dim / 2 and w_k = exp(-k ln(1e4) / (h - 1)) (METHODS §4.1 B3; sin first, then cos, as
/// both reference repos). An odd dim gets one trailing zero column. Computed in the dtype of
/// `times` when it is floating point, else in float. Throws ConfigError for dim < 4 (h - 1 = 0).
torch::Tensor sinusoidalEmbedding(const torch::Tensor& times, int64_t dim);

/// CDRL's time value of a log-SNR (METHODS §3.3, §4.1 B3): 1000 atan(exp(-lambda/2)) / (pi/2),
/// lambda clamped to [-20, 20] first. Monotone decreasing: lambda_max -> near 0, lambda_min ->
/// near 1000.
double logSnrTime(double lambda);
/// The same, element-wise on a tensor (computed in the tensor's dtype).
torch::Tensor logSnrTime(const torch::Tensor& lambda);

} // namespace ebm
