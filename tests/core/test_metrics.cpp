#include "eval/metrics.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm {
namespace {

TEST(Metrics, PsnrOfAKnownPair) {
  const auto a = torch::zeros({2, 1, 8, 8});
  const auto b = torch::full({2, 1, 8, 8}, 0.1);
  // MSE 0.01 over a data range of 2: 10 log10(4 / 0.01) = 26.0206 dB.
  const auto p = psnr(a, b, 2.0);
  EXPECT_NEAR(p[0].item<double>(), 10.0 * std::log10(400.0), 1e-6);
  EXPECT_NEAR(psnr(a, b, 1.0)[1].item<double>(), 20.0, 1e-6);
  EXPECT_TRUE(std::isinf(psnr(a, a, 2.0)[0].item<double>()));
}

TEST(Metrics, MaskedPsnrCountsOnlyMaskedPixels) {
  auto a = torch::zeros({1, 1, 4, 4});
  auto b = torch::zeros({1, 1, 4, 4});
  b.index_put_({0, 0, 0, 0}, 1.0);  // one wrong pixel, outside the mask
  auto mask = torch::ones({1, 1, 4, 4});
  mask.index_put_({0, 0, 0, 0}, 0.0);
  EXPECT_TRUE(std::isinf(psnr(a, b, 2.0, mask)[0].item<double>()));
  EXPECT_NEAR(psnr(a, b, 2.0)[0].item<double>(), 10.0 * std::log10(4.0 * 16.0), 1e-9);
}

TEST(Metrics, SsimOfAnImageWithItselfIsOne) {
  auto gen = test::seeded(3);
  const auto x = torch::rand({3, 3, 32, 32}, gen) * 2 - 1;
  const auto s = ssim(x, x, 2.0);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(s[i].item<double>(), 1.0, 1e-9);
  const auto noisy = x + 0.3 * torch::randn({3, 3, 32, 32}, gen);
  EXPECT_LT(ssim(x, noisy, 2.0)[0].item<double>(), 0.9);
}

TEST(Metrics, SsimOfTwoConstantImagesIsTheLuminanceTerm) {
  const auto x = torch::full({1, 1, 16, 16}, 0.2);
  const auto y = torch::full({1, 1, 16, 16}, 0.5);
  const double c1 = 1e-4;  // (0.01 * 1)^2; contrast/structure term is (c2)/(c2) = 1
  const double expected = (2 * 0.2 * 0.5 + c1) / (0.04 + 0.25 + c1);
  EXPECT_NEAR(ssim(x, y, 1.0)[0].item<double>(), expected, 1e-6);  // float32 inputs
}

TEST(Metrics, AurocOfSeparatedIdenticalAndTiedSets) {
  EXPECT_DOUBLE_EQ(auroc({5, 6, 7}, {1, 2, 3}), 1.0);
  EXPECT_DOUBLE_EQ(auroc({1, 2, 3}, {5, 6, 7}), 0.0);
  EXPECT_DOUBLE_EQ(auroc({1, 2, 3}, {1, 2, 3}), 0.5);
  // Pairs (p, n): (1,2) 0, (1,3) 0, (2,2) 1/2, (2,3) 0 -> 0.125.
  EXPECT_DOUBLE_EQ(auroc({1, 2}, {2, 3}), 0.125);
  EXPECT_THROW(auroc({}, {1}), std::invalid_argument);
}

} // namespace
} // namespace ebm
