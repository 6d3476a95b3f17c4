// ui/common's landscape tools on hand-made traces: arrows from the recorded moves, positions
// rebuilt at every step, the position histogram against a density, the start batch, the chain
// pick, and the energy autocorrelation.
#include "chain_diagnostics.h"
#include "particle_tools.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace ebm::ui {
namespace {

// Two 2-D chains for 4 steps, each step moving by drift (0.1, 0) and noise (0, 0.05 * chain);
// snapshots at steps 0 and 2 only (as a thinned trace keeps them).
Trace movingTrace() {
  Trace t;
  t.chains = 2;
  t.stateShape = {2};
  std::vector<float> x{0.0f, 0.0f, 1.0f, 1.0f};
  for (int s = 0; s <= 4; ++s) {
    t.steps.push_back(s);
    t.energy.push_back({float(s), float(-s)});
    const bool last = s == 4;
    const float nan = std::nanf("");
    t.driftVec.push_back(last ? std::vector<float>(4, nan) : std::vector<float>{0.1f, 0, 0.1f, 0});
    t.noiseVec.push_back(last ? std::vector<float>(4, nan) : std::vector<float>{0, 0, 0, 0.05f});
    t.driftNorm.push_back({0.1f, 0.1f});
    t.noiseNorm.push_back({0.0f, 0.05f});
    if (s % 2 == 0)
      t.snapshots.push_back({s, x, {}});
    for (int c = 0; c < 2 && !last; ++c) {
      x[size_t(2 * c)] += 0.1f;
      x[size_t(2 * c + 1)] += 0.05f * c;
    }
  }
  t.finished = true;
  return t;
}

TEST(ParticleTools, ArrowsStartAtTheShownSnapshotAndShowItsMove) {
  const Trace t = movingTrace();
  const auto a = chainArrows(t, 3, {1});  // the cursor at 3 shows the snapshot of step 2
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].step, 2);
  EXPECT_FLOAT_EQ(a[0].x, 1.2f);
  EXPECT_FLOAT_EQ(a[0].y, 1.1f);
  EXPECT_FLOAT_EQ(a[0].drift[0], 0.1f);
  EXPECT_FLOAT_EQ(a[0].noise[1], 0.05f);
  EXPECT_FLOAT_EQ(a[0].noiseNorm, 0.05f);
  EXPECT_TRUE(chainArrows(t, -1, {0, 1}).empty()) << "the final state takes no move";
  EXPECT_TRUE(chainArrows(t, 0, {7}).empty());
}

TEST(ParticleTools, PositionsAreRebuiltAtEveryStep) {
  const Trace t = movingTrace();
  const auto xy = positionsUpTo(t, 3);
  ASSERT_EQ(xy.size(), 4u * 4u);  // steps 0..3, 2 chains
  EXPECT_NEAR(xy[2 * 2 * 1 + 2], 1.1f, 1e-6);  // step 1, chain 1, x
  EXPECT_NEAR(xy[2 * 2 * 3 + 3], 1.15f, 1e-6); // step 3, chain 1, y
  EXPECT_EQ(positionsUpTo(t, -1).size(), 5u * 4u);
}

TEST(ParticleTools, HistogramSharesSumToOneAndCompareWithTheDensity) {
  const Trace t = movingTrace();
  Landscape l;
  l.res = 3;
  l.lo = -2;
  l.hi = 2;
  l.logDensity.assign(9, 0.0f);  // uniform
  const PlaneRect view{-2, 2, -2, 2};
  const auto h = positionHistogram(t, -1, &l, view, 4);
  EXPECT_EQ(h.samples, 10);
  EXPECT_EQ(h.outside, 0);
  EXPECT_NEAR(std::accumulate(h.chains.begin(), h.chains.end(), 0.0), 1.0, 1e-6);
  ASSERT_EQ(h.density.size(), 16u);
  EXPECT_NEAR(std::accumulate(h.density.begin(), h.density.end(), 0.0), 1.0, 1e-6);
  EXPECT_GT(h.totalVariation, 0.5);  // all positions in two bins vs a flat density
  EXPECT_EQ(h.lastStep, 4);
  const auto none = positionHistogram(t, -1, nullptr, view, 4);
  EXPECT_TRUE(none.density.empty());
  EXPECT_EQ(none.totalVariation, -1);
}

TEST(ParticleTools, StartsPicksAndNearestChain) {
  EXPECT_EQ(startBatch({{1, 2}, {3, 4}}), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(startBatch({{1, 2}}), (std::vector<float>{1, 2, 1, 2})) << "two chains at least";
  const auto pick = pickChains(10, 5, 1);
  ASSERT_EQ(pick.size(), 5u);
  EXPECT_TRUE(std::is_sorted(pick.begin(), pick.end()));
  EXPECT_EQ(pickChains(3, 5, 1).size(), 3u);
  const Trace t = movingTrace();
  EXPECT_EQ(nearestChain(t, 0, 0.9, 1.05, 0.3), 1);
  EXPECT_EQ(nearestChain(t, 0, 5, 5, 0.3), -1);
}

TEST(ParticleTools, AutocorrelationOfAnAr1SeriesDecaysGeometrically) {
  // x_t = phi x_{t-1} + e_t has rho_k = phi^k.
  std::vector<std::vector<double>> series(4);
  uint64_t state = 7;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(state >> 11) / double(1ULL << 53) - 0.5;
  };
  const double phi = 0.6;
  for (auto& s : series) {
    double x = 0;
    for (int t = 0; t < 20000; ++t)
      s.push_back(x = phi * x + uniform());
  }
  const auto rho = autocorrelation(series, 5);
  ASSERT_EQ(rho.size(), 6u);
  EXPECT_NEAR(rho[0], 1.0, 1e-9);
  for (int k = 1; k <= 5; ++k)
    EXPECT_NEAR(rho[size_t(k)], std::pow(phi, k), 0.03) << "lag " << k;
  EXPECT_EQ(autocorrelation({{1.0, 2.0, 3.0}}, 50).size(), 3u);
}

TEST(ParticleTools, LowMalaAcceptanceMakesTheBadgeSayTheStepIsTooLarge) {
  Trace t = movingTrace();
  TraceRow row{Trace::kMalaAccept, {}};
  for (size_t r = 0; r < t.steps.size(); ++r)
    row.values.push_back({0.1f, 0.2f});
  row.values.back() = {std::nanf(""), std::nanf("")};  // the move into the final state
  t.extras.push_back(row);
  const auto d = chainDiagnostics(t, -1);
  EXPECT_NEAR(d.malaAccept, 0.15, 1e-6);
  EXPECT_EQ(d.malaMoves, 4);
  EXPECT_EQ(d.verdict, ChainDiagnostics::Verdict::TooLarge);
  EXPECT_NE(d.reason.find("MALA"), std::string::npos) << d.reason;
  for (auto& r : t.extras.back().values)
    r = {0.9f, 0.95f};
  EXPECT_NE(chainDiagnostics(t, -1).verdict, ChainDiagnostics::Verdict::TooLarge);
  EXPECT_NEAR(chainDiagnostics(t, 1).malaAccept, 0.925, 1e-6) << "up to the cursor only";
}

} // namespace
} // namespace ebm::ui
