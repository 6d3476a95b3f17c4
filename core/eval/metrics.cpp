#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace ebm {

torch::Tensor psnr(const torch::Tensor& a, const torch::Tensor& b, double dataRange,
                   const torch::Tensor& mask) {
  TORCH_CHECK(a.sizes() == b.sizes(), "psnr: shapes differ, ", a.sizes(), " vs ", b.sizes());
  torch::NoGradGuard noGrad;
  auto sq = (a.to(torch::kDouble) - b.to(torch::kDouble)).pow(2);
  torch::Tensor mse;
  if (mask.defined()) {
    const auto m = mask.to(torch::kDouble).expand_as(sq);
    mse = (sq * m).flatten(1).sum(1) / m.flatten(1).sum(1).clamp_min(1.0);
  } else {
    mse = sq.flatten(1).mean(1);
  }
  return 10.0 * torch::log10(dataRange * dataRange / mse);
}

torch::Tensor ssim(const torch::Tensor& a, const torch::Tensor& b, double dataRange) {
  TORCH_CHECK(a.sizes() == b.sizes() && a.dim() == 4, "ssim expects two (B, C, H, W) tensors, got ",
              a.sizes(), " and ", b.sizes());
  torch::NoGradGuard noGrad;
  const int64_t channels = a.size(1);
  const int64_t win = std::min<int64_t>({11, a.size(2), a.size(3)});
  const double sigma = 1.5;
  auto coords = torch::arange(win, torch::kDouble) - static_cast<double>(win - 1) / 2.0;
  auto g = torch::exp(-coords.pow(2) / (2 * sigma * sigma));
  g = g / g.sum();
  const auto window =
      torch::outer(g, g).expand({channels, 1, win, win}).contiguous().to(a.device());
  const auto x = a.to(torch::kDouble), y = b.to(torch::kDouble);
  auto filt = [&](const torch::Tensor& t) {
    return torch::nn::functional::conv2d(
        t, window, torch::nn::functional::Conv2dFuncOptions().groups(channels));
  };
  const auto muX = filt(x);
  const auto muY = filt(y);
  const auto sxx = filt(x * x) - muX * muX;
  const auto syy = filt(y * y) - muY * muY;
  const auto sxy = filt(x * y) - muX * muY;
  const double c1 = std::pow(0.01 * dataRange, 2), c2 = std::pow(0.03 * dataRange, 2);
  const auto map = ((2 * muX * muY + c1) * (2 * sxy + c2)) /
                   ((muX * muX + muY * muY + c1) * (sxx + syy + c2));
  return map.flatten(1).mean(1);
}

double auroc(const std::vector<double>& positive, const std::vector<double>& negative) {
  if (positive.empty() || negative.empty())
    throw std::invalid_argument("auroc needs at least one positive and one negative score");
  // Rank all scores (average ranks for ties); U = sum of positive ranks - n_p (n_p + 1) / 2.
  struct Item {
    double score;
    bool pos;
  };
  std::vector<Item> all;
  all.reserve(positive.size() + negative.size());
  for (double s : positive)
    all.push_back({s, true});
  for (double s : negative)
    all.push_back({s, false});
  std::sort(all.begin(), all.end(), [](const Item& l, const Item& r) { return l.score < r.score; });
  double rankSum = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].score == all[i].score)
      ++j;
    const double avgRank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k)
      if (all[k].pos)
        rankSum += avgRank;
    i = j;
  }
  const double np = static_cast<double>(positive.size()), nn = static_cast<double>(negative.size());
  return (rankSum - np * (np + 1) / 2.0) / (np * nn);
}

GaussianFit fitGaussian(const torch::Tensor& features) {
  if (features.dim() != 2 || features.size(0) < 2)
    throw std::invalid_argument("fitGaussian expects (N >= 2, D) features, got " +
                                std::to_string(features.dim()) + "-D with " +
                                std::to_string(features.dim() > 0 ? features.size(0) : 0) +
                                " rows");
  torch::NoGradGuard noGrad;
  const auto f = features.to(torch::kCPU, torch::kDouble);
  GaussianFit g;
  g.count = f.size(0);
  g.mean = f.mean(0);
  const auto centred = f - g.mean;
  g.cov = centred.t().mm(centred) / static_cast<double>(g.count - 1);
  return g;
}

namespace {

// Symmetric square root of a symmetric positive semi-definite matrix.
torch::Tensor sqrtSym(const torch::Tensor& s) {
  const auto sym = 0.5 * (s + s.t());
  const auto [values, vectors] = torch::linalg_eigh(sym, "L");
  return vectors.mm(torch::diag(values.clamp_min(0.0).sqrt())).mm(vectors.t());
}

} // namespace

double frechetDistance(const GaussianFit& a, const GaussianFit& b) {
  if (!a.mean.defined() || !b.mean.defined() || a.mean.numel() != b.mean.numel())
    throw std::invalid_argument("frechetDistance: the two fits have different dimensions");
  torch::NoGradGuard noGrad;
  const auto m1 = a.mean.to(torch::kDouble), m2 = b.mean.to(torch::kDouble);
  const auto s1 = a.cov.to(torch::kDouble), s2 = b.cov.to(torch::kDouble);
  // tr (S1 S2)^1/2 = tr (S1^1/2 S2 S1^1/2)^1/2: the inner matrix is symmetric PSD, so only
  // symmetric eigen-decompositions are needed (no general matrix square root).
  const auto r1 = sqrtSym(s1);
  const auto inner = r1.mm(s2).mm(r1);
  const auto innerValues = torch::linalg_eigvalsh(0.5 * (inner + inner.t()), "L");
  const double trCross = innerValues.clamp_min(0.0).sqrt().sum().item<double>();
  const double meanTerm = (m1 - m2).pow(2).sum().item<double>();
  const double fd = meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2 * trCross;
  return std::max(0.0, fd);
}

} // namespace ebm
