// The MMD series: the estimator against a direct computation and its behaviour on equal and
// distant sets, and the series over a trace (bounded work per update, levels, new data).
#include "mmd_series.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

using namespace ebm;
using namespace ebm::ui;

std::vector<float> cloud(int n, double cx, double cy, double sd, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0, sd);
  std::vector<float> xy;
  for (int i = 0; i < n; ++i) {
    xy.push_back(float(cx + g(rng)));
    xy.push_back(float(cy + g(rng)));
  }
  return xy;
}

double directKernel(const float* p, const float* q) {
  const double d2 = std::pow(p[0] - q[0], 2) + std::pow(p[1] - q[1], 2);
  double k = 0;
  for (double h : {0.02, 0.05, 0.1, 0.2, 0.5, 1.0})
    k += std::exp(-d2 / (2 * h * h));
  return k;
}

TEST(MmdSeries, EstimatorMatchesTheDefinition) {
  const auto a = cloud(5, 0, 0, 0.3, 1), b = cloud(4, 0.2, 0, 0.3, 2);
  double aa = 0, bb = 0, ab = 0;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j)
      if (i != j)
        aa += directKernel(&a[2 * i], &a[2 * j]);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      if (i != j)
        bb += directKernel(&b[2 * i], &b[2 * j]);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 4; ++j)
      ab += directKernel(&a[2 * i], &b[2 * j]);
  const double expected = aa / 20 + bb / 12 - 2 * ab / 20;
  EXPECT_NEAR(mmdSquared(a, b), expected, 1e-6);  // float differences in the test
}

TEST(MmdSeries, NearZeroForTheSameDistributionLargeForDistantSets) {
  const auto data = cloud(400, 0, 0, 0.5, 3);
  EXPECT_NEAR(mmdSquared(cloud(300, 0, 0, 0.5, 4), data), 0, 0.02);
  EXPECT_GT(mmdSquared(cloud(300, 2, 2, 0.5, 5), data), 0.5);
  EXPECT_TRUE(std::isnan(mmdSquared({1.f, 2.f}, data)));  // one point is no set
  std::vector<float> withNan = cloud(50, 0, 0, 0.5, 6);
  withNan.push_back(NAN);
  withNan.push_back(0.f);
  EXPECT_TRUE(std::isfinite(mmdSquared(withNan, data)));
}

Trace planeTrace(const std::vector<std::vector<float>>& states, std::vector<int> levels = {}) {
  Trace t;
  t.chain = "x";
  t.stateShape = {2};
  t.chains = int(states.front().size() / 2);
  for (size_t i = 0; i < states.size(); ++i) {
    t.steps.push_back(int(i));
    t.snapshots.push_back({int(i), states[i], {}});
  }
  t.levels = std::move(levels);
  return t;
}

TEST(MmdSeries, GrowsWithTheTraceAFewSnapshotsAtATime) {
  const auto data = cloud(300, 0, 0, 0.5, 7);
  // A chain set that walks from far away onto the data.
  std::vector<std::vector<float>> states;
  for (int s = 0; s < 6; ++s)
    states.push_back(cloud(64, 3.0 - 0.6 * s, 0, 0.5, 10 + s));
  const Trace trace = planeTrace(states, {1, 1, 1, 0, 0, 0});
  MmdSeries series;
  EXPECT_EQ(series.update(trace), 0);  // no data yet
  series.setData(data);
  EXPECT_EQ(series.pending(trace), 6);
  EXPECT_EQ(series.update(trace, 4), 4);
  EXPECT_EQ(series.pending(trace), 2);
  EXPECT_EQ(series.update(trace, 4), 2);
  EXPECT_EQ(series.update(trace, 4), 0);
  const auto& p = series.points();
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p.front().level, 1);
  EXPECT_EQ(p.back().level, 0);
  EXPECT_GT(p.front().mmd2, 10 * std::max(p.back().mmd2, 0.01));
  for (size_t i = 1; i < p.size(); ++i)
    EXPECT_LT(p[i].step - p[i - 1].step, 2);
  // Other data: the series starts again; the same data keeps it.
  series.setData(data);
  EXPECT_EQ(series.points().size(), 6u);
  series.setData(cloud(300, 1, 1, 0.5, 8));
  EXPECT_TRUE(series.points().empty());
  // A trace of images adds nothing.
  Trace images = trace;
  images.stateShape = {1, 2, 1};
  EXPECT_EQ(series.update(images), 0);
}

} // namespace
