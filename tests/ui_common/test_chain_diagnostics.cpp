// Chain diagnostics against series with known answers: split R-hat near 1 for chains of one
// distribution and far above it for chains apart; the ESS of white noise near n and of an AR(1)
// near n (1 - phi) / (1 + phi); the verdicts for a rising, a diverged and a stuck chain.
#include "chain_diagnostics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

using ebm::Trace;
using ebm::ui::ChainDiagnostics;
using ebm::ui::chainDiagnostics;
using ebm::ui::effectiveSampleSize;
using ebm::ui::splitRhat;

std::vector<std::vector<double>> ar1(int chains, int n, double phi, double offsetPerChain,
                                     unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> xi(0, 1);
  std::vector<std::vector<double>> s(chains);
  for (int c = 0; c < chains; ++c) {
    double x = 0;
    for (int t = 0; t < n; ++t) {
      x = phi * x + std::sqrt(1 - phi * phi) * xi(gen);
      s[c].push_back(x + c * offsetPerChain);
    }
  }
  return s;
}

TEST(ChainDiagnostics, SplitRhatIsNearOneForMixedChainsAndLargeForChainsApart) {
  EXPECT_NEAR(splitRhat(ar1(8, 400, 0.0, 0.0, 1)), 1.0, 0.02);
  EXPECT_GT(splitRhat(ar1(8, 400, 0.0, 3.0, 2)), 2.0);
  EXPECT_EQ(splitRhat({{1, 2, 3}}), -1);  // too short
}

TEST(ChainDiagnostics, EssOfWhiteNoiseIsAboutNAndOfAnAr1AboutItsClosedForm) {
  const double white = effectiveSampleSize(ar1(4, 2000, 0.0, 0.0, 3));
  EXPECT_NEAR(white / 8000.0, 1.0, 0.15);
  const double phi = 0.9;
  const double ar = effectiveSampleSize(ar1(4, 4000, phi, 0.0, 4));
  EXPECT_NEAR(ar / (16000.0 * (1 - phi) / (1 + phi)), 1.0, 0.3);
}

Trace syntheticTrace(int steps, double energyPerStep, float drift, float noise, double spread) {
  Trace t;
  t.chains = 4;
  for (int s = 0; s <= steps; ++s) {
    t.steps.push_back(s);
    std::vector<float> e;
    for (int c = 0; c < 4; ++c)
      e.push_back(float(s * energyPerStep + c * spread + 0.01 * ((s * 7 + c * 3) % 5)));
    t.energy.push_back(e);
    t.gradNorm.push_back(std::vector<float>(4, 1.0f));
    t.driftNorm.push_back(std::vector<float>(4, drift));
    t.noiseNorm.push_back(std::vector<float>(4, noise));
  }
  return t;
}

TEST(ChainDiagnostics, VerdictsSayWhyTheStepLooksTooLargeOrTooSmall) {
  // Energy climbing while the drift dominates: the steps overshoot.
  auto rising = chainDiagnostics(syntheticTrace(20, 0.5, 2.0f, 0.5f, 0.1), -1);
  EXPECT_EQ(rising.verdict, ChainDiagnostics::Verdict::TooLarge);
  EXPECT_NEAR(rising.driftToNoise, 4.0, 1e-9);
  EXPECT_NE(rising.reason.find("overshoot"), std::string::npos);
  // A diverged chain.
  Trace diverged = syntheticTrace(3, 0, 1, 1, 0);
  diverged.diverged = true;
  diverged.message = "non-finite energy at x-step 3";
  EXPECT_EQ(chainDiagnostics(diverged, -1).verdict, ChainDiagnostics::Verdict::TooLarge);
  // Chains far apart that hardly feel the energy: not mixed.
  auto stuck = chainDiagnostics(syntheticTrace(20, 0.0, 0.01f, 1.0f, 5.0), -1);
  EXPECT_EQ(stuck.verdict, ChainDiagnostics::Verdict::TooSmall);
  EXPECT_GT(stuck.rhat, 1.1);
  // Chains far apart although the drift dominates and nothing overshoots: still on their way.
  auto underway = chainDiagnostics(syntheticTrace(20, 0.0, 2.0f, 0.5f, 5.0), -1);
  EXPECT_EQ(underway.verdict, ChainDiagnostics::Verdict::TooSmall);
  EXPECT_NE(underway.reason.find("too few steps"), std::string::npos);
  // Up to a step: only the rows recorded by then.
  EXPECT_EQ(chainDiagnostics(syntheticTrace(20, 0.5, 2.0f, 0.5f, 0.1), 5).rows, 6);
  EXPECT_EQ(chainDiagnostics(syntheticTrace(20, 0.5, 2.0f, 0.5f, 0.1), 5).verdict,
            ChainDiagnostics::Verdict::None);
}

} // namespace
