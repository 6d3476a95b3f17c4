// The DRL and CDRL schedules against every table and value printed in METHODS §2.2-§2.5 and
// §3.2-§3.9 (each to half a unit of its last printed digit, at most 1e-4 absolute where values
// are below 1), the unified level indexing, and refused settings.
#include "sampling/noise_schedule.h"

#include "errors.h"
#include "models/time_embedding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace ebm {
namespace {

// |value - printed| <= half a unit of the printed value's last digit (plus rounding slack).
void expectPrinted(const std::vector<double>& values, const std::vector<double>& printed,
                   int decimals, const std::string& what, size_t offset = 0) {
  ASSERT_EQ(values.size(), printed.size() + offset) << what;
  const double tol = 0.5 * std::pow(10.0, -decimals) + 1e-12;
  for (size_t i = 0; i < printed.size(); ++i)
    EXPECT_NEAR(values[i + offset], printed[i], tol) << what << "[" << i + offset << "]";
}

void expectRefused(const std::function<void()>& make, const std::string& fragment) {
  try {
    make();
    ADD_FAILURE() << "expected a ConfigError naming " << fragment;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(NoiseSchedule, DrlTablesMatchMethods22) {
  const auto s = makeDrlSchedule();
  const auto& d = s.drl;
  EXPECT_EQ(d.boundaries, (std::vector<int>{0, 100, 200, 300, 400, 500, 999}));
  expectPrinted(d.a, {0.99995, 0.94617, 0.85629, 0.77480, 0.70092, 0.63396, 0.02278}, 5, "a");
  expectPrinted(d.sigma, {0.0100, 0.3237, 0.5165, 0.6322, 0.7132, 0.7734, 0.9997}, 4, "sigma");
  expectPrinted(d.aBar, {0.99995, 0.94612, 0.81015, 0.62770, 0.43997, 0.27892, 0.00635}, 5,
                "abar");
  expectPrinted(d.sigmaBar, {0.0100, 0.3238, 0.5862, 0.7785, 0.8980, 0.9603, 1.0000}, 4,
                "sigmabar");
  EXPECT_EQ(d.aPrev.back(), 1.0);
  EXPECT_EQ(d.aPrev[3], d.a[3]);
  EXPECT_EQ(d.isRecovery, (std::vector<double>{1, 1, 1, 1, 1, 1, 0}));
}

TEST(NoiseSchedule, DrlStepSizesAndLossWeightsMatchMethods24And25) {
  const auto s = makeDrlSchedule();
  ASSERT_EQ(s.levels, 6);
  expectPrinted(s.stepSize, {0.0046, 0.0416, 0.0685, 0.0890, 0.1036, 0.1386}, 4, "s");
  expectPrinted(s.c, {1, 32.4, 58.6, 77.8, 89.8, 96.0}, 1, "c");
  expectPrinted(s.lossWeight, {1.000, 0.627, 0.512, 0.454, 0.419, 0.324}, 3, "loss weight");
  for (int t = 0; t < 6; ++t) {
    // kappa = s^2 / (2 sigma^2) = 1e-4 c_t (§4.1 B2).
    EXPECT_NEAR(s.kappa[t], 1e-4 * s.c[t], 1e-15) << t;
    EXPECT_DOUBLE_EQ(s.energyTime[t], t);
  }
  EXPECT_TRUE(s.proposalStd.empty());
}

TEST(NoiseSchedule, DrlLevelsMapOntoThePaperIndices) {
  const auto s = makeDrlSchedule();
  const auto& d = s.drl;
  for (int t = 0; t < s.levels; ++t) {
    EXPECT_EQ(s.transition[t], d.a[t + 1]);
    EXPECT_EQ(s.sigma[t], d.sigma[t + 1]);
    EXPECT_EQ(s.scale[t], d.aPrev[t + 1]);
    EXPECT_EQ(s.isRecovery[t], d.isRecovery[t + 1]);
  }
  EXPECT_EQ(s.signal, d.aBar);
  EXPECT_EQ(s.noise, d.sigmaBar);
  EXPECT_EQ(s.scale[s.top()], 1.0);
  EXPECT_EQ(s.isRecovery[s.top()], 0.0);
  // x_{t+1} | y ~ N(y, sigma^2) with y = a x_t: the per-level pair is a proper Markov step.
  for (int t = 0; t < s.levels; ++t)
    EXPECT_NEAR(s.transition[t] * s.transition[t] + s.sigma[t] * s.sigma[t], 1.0, 1e-12);
}

TEST(NoiseSchedule, CdrlTablesMatchMethods32) {
  const auto s = makeCdrlSchedule();
  const auto& t = s.cdrl;
  expectPrinted(t.lambda, {9.800, 2.689, 1.197, 0.141, -0.876, -2.172, -5.100}, 3, "lambda");
  expectPrinted(t.alphaBar, {0.99994, 0.93636, 0.76797, 0.53521, 0.29399, 0.10226, 0.00606}, 5,
                "alphabar");
  for (int i = 1; i <= 6; ++i) {
    EXPECT_NEAR(t.alpha[i], t.alphaBar[i] / t.alphaBar[i - 1], 1e-15);
    EXPECT_NEAR(t.sigma[i] * t.sigma[i], 1.0 - t.alpha[i], 1e-14);
    EXPECT_NEAR(t.betaTilde[i], (1 - t.alphaBar[i - 1]) / (1 - t.alphaBar[i]) * (1 - t.alpha[i]),
                1e-14);
  }
  EXPECT_TRUE(std::isnan(t.alpha[0]));
  EXPECT_EQ(t.alphaMul[6], 1.0);
  EXPECT_EQ(t.alphaMul[3], t.alpha[3]);
}

TEST(NoiseSchedule, CdrlStepSizesProposalsAndWeightsMatchMethods33And34) {
  const auto s = makeCdrlSchedule();
  EXPECT_DOUBLE_EQ(s.bSquare, 4e-4);
  expectPrinted(s.stepSize, {0.0050, 0.0494, 0.0886, 0.1285, 0.1716, 0.2188}, 4, "s");
  expectPrinted(s.c, {1, 33.9, 64.7, 91.6, 112.8, 127.2}, 1, "c");
  expectPrinted(s.proposalStd, {0.0072, 0.2011, 0.3247, 0.4037, 0.4224, 0.9218}, 4,
                "proposal std");
  expectPrinted(s.cdrl.stepSize, {0.0050, 0.0494, 0.0886, 0.1285, 0.1716, 0.2188}, 4,
                "cdrl.s", 1);
  const auto& t = s.cdrl;
  for (int l = 0; l < 6; ++l) {
    const int i = l + 1;
    EXPECT_NEAR(s.kappa[l], 2e-4 * s.c[l], 1e-15) << l;  // §4.1 B2
    EXPECT_NEAR(s.lossWeight[l], t.sigma[1] / t.sigma[i], 1e-14) << l;
    EXPECT_NEAR(s.scale[l], std::sqrt(t.alphaMul[i]), 1e-15);
    EXPECT_NEAR(s.energyTime[l], logSnrTime(t.lambda[i - 1]), 1e-12);
    EXPECT_NEAR(s.initializerTime[l], logSnrTime(t.lambda[i]), 1e-12);
    EXPECT_NEAR(s.signal[i] * s.signal[i] + s.noise[i] * s.noise[i], 1.0, 1e-14);
  }
  EXPECT_DOUBLE_EQ(s.lossWeight[0], 1.0);
  EXPECT_EQ(s.scale[5], 1.0);
  EXPECT_EQ(s.isRecovery, (std::vector<double>{1, 1, 1, 1, 1, 0}));
}

TEST(NoiseSchedule, CdrlTweedieConstantsMatchMethods36) {
  const auto s = makeCdrlSchedule();
  const auto& w = s.tweedie;
  EXPECT_NEAR(w.noiseVariance, 5.5e-5, 0.05e-5);  // "1 - alphabar_0 = 5.5e-5"
  EXPECT_NEAR(w.divisor, 2e-4 * s.c[0] * s.sigma[0] * s.sigma[0], 1e-18);
  EXPECT_NEAR(w.divisor, 0.5 * s.stepSize[0] * s.stepSize[0], 1e-18);
  EXPECT_NEAR(w.inputScale, std::sqrt(s.cdrl.alpha[1]), 1e-15);
  EXPECT_NEAR(w.signalScale, std::sqrt(s.cdrl.alphaBar[0]), 1e-15);
  EXPECT_NEAR(w.gradientCoef, w.noiseVariance / w.divisor, 1e-9 * w.gradientCoef);
}

TEST(NoiseSchedule, CdrlToyHasConstantCAndMatchesMethods39) {
  CdrlScheduleOptions o;
  o.toy2d = true;
  const auto s = makeCdrlSchedule(o);
  EXPECT_EQ(s.family, ScheduleFamily::CdrlToy2d);
  EXPECT_DOUBLE_EQ(s.bSquare, 2e-3);
  const double c = 1.0 / std::sqrt(1.0 - 1.0 / (1.0 + std::exp(-9.8)));
  EXPECT_NEAR(c, 134.3, 0.05);
  for (int l = 0; l < 6; ++l) {
    EXPECT_NEAR(s.c[l], c, 1e-9 * c) << l;
    EXPECT_NEAR(s.kappa[l], 1e-3 * c, 1e-12) << l;  // recovery coefficient 1e-3 c
  }
  EXPECT_NEAR(s.stepSize.front(), 0.131, 0.0005);
  EXPECT_NEAR(s.stepSize.back(), 0.503, 0.0005);
  for (int l = 1; l < 6; ++l)
    EXPECT_GT(s.stepSize[l], s.stepSize[l - 1]);
  // Everything but c (and so s, kappa) is the image schedule's.
  const auto image = makeCdrlSchedule();
  EXPECT_EQ(s.cdrl.lambda, image.cdrl.lambda);
  EXPECT_EQ(s.proposalStd, image.proposalStd);
  EXPECT_EQ(s.lossWeight, image.lossWeight);
}

TEST(NoiseSchedule, LevelCountAndLambdaRangeChangeTheTables) {
  DrlScheduleOptions d;
  d.levels = 3;
  const auto drl3 = makeDrlSchedule(d);
  EXPECT_EQ(drl3.levels, 3);
  EXPECT_EQ(drl3.drl.boundaries, (std::vector<int>{0, 250, 500, 999}));
  EXPECT_EQ(drl3.stepSize.size(), 3u);
  EXPECT_EQ(drl3.signal.size(), 4u);
  d.levels = 1;  // a single marginal EBM over the whole schedule
  const auto drl1 = makeDrlSchedule(d);
  EXPECT_EQ(drl1.drl.boundaries, (std::vector<int>{0, 999}));
  EXPECT_EQ(drl1.isRecovery, (std::vector<double>{0}));
  EXPECT_EQ(drl1.scale, (std::vector<double>{1}));

  CdrlScheduleOptions c;
  c.levels = 10;
  c.lambdaMin = -8;
  c.lambdaMax = 12;
  const auto cdrl = makeCdrlSchedule(c);
  EXPECT_EQ(cdrl.levels, 10);
  EXPECT_NEAR(cdrl.cdrl.lambda.front(), 12.0, 1e-12);
  EXPECT_NEAR(cdrl.cdrl.lambda.back(), -8.0, 1e-12);
  for (int i = 1; i <= 10; ++i)
    EXPECT_LT(cdrl.cdrl.lambda[i], cdrl.cdrl.lambda[i - 1]);
  EXPECT_NE(cdrl.stepSize[1], makeCdrlSchedule().stepSize[1]);
}

TEST(NoiseSchedule, BadSettingsAreRefusedNamingTheSetting) {
  expectRefused([] { makeDrlSchedule({0, 2e-4}); }, "drl.schedule.levels = 0");
  expectRefused([] { makeDrlSchedule({502, 2e-4}); }, "drl.schedule.levels = 502");
  expectRefused([] { makeDrlSchedule({6, -1.0}); }, "drl.schedule.b_square = -1");
  expectRefused([] { makeDrlSchedule({6, std::nan("")}); }, "drl.schedule.b_square = nan");
  CdrlScheduleOptions c;
  c.levels = 0;
  expectRefused([&] { makeCdrlSchedule(c); }, "cdrl.schedule.levels = 0");
  c = {};
  c.lambdaMin = 9.8;
  expectRefused([&] { makeCdrlSchedule(c); }, "cdrl.schedule.lambda_min = 9.8");
  c = {};
  c.lambdaMax = INFINITY;
  expectRefused([&] { makeCdrlSchedule(c); }, "cdrl.schedule.lambda_max = inf");
  c = {};
  c.lambdaMin = std::nan("");
  expectRefused([&] { makeCdrlSchedule(c); }, "cdrl.schedule.lambda_min = nan");
  c = {};
  c.bSquare = 0.0;
  expectRefused([&] { makeCdrlSchedule(c); }, "cdrl.schedule.b_square = 0");
  c = {};
  c.lambdaMax = 900;  // sigmoid(-900) underflows: zero noise at level 0
  expectRefused([&] { makeCdrlSchedule(c); }, "cdrl.schedule.lambda_max = 900");
}

TEST(NoiseSchedule, TensorsCarryTheTablesOnTheDevice) {
  const auto s = makeCdrlSchedule();
  const auto t = scheduleTensors(s, torch::kCPU);
  EXPECT_EQ(t.stepSize.scalar_type(), torch::kFloat);
  ASSERT_EQ(t.stepSize.numel(), 6);
  ASSERT_EQ(t.signal.numel(), 7);
  for (int l = 0; l < 6; ++l)
    EXPECT_FLOAT_EQ(t.stepSize[l].item<float>(), static_cast<float>(s.stepSize[l]));
  const auto levels = torch::tensor({5, 0, 2}, torch::kLong);
  const auto g = perChain(t.stepSize, levels, 4);
  EXPECT_EQ(g.sizes(), (std::vector<int64_t>{3, 1, 1, 1}));
  EXPECT_FLOAT_EQ(g[0].item<float>(), static_cast<float>(s.stepSize[5]));
  EXPECT_FLOAT_EQ(g[2].item<float>(), static_cast<float>(s.stepSize[2]));
  const auto drl = scheduleTensors(makeDrlSchedule(), torch::kCPU, torch::kDouble);
  EXPECT_FALSE(drl.proposalStd.defined());
  EXPECT_EQ(drl.kappa.scalar_type(), torch::kDouble);
}

} // namespace
} // namespace ebm
