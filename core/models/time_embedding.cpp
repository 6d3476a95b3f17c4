#include "models/time_embedding.h"

#include "errors.h"

#include <cmath>
#include <string>

namespace ebm {

torch::Tensor sinusoidalEmbedding(const torch::Tensor& times, int64_t dim) {
  if (dim < 4)
    throw ConfigError("time embedding dim = " + std::to_string(dim) +
                      ": must be >= 4 (the frequency spacing divides by dim/2 - 1)");
  TORCH_CHECK(times.dim() == 1, "sinusoidalEmbedding: expected (B) time values, got ",
              times.sizes());
  const auto dtype = times.is_floating_point() ? times.scalar_type() : torch::kFloat;
  const int64_t half = dim / 2;
  // w_k = exp(-k ln(1e4) / (half - 1)): frequencies from 1 down to 1e-4 (§4.1 B3).
  const auto k = torch::arange(half, torch::TensorOptions().dtype(dtype).device(times.device()));
  const auto freqs = torch::exp(k * (-std::log(10000.0) / static_cast<double>(half - 1)));
  const auto arg = times.to(dtype).unsqueeze(1) * freqs.unsqueeze(0);
  auto emb = torch::cat({torch::sin(arg), torch::cos(arg)}, 1);
  if (dim % 2 == 1)
    emb = torch::constant_pad_nd(emb, {0, 1});
  return emb;
}

double logSnrTime(double lambda) {
  const double l = std::min(20.0, std::max(-20.0, lambda));
  return 1000.0 * std::atan(std::exp(-0.5 * l)) / (0.5 * M_PI);
}

torch::Tensor logSnrTime(const torch::Tensor& lambda) {
  return torch::atan(torch::exp(lambda.clamp(-20.0, 20.0) * -0.5)) * (1000.0 / (0.5 * M_PI));
}

} // namespace ebm
