// The recovery-likelihood kernel (METHODS §2.4, §3.3, §4.1 B2, §4.7 item 4): the one-step mean
// shift and noise of the Ornstein-Uhlenbeck chain f = 0, the Gaussian recovery posterior of a
// quadratic f, no pull at the top level, the trace rows, the observed-pixel mask and the
// fewer-steps multiplier.
#include "sampling/recovery_langevin.h"

#include "errors.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm {
namespace {

torch::Tensor zeroEnergy(const torch::Tensor& y, const torch::Tensor&) {
  return torch::zeros({y.size(0)}, y.options());
}

// f(y, l) = -s_l^2 |y - mu|^2 / (2 tau^2): f / s^2 is the log-density of N(mu, tau^2 I).
LevelEnergy gaussianEnergy(const NoiseSchedule& schedule, torch::Tensor mu, double tau) {
  const auto s = scheduleTensors(schedule, torch::kCPU).stepSize;
  return [s, mu, tau](const torch::Tensor& y, const torch::Tensor& levels) {
    const auto s2 = s.index_select(0, levels).pow(2);
    return -s2 * (y - mu).pow(2).flatten(1).sum(1) / (2.0 * tau * tau);
  };
}

RecoveryChain mixedLevels(const torch::Tensor& conditioning, const std::vector<int>& levels,
                          int64_t perLevel) {
  RecoveryChain c;
  c.conditioning = conditioning;
  std::vector<int64_t> l;
  for (int level : levels)
    l.insert(l.end(), static_cast<size_t>(perLevel), level);
  c.levels = torch::tensor(l, torch::kLong);
  return c;
}

TEST(RecoveryLangevin, ZeroEnergyStepHasTheOrnsteinUhlenbeckMeanShiftAndNoise) {
  const auto schedule = makeDrlSchedule();
  const std::vector<int> levels = {0, 2, 5};  // 5 = the top: no pull toward x~
  const int64_t per = 20000;
  const auto xt = torch::zeros({3 * per, 2});
  const auto d = torch::tensor({{50.0f, -30.0f}});
  const auto y0 = (xt + d).contiguous();
  RecoveryLangevinConfig cfg;
  cfg.steps = 1;
  cfg.stepMultiplier = 2.0;
  cfg.noiseScale = 0.9;
  for (bool recorded : {false, true}) {
    auto gen = test::seeded(21);
    Trace trace;
    ChainControl ctl;
    ctl.gen = &gen;
    if (recorded)
      ctl.trace = &trace;
    const auto y1 = recoveryLangevin(zeroEnergy, schedule, y0, mixedLevels(xt, levels, per), cfg,
                                     ctl);
    const auto step = (y1 - y0).to(torch::kDouble);
    for (size_t k = 0; k < levels.size(); ++k) {
      const int l = levels[k];
      const auto block = step.narrow(0, static_cast<int64_t>(k) * per, per);
      const double m = cfg.stepMultiplier, kappa = schedule.kappa[l] * schedule.isRecovery[l];
      const double std = cfg.noiseScale * m * schedule.stepSize[l];
      const double se = std / std::sqrt(static_cast<double>(per));
      for (int j = 0; j < 2; ++j) {
        const double expected = -m * m * kappa * d[0][j].item<double>();
        EXPECT_NEAR(block.select(1, j).mean().item<double>(), expected, 4 * se)
            << "level " << l << " dim " << j << " recorded " << recorded;
        EXPECT_NEAR(block.select(1, j).std().item<double>(), std, 0.03 * std)
            << "level " << l << " dim " << j;
      }
    }
    if (recorded) {
      EXPECT_TRUE(trace.levels.empty());  // mixed levels: no single level to show
      EXPECT_DOUBLE_EQ(trace.stepSize.front(), cfg.stepMultiplier);
      EXPECT_DOUBLE_EQ(trace.noise.front(), cfg.noiseScale * cfg.stepMultiplier);
    }
  }
}

TEST(RecoveryLangevin, QuadraticEnergyMatchesTheGaussianRecoveryPosterior) {
  // log p(y | x~) = -|y - mu|^2 / (2 tau^2) - |y - x~|^2 / (2 sigma^2): Gaussian with precision
  // P = 1/tau^2 + 1/sigma^2 and mean (mu/tau^2 + x~/sigma^2) / P.
  const auto schedule = makeDrlSchedule();
  const int level = 2;
  const double tau = 0.3, sigma = schedule.sigma[level];
  const auto mu = torch::tensor({{0.4f, -0.2f}});
  const auto xt = torch::tensor({{-0.5f, 0.6f}}).expand({20000, 2}).contiguous();
  auto gen = test::seeded(22);
  ChainControl ctl;
  ctl.gen = &gen;
  RecoveryLangevinConfig cfg;
  cfg.steps = 1500;
  cfg.stepMultiplier = 0.5;  // Euler bias on the variance ~ (m s)^2 P / 4 = 0.4 %
  const auto y = recoveryLangevin(gaussianEnergy(schedule, mu, tau), schedule, xt,
                                  recoveryAtLevel(xt, level), cfg, ctl)
                     .to(torch::kDouble);
  const double P = 1 / (tau * tau) + 1 / (sigma * sigma);
  for (int j = 0; j < 2; ++j) {
    const double mean =
        (mu[0][j].item<double>() / (tau * tau) + xt[0][j].item<double>() / (sigma * sigma)) / P;
    EXPECT_NEAR(y.select(1, j).mean().item<double>(), mean, 0.01) << j;
    EXPECT_NEAR(y.select(1, j).var().item<double>(), 1 / P, 0.03 / P) << j;
  }
}

TEST(RecoveryLangevin, TopLevelIsAMarginalEbmWithoutPullTowardTheConditioning) {
  const auto schedule = makeCdrlSchedule();
  const int top = schedule.top();
  const double tau = 0.5;
  const auto mu = torch::tensor({{1.0f, -1.0f}});
  const auto xt = (mu + 5.0).expand({20000, 2}).contiguous();  // far from mu
  auto gen = test::seeded(23);
  ChainControl ctl;
  ctl.gen = &gen;
  RecoveryLangevinConfig cfg;
  cfg.steps = 1500;
  cfg.stepMultiplier = 0.3;
  const auto y = recoveryLangevin(gaussianEnergy(schedule, mu, tau), schedule, xt,
                                  recoveryAtLevel(xt, top), cfg, ctl)
                     .to(torch::kDouble);
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(y.select(1, j).mean().item<double>(), mu[0][j].item<double>(), 0.02) << j;
    EXPECT_NEAR(y.select(1, j).var().item<double>(), tau * tau, 0.04 * tau * tau) << j;
  }
}

TEST(RecoveryLangevin, TraceRecordsEnergyRecoveryDistanceLevelAndStep) {
  const auto schedule = makeCdrlSchedule();
  const int level = 1;
  auto gen = test::seeded(24);
  const auto xt = torch::randn({5, 3}, gen);
  const auto y0 = xt + 0.5;
  Trace trace;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.trace = &trace;
  RecoveryLangevinConfig cfg;
  cfg.steps = 6;
  cfg.stepMultiplier = 1.5;
  cfg.noiseScale = 0.99;
  const auto energy = [](const torch::Tensor& y, const torch::Tensor&) {
    return -y.pow(2).sum(1);
  };
  auto chain = recoveryAtLevel(xt, level);
  chain.name = "y";
  recoveryLangevin(energy, schedule, y0, chain, cfg, ctl);
  EXPECT_EQ(trace.chain, "y");
  EXPECT_TRUE(trace.finished);
  ASSERT_EQ(trace.steps.size(), 7u);  // 6 steps and the final state
  EXPECT_EQ(trace.levels, std::vector<int>(7, level));
  const double s = schedule.stepSize[level];
  for (size_t i = 0; i < trace.steps.size(); ++i) {
    EXPECT_NEAR(trace.stepSize[i], 1.5 * s, 1e-15);
    EXPECT_NEAR(trace.noise[i], 0.99 * 1.5 * s, 1e-15);
  }
  const auto* dist = trace.extra("recovery_distance");
  ASSERT_NE(dist, nullptr);
  ASSERT_EQ(dist->values.size(), 7u);
  const double d0 = std::sqrt(3 * 0.25);
  for (float v : dist->values.front())
    EXPECT_NEAR(v, d0, 1e-5);
  // The energy row is f itself.
  const auto f0 = -y0.pow(2).sum(1);
  for (int b = 0; b < 5; ++b)
    EXPECT_NEAR(trace.energy.front()[b], f0[b].item<float>(), 1e-5);
  EXPECT_EQ(trace.gradNorm.size(), 7u);
  EXPECT_EQ(trace.driftNorm.size(), 7u);
}

TEST(RecoveryLangevin, ObservedEntriesHoldTheObservation) {
  const auto schedule = makeDrlSchedule();
  auto gen = test::seeded(25);
  const auto xt = torch::randn({8, 1, 4, 4}, gen);
  auto chain = recoveryAtLevel(xt, 3);
  chain.observedMask = torch::zeros({1, 1, 4, 4});
  chain.observedMask.narrow(3, 0, 2).fill_(1.0);  // left half observed
  chain.observed = torch::full({8, 1, 4, 4}, 0.25f);
  RecoveryLangevinConfig cfg;
  cfg.steps = 20;
  ChainControl ctl;
  ctl.gen = &gen;
  const auto y = recoveryLangevin(zeroEnergy, schedule, xt, chain, cfg, ctl);
  EXPECT_TRUE(torch::equal(y.narrow(3, 0, 2), torch::full({8, 1, 4, 2}, 0.25f)));
  EXPECT_FALSE(torch::equal(y.narrow(3, 2, 2), xt.narrow(3, 2, 2)));
}

TEST(RecoveryLangevin, FewerStepsMultiplierKeepsTheLangevinTime) {
  EXPECT_DOUBLE_EQ(fewerStepsMultiplier(15, 15), 1.0);
  EXPECT_DOUBLE_EQ(fewerStepsMultiplier(15, 5), std::sqrt(3.0));
  EXPECT_DOUBLE_EQ(fewerStepsMultiplier(30, 3), std::sqrt(10.0));
  const double m = fewerStepsMultiplier(15, 5);
  EXPECT_NEAR(5 * m * m, 15.0, 1e-12);  // K' (m s)^2 = K s^2
  EXPECT_THROW(fewerStepsMultiplier(15, 0), ConfigError);
  EXPECT_THROW(fewerStepsMultiplier(0, 5), ConfigError);
}

TEST(RecoveryLangevin, SettingsRoundTripAndSchemaDefaults) {
  RecoveryLangevinConfig c;
  c.steps = 15;
  c.stepMultiplier = 1.7;
  c.noiseScale = 0.99;
  const auto back = toRecoveryConfig(toSettings(c));
  EXPECT_EQ(back.steps, 15);
  EXPECT_DOUBLE_EQ(back.stepMultiplier, 1.7);
  EXPECT_DOUBLE_EQ(back.noiseScale, 0.99);
  ChainSpec spec;
  spec.name = "y";
  spec.settings = recoverySettingSpecs(c);
  EXPECT_EQ(validateSettings(spec, toSettings(c)), "");
  EXPECT_EQ(defaultSettings(spec), toSettings(c));
}

TEST(RecoveryLangevin, BadInputIsRefused) {
  const auto schedule = makeDrlSchedule();
  auto gen = test::seeded(26);
  ChainControl ctl;
  ctl.gen = &gen;
  const auto xt = torch::zeros({4, 2});
  RecoveryLangevinConfig cfg;
  cfg.steps = 2;
  EXPECT_THROW(recoveryLangevin(zeroEnergy, schedule, xt, recoveryAtLevel(xt, 6), cfg, ctl),
               c10::Error);  // levels are 0..5
  const auto wrongShape = [](const torch::Tensor& y, const torch::Tensor&) { return y; };
  EXPECT_THROW(recoveryLangevin(wrongShape, schedule, xt, recoveryAtLevel(xt, 1), cfg, ctl),
               c10::Error);
}

} // namespace
} // namespace ebm
