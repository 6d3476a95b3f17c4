// The sinusoidal time embedding (METHODS §4.1 B3) against hand-computed values, and CDRL's
// log-SNR time value u(lambda) (§3.3).
#include "models/time_embedding.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm {
namespace {

TEST(TimeEmbedding, SinThenCosOfGeometricFrequencies) {
  // dim 8: half = 4 frequencies 1, 1e-4/3, 1e-8/3, 1e-4 (exp(-k ln 1e4 / 3)).
  const auto e = sinusoidalEmbedding(torch::tensor({1.0, 3.0, 250.0}, torch::kDouble), 8);
  ASSERT_EQ(e.sizes(), (std::vector<int64_t>{3, 8}));
  const double expected[3][8] = {
      {0.841471, 0.046399, 0.002154, 0.000100, 0.540302, 0.998923, 0.999998, 1.000000},
      {0.141120, 0.138798, 0.006463, 0.000300, -0.989992, 0.990321, 0.999979, 1.000000},
      {-0.970528, -0.820565, 0.512942, 0.024997, 0.240988, 0.571553, 0.858423, 0.999688}};
  for (int b = 0; b < 3; ++b)
    for (int j = 0; j < 8; ++j)
      EXPECT_NEAR(e[b][j].item<double>(), expected[b][j], 6e-7) << b << "," << j;
}

TEST(TimeEmbedding, IntegerLevelsEmbedAsFloatsAndOddDimsArePadded) {
  const auto e = sinusoidalEmbedding(torch::tensor({0, 5}, torch::kLong), 7);
  EXPECT_EQ(e.scalar_type(), torch::kFloat);
  ASSERT_EQ(e.sizes(), (std::vector<int64_t>{2, 7}));
  // tau = 0: sin 0 = 0, cos 0 = 1; the padding column is 0.
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(e[0][j].item<float>(), 0.0f);
    EXPECT_EQ(e[0][3 + j].item<float>(), 1.0f);
  }
  EXPECT_EQ(e[1][6].item<float>(), 0.0f);
  EXPECT_NEAR(e[1][0].item<float>(), std::sin(5.0), 1e-6);
  EXPECT_THROW(sinusoidalEmbedding(torch::zeros({1}), 2), ConfigError);
}

TEST(TimeEmbedding, LogSnrTimeValue) {
  // u = 1000 atan(exp(-lambda/2)) / (pi/2): 500 at lambda = 0, ends of the CDRL range.
  EXPECT_NEAR(logSnrTime(0.0), 500.0, 1e-9);
  EXPECT_NEAR(logSnrTime(9.8), 4.740554, 1e-6);
  EXPECT_NEAR(logSnrTime(-5.1), 950.392319, 1e-6);
  // Clamped to [-20, 20].
  EXPECT_DOUBLE_EQ(logSnrTime(30.0), logSnrTime(20.0));
  EXPECT_DOUBLE_EQ(logSnrTime(-30.0), logSnrTime(-20.0));
  EXPECT_NEAR(logSnrTime(20.0), 0.0289025, 1e-7);
  const auto t = logSnrTime(torch::tensor({9.8, 0.0, -5.1, 30.0}, torch::kDouble));
  EXPECT_NEAR(t[0].item<double>(), logSnrTime(9.8), 1e-9);
  EXPECT_NEAR(t[1].item<double>(), 500.0, 1e-9);
  EXPECT_NEAR(t[2].item<double>(), logSnrTime(-5.1), 1e-9);
  EXPECT_NEAR(t[3].item<double>(), logSnrTime(20.0), 1e-9);
}

} // namespace
} // namespace ebm
