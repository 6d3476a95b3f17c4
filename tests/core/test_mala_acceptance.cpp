// The MALA acceptance a recorded chain keeps (Trace::kMalaAccept) and the drift and noise
// vectors of low-dimensional chains, checked on E(x) = |x|^2 / 2 where everything has a closed
// form: the gradient is x, so the move is x' = (1 - c) x + sigma xi.
#include "sampling/chain_driver.h"
#include "sampling/recovery_langevin.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm {
namespace {

class MalaGaussianKernel : public ChainKernel {
public:
  std::string chainName() const override { return "x"; }
  std::string quantity() const override { return "energy"; }
  KernelEval evaluate(const torch::Tensor& x, const SettingValues&, bool) override {
    KernelEval e;
    e.energy = 0.5 * x.flatten(1).pow(2).sum(1);
    e.grad = x.clone();
    return e;
  }
  KernelEval evaluateFinal(const torch::Tensor& x, const SettingValues&) override {
    KernelEval e;
    e.energy = 0.5 * x.flatten(1).pow(2).sum(1);
    return e;
  }
};

SettingValues malaSettings(int steps, double stepSize, double noise) {
  SettingValues s;
  s.numbers = {{"steps", steps}, {"step_size", stepSize}, {"noise", noise}, {"snapshot_every", 1}};
  return s;
}

Trace runGaussian(const torch::Tensor& x0, const SettingValues& s, uint64_t seed = 3) {
  auto gen = test::seeded(seed);
  Trace trace;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.trace = &trace;
  ctl.maxSnapshots = 100000;
  MalaGaussianKernel kernel;
  runChain(kernel, x0, s, ctl);
  return trace;
}

// alpha for E = |x|^2 / 2 at temperature T = sigma^2 / (2c), written without any gradient.
double malaClosedForm(const std::vector<double>& x, const std::vector<double>& y, double c,
                      double sigma) {
  const double t = sigma * sigma / (2 * c);
  double ex = 0, ey = 0, back = 0, fwd = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    ex += 0.5 * x[i] * x[i];
    ey += 0.5 * y[i] * y[i];
    back += std::pow(x[i] - (1 - c) * y[i], 2);
    fwd += std::pow(y[i] - (1 - c) * x[i], 2);
  }
  const double logAlpha = -(ey - ex) / t - back / (2 * sigma * sigma) + fwd / (2 * sigma * sigma);
  return std::min(1.0, std::exp(logAlpha));
}

std::vector<double> chainState(const Trace& t, int snapshot, int chain) {
  const size_t per = t.snapshots[snapshot].state.size() / t.chains;
  const float* p = t.snapshots[snapshot].state.data() + chain * per;
  return {p, p + per};
}

TEST(MalaAcceptance, MatchesTheGaussianClosedFormAtEveryStep) {
  const double s = 0.8, n = 0.5;  // T = (n / s)^2 = 0.39
  const auto trace = runGaussian(torch::randn({6, 2}) * 2, malaSettings(12, s, n));
  const auto* row = trace.extra(Trace::kMalaAccept);
  ASSERT_NE(row, nullptr);
  ASSERT_EQ(row->values.size(), trace.steps.size());
  ASSERT_EQ(trace.snapshots.size(), trace.steps.size());
  int checked = 0;
  for (size_t t = 0; t + 1 < trace.steps.size(); ++t)
    for (int c = 0; c < trace.chains; ++c) {
      const double want = malaClosedForm(chainState(trace, int(t), c),
                                         chainState(trace, int(t) + 1, c), 0.5 * s * s, n);
      const float got = row->values[t][c];
      if (t + 2 == trace.steps.size()) {
        EXPECT_TRUE(std::isnan(got)) << "the move into the final state has no known gradient";
        continue;
      }
      EXPECT_NEAR(got, want, 2e-4 + 1e-4 * want) << "step " << t << " chain " << c;
      EXPECT_GE(got, 0.0f);
      EXPECT_LE(got, 1.0f);
      ++checked;
    }
  EXPECT_EQ(checked, 11 * 6);  // 12 moves, the last one unknown
  for (float v : row->values.back())
    EXPECT_TRUE(std::isnan(v)) << "the final row takes no move";
}

TEST(MalaAcceptance, SmallStepsAreAcceptedAndLargeStepsRejected) {
  auto meanAlpha = [](const Trace& t) {
    double sum = 0;
    int n = 0;
    for (const auto& r : t.extra(Trace::kMalaAccept)->values)
      for (float v : r)
        if (std::isfinite(v)) {
          sum += v;
          ++n;
        }
    return sum / std::max(1, n);
  };
  // T = 1 (n = s): MALA's acceptance goes to 1 as s goes to 0 and falls for large steps.
  const auto x0 = torch::randn({64, 2});
  EXPECT_GT(meanAlpha(runGaussian(x0, malaSettings(20, 0.05, 0.05))), 0.99);
  EXPECT_LT(meanAlpha(runGaussian(x0, malaSettings(20, 3.0, 3.0))), 0.3);
}

TEST(MalaAcceptance, ChainsWithoutNoiseHaveNone) {
  const auto trace = runGaussian(torch::randn({4, 2}), malaSettings(5, 0.5, 0.0));
  for (const auto& r : trace.extra(Trace::kMalaAccept)->values)
    for (float v : r)
      EXPECT_TRUE(std::isnan(v));
}

TEST(ChainVectors, PlaneChainsKeepDriftAndNoiseOfEveryMove) {
  const double s = 0.6, n = 0.3;
  const auto trace = runGaussian(torch::randn({5, 2}), malaSettings(8, s, n));
  ASSERT_EQ(trace.driftVec.size(), trace.steps.size());
  ASSERT_EQ(trace.noiseVec.size(), trace.steps.size());
  for (size_t t = 0; t + 1 < trace.steps.size(); ++t)
    for (int c = 0; c < trace.chains; ++c) {
      const auto x = chainState(trace, int(t), c), y = chainState(trace, int(t) + 1, c);
      double dn = 0, nn = 0;
      for (int d = 0; d < 2; ++d) {
        const float drift = trace.driftVec[t][2 * c + d], noise = trace.noiseVec[t][2 * c + d];
        EXPECT_NEAR(drift, -0.5 * s * s * x[d], 1e-5);  // -c grad E, grad E = x
        EXPECT_NEAR(x[d] + drift + noise, y[d], 1e-5);
        dn += drift * drift;
        nn += noise * noise;
      }
      EXPECT_NEAR(std::sqrt(dn), trace.driftNorm[t][c], 1e-5);
      EXPECT_NEAR(std::sqrt(nn), trace.noiseNorm[t][c], 1e-5);
    }
  EXPECT_TRUE(std::isnan(trace.driftVec.back()[0]));
}

TEST(ChainVectors, ImageChainsKeepNoVectors) {
  const auto trace = runGaussian(torch::randn({3, 1, 4, 4}), malaSettings(4, 0.1, 0.05));
  EXPECT_TRUE(trace.driftVec.empty());
  EXPECT_TRUE(trace.noiseVec.empty());
  EXPECT_NE(trace.extra(Trace::kMalaAccept), nullptr);
}

// The recovery kernel moves on V(y) = -f(y) + kappa |y - x~|^2 with drift m^2/2 and noise
// nu m s_l: its acceptance is for exp(-V / (nu s_l)^2). With f = -|y|^2 / 2 the gradient is
// grad V = y + 2 kappa (y - x~), so alpha has a closed form again.
TEST(MalaAcceptance, RecoveryChainsUseThePotentialTheyMoveOn) {
  const auto schedule = makeDrlSchedule();
  const int level = 1;
  const auto t = scheduleTensors(schedule, torch::kCPU, torch::kDouble);
  const double kappa = (t.isRecovery * t.kappa)[level].item<double>();
  const double sl = schedule.stepSize[level], m = 0.8, nu = 0.9;
  ASSERT_GT(kappa, 0);
  LevelEnergy f = [](const torch::Tensor& y, const torch::Tensor&) {
    return -0.5 * y.pow(2).flatten(1).sum(1);
  };
  const auto xt = torch::randn({4, 2}) * 0.5;
  auto gen = test::seeded(5);
  Trace trace;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.trace = &trace;
  RecoveryLangevinConfig cfg;
  cfg.steps = 6;
  cfg.stepMultiplier = m;
  cfg.noiseScale = nu;
  recoveryLangevin(f, schedule, xt + 0.3, recoveryAtLevel(xt, level), cfg, ctl);
  const double c = 0.5 * m * m, sigma = nu * m * sl, temp = sigma * sigma / (2 * c);
  const auto* row = trace.extra(Trace::kMalaAccept);
  ASSERT_NE(row, nullptr);
  const auto cond = xt.to(torch::kDouble);
  for (size_t k = 0; k + 2 < trace.steps.size(); ++k)
    for (int b = 0; b < 4; ++b) {
      const auto x = chainState(trace, int(k), b), y = chainState(trace, int(k) + 1, b);
      double vx = 0, vy = 0, back = 0, fwd = 0;
      for (int d = 0; d < 2; ++d) {
        const double xtd = cond[b][d].item<double>();
        vx += 0.5 * x[d] * x[d] + kappa * std::pow(x[d] - xtd, 2);
        vy += 0.5 * y[d] * y[d] + kappa * std::pow(y[d] - xtd, 2);
        const double gx = x[d] + 2 * kappa * (x[d] - xtd), gy = y[d] + 2 * kappa * (y[d] - xtd);
        fwd += std::pow(y[d] - x[d] + c * gx, 2);
        back += std::pow(x[d] - y[d] + c * gy, 2);
      }
      const double want =
          std::min(1.0, std::exp(-(vy - vx) / temp - (back - fwd) / (2 * sigma * sigma)));
      EXPECT_NEAR(row->values[k][size_t(b)], want, 2e-3 + 1e-3 * want) << k << " " << b;
    }
}

} // namespace
} // namespace ebm
