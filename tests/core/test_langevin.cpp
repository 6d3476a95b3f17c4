#include "sampling/langevin.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <thread>

namespace ebm {
namespace {

// E(x) = 1/2 (x - m)^T H (x - m): the x-chain targets exp(-E/T) = N(m, T H^-1).
class QuadraticEnergy : public EnergyNet {
public:
  QuadraticEnergy(torch::Tensor H, torch::Tensor m) : m_H(std::move(H)), m_m(std::move(m)) {}
  torch::Tensor forward(const torch::Tensor& x) override {
    const auto d = x - m_m;
    return 0.5 * (torch::mm(d, m_H) * d).sum(1);
  }

private:
  torch::Tensor m_H, m_m;
};

// g(z) = A z + b: the z-chain targets a Gaussian posterior (METHODS §4.7 item 3).
class LinearGenerator : public Generator {
public:
  LinearGenerator(torch::Tensor A, torch::Tensor b) : m_A(std::move(A)), m_b(std::move(b)) {}
  torch::Tensor forward(const torch::Tensor& z) override {
    return torch::mm(z.flatten(1), m_A.t()) + m_b;
  }

private:
  torch::Tensor m_A, m_b;
};

torch::Tensor covariance(const torch::Tensor& x) {
  const auto c = x - x.mean(0, true);
  return torch::mm(c.t(), c) / static_cast<double>(x.size(0) - 1);
}

TEST(LangevinX, QuadraticEnergyHasGaussianMomentsAtTemperature) {
  auto gen = test::seeded(11);
  const auto H = torch::tensor({{2.0f, 0.6f}, {0.6f, 1.0f}});
  const auto m = torch::tensor({{0.5f, -0.3f}});
  QuadraticEnergy energy(H, m);
  LangevinXConfig cfg;
  cfg.steps = 1500;
  cfg.stepSize = 0.1;
  cfg.noise = 0.05;  // T = (0.05 / 0.1)^2 = 0.25
  LiveValue<SettingValues> live(toSettings(cfg));
  ChainControl ctl;
  ctl.gen = &gen;
  const auto x = langevinX(energy, torch::zeros({20000, 2}), live, ctl);

  const double T = xTemperature(cfg);
  ASSERT_DOUBLE_EQ(T, 0.25);
  const auto mean = x.mean(0);
  EXPECT_NEAR(mean[0].item<double>(), 0.5, 0.01);
  EXPECT_NEAR(mean[1].item<double>(), -0.3, 0.01);
  // Continuous-time answer T H^-1; the Euler step adds O(s^2) bias (< 1% here).
  const auto expected = torch::inverse(H.to(torch::kDouble)) * T;
  const auto cov = covariance(x.to(torch::kDouble));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      EXPECT_NEAR(cov[i][j].item<double>(), expected[i][j].item<double>(), 0.03 * 0.3)
          << "cov[" << i << "][" << j << "]";
}

TEST(LangevinZ, LinearGeneratorMatchesGaussianPosterior) {
  auto gen = test::seeded(12);
  torch::manual_seed(3);
  const auto A = torch::tensor({{0.6f, -0.2f}, {0.3f, 0.5f}, {-0.4f, 0.4f}});
  const auto b = torch::tensor({{0.1f, 0.0f, -0.2f}});
  LinearGenerator g(A, b);
  const auto target = torch::tensor({{0.8f, -0.5f, 0.3f}});
  const int chains = 8000;
  const auto x = target.expand({chains, 3}).contiguous();

  for (bool half : {false, true}) {
    LangevinZConfig cfg;
    cfg.steps = 3000;
    cfg.stepSize = 0.05;
    cfg.noise = 0.05;  // n = s: temperature 1
    cfg.sigma = 0.7;
    cfg.priorSigma = 1.0;
    cfg.halfSse = half;
    LiveValue<SettingValues> live(toSettings(cfg));
    ChainControl ctl;
    ctl.gen = &gen;
    const auto z = langevinZ(g, x, torch::zeros({chains, 2, 1, 1}), live, ctl).flatten(1);

    // U(z) = c |x - Az - b|^2 / sigma^2 + |z|^2 / 2 with c = 1 (reference) or 1/2 (textbook):
    // precision P = 2c A^T A / sigma^2 + I, mean P^-1 2c A^T (x - b) / sigma^2.
    const double c = half ? 0.5 : 1.0;
    const auto Ad = A.to(torch::kDouble);
    const auto P = Ad.t().mm(Ad) * (2 * c / (cfg.sigma * cfg.sigma)) + torch::eye(2, torch::kDouble);
    const auto Sigma = torch::inverse(P);
    const auto mu = Sigma.mm(Ad.t().mm((target - b).to(torch::kDouble).t())) *
                    (2 * c / (cfg.sigma * cfg.sigma));
    const auto zd = z.to(torch::kDouble);
    const auto mean = zd.mean(0);
    const auto cov = covariance(zd);
    for (int i = 0; i < 2; ++i) {
      EXPECT_NEAR(mean[i].item<double>(), mu[i][0].item<double>(), 0.02) << "half=" << half;
      for (int j = 0; j < 2; ++j)
        EXPECT_NEAR(cov[i][j].item<double>(), Sigma[i][j].item<double>(),
                    0.04 * Sigma[i][i].item<double>())
            << "half=" << half << " cov[" << i << "][" << j << "]";
    }
  }
}

TEST(LangevinX, StepSizeChangedMidChainAppliesFromTheNextStep) {
  auto gen = test::seeded(13);
  QuadraticEnergy energy(torch::eye(2), torch::zeros({1, 2}));
  LangevinXConfig cfg;
  cfg.steps = 40;
  cfg.stepSize = 0.3;
  LiveValue<SettingValues> live(toSettings(cfg));
  Trace trace;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.trace = &trace;
  int changedAfter = -1;
  ctl.onStep = [&](const Trace& t) {
    if (t.lastStep() == 9) {  // as a GUI would, while the chain runs
      auto c = toXConfig(live.get());
      c.stepSize = 0.05;
      c.steps = 25;
      live.set(toSettings(c));
      changedAfter = 9;
    }
  };
  langevinX(energy, torch::ones({4, 2}), live, ctl);
  ASSERT_EQ(changedAfter, 9);
  ASSERT_EQ(trace.lastStep(), 25);  // the new step count ended the chain
  for (size_t i = 0; i < trace.steps.size() - 1; ++i)
    EXPECT_DOUBLE_EQ(trace.stepSize[i], trace.steps[i] <= 9 ? 0.3 : 0.05) << "step " << i;
  ASSERT_FALSE(trace.changes.empty());
  EXPECT_EQ(trace.changes.front().step, 10);
  EXPECT_NE(trace.changes.front().what.find("step_size"), std::string::npos);
  EXPECT_TRUE(trace.finished);
}

TEST(LangevinX, StopRequestEndsTheChainAtTheNextStep) {
  auto gen = test::seeded(14);
  QuadraticEnergy energy(torch::eye(2), torch::zeros({1, 2}));
  LangevinXConfig cfg;
  cfg.steps = 1000;
  LiveValue<SettingValues> live(toSettings(cfg));
  std::atomic<bool> stop{false};
  Trace trace;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.trace = &trace;
  ctl.stop = &stop;
  ctl.onStep = [&](const Trace& t) {
    if (t.lastStep() == 4)
      stop = true;
  };
  langevinX(energy, torch::ones({3, 2}), live, ctl);
  EXPECT_TRUE(trace.stopped);
  EXPECT_FALSE(trace.finished);
  EXPECT_EQ(trace.lastStep(), 5);  // step 4 recorded, final state evaluated at 5
}

TEST(LangevinX, MaskKeepsObservedEntriesExactly) {
  auto gen = test::seeded(15);
  QuadraticEnergy energy(torch::eye(2), torch::zeros({1, 2}));
  LangevinXConfig cfg;
  cfg.steps = 50;
  cfg.noise = 0.1;
  LiveValue<SettingValues> live(toSettings(cfg));
  ChainControl ctl;
  ctl.gen = &gen;
  const auto x0 = torch::randn({16, 2}, gen);
  const auto mask = torch::tensor({{1.0f, 0.0f}}).expand({16, 2});
  const auto x = langevinX(energy, x0, live, ctl, mask);
  EXPECT_TRUE(torch::equal(x.select(1, 0), x0.select(1, 0)));
  EXPECT_FALSE(torch::equal(x.select(1, 1), x0.select(1, 1)));
}

TEST(LangevinX, AbsurdStepSizeIsReportedAsDivergenceNotACrash) {
  auto gen = test::seeded(16);
  QuadraticEnergy energy(torch::eye(2) * 10.0, torch::zeros({1, 2}));
  LangevinXConfig cfg;
  cfg.steps = 500;
  cfg.stepSize = 50.0;
  LiveValue<SettingValues> live(toSettings(cfg));
  Trace trace;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.trace = &trace;
  langevinX(energy, torch::ones({4, 2}), live, ctl);
  EXPECT_TRUE(trace.diverged);
  EXPECT_FALSE(trace.finished);
  EXPECT_NE(trace.message.find("non-finite"), std::string::npos);
}

TEST(LangevinX, SnapshotsStayBounded) {
  auto gen = test::seeded(17);
  QuadraticEnergy energy(torch::eye(2), torch::zeros({1, 2}));
  LangevinXConfig cfg;
  cfg.steps = 2000;
  cfg.snapshotEvery = 1;
  LiveValue<SettingValues> live(toSettings(cfg));
  Trace trace;
  ChainControl ctl;
  ctl.gen = &gen;
  ctl.trace = &trace;
  ctl.maxSnapshots = 32;
  langevinX(energy, torch::ones({2, 2}), live, ctl);
  EXPECT_LE(trace.snapshots.size(), 33u);
  EXPECT_EQ(trace.snapshots.front().step, 0);
  EXPECT_EQ(trace.snapshots.back().step, 2000);
  EXPECT_EQ(trace.steps.size(), 2001u);
}

} // namespace
} // namespace ebm
