// Revision insight: displacement and energy drop per chain against hand-made traces, the
// amplification that fills the display, and the low-temperature sentence.
#include "revision_insight.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using ebm::Trace;
using ebm::TraceSnapshot;
using ebm::ui::revisionInsight;

// Two chains of two entries; chain 0 moves by (3, 4)/10 per snapshot, chain 1 stays.
Trace twoChains(double stepSize, double noise) {
  Trace t;
  t.chains = 2;
  t.stateShape = {2};
  for (int s = 0; s <= 4; s += 2) {
    const float d = 0.1f * s / 2;
    t.snapshots.push_back(TraceSnapshot{s, {3 * d, 4 * d, 1.0f, 1.0f}, {}});
  }
  for (int s = 0; s <= 4; ++s) {
    t.steps.push_back(s);
    t.energy.push_back({5.0f - s, 2.0f});
    t.stepSize.push_back(stepSize);
    t.noise.push_back(noise);
  }
  return t;
}

TEST(RevisionInsight, DisplacementAndEnergyDropPerChainAtTheShownSnapshot) {
  const auto in = revisionInsight(twoChains(0.5, 0.5), 3);  // snapshot at t = 2
  ASSERT_EQ(in.step, 2);
  ASSERT_EQ(in.displacement.size(), 2u);
  // chain 0 moved by (0.3, 0.4): RMS over two entries = 0.5 / sqrt(2)
  EXPECT_NEAR(in.displacement[0], 0.5 / std::sqrt(2.0), 1e-6);
  EXPECT_FLOAT_EQ(in.displacement[1], 0.0f);
  EXPECT_FLOAT_EQ(in.energyDrop[0], 2.0f);
  EXPECT_FLOAT_EQ(in.energyDrop[1], 0.0f);
  EXPECT_NEAR(in.maxAbsChange, 0.4, 1e-6);
  EXPECT_NEAR(in.temperature, 1.0, 1e-12);
  EXPECT_FALSE(in.lowTemperature);
  EXPECT_TRUE(in.explanation.empty());
  // The latest snapshot when following.
  EXPECT_EQ(revisionInsight(twoChains(0.5, 0.5), -1).step, 4);
}

TEST(RevisionInsight, LowTemperatureIsExplainedWithTheNumbersInForce) {
  const auto in = revisionInsight(twoChains(0.5, 0.001), -1);
  EXPECT_TRUE(in.lowTemperature);
  EXPECT_NEAR(in.temperature, 4e-6, 1e-12);
  EXPECT_NE(in.explanation.find("n = 0.001"), std::string::npos) << in.explanation;
  EXPECT_NE(in.explanation.find("s = 0.5"), std::string::npos) << in.explanation;
}

TEST(RevisionInsight, AmplificationFillsTheRangeInRoundSteps) {
  ebm::ui::RevisionInsight in;
  in.maxAbsChange = 0.012;  // 1 / 0.012 = 83 -> 50
  EXPECT_DOUBLE_EQ(in.amplification(), 50.0);
  in.maxAbsChange = 0.4;    // 2.5 -> 2
  EXPECT_DOUBLE_EQ(in.amplification(), 2.0);
  in.maxAbsChange = 3;      // never shrinks
  EXPECT_DOUBLE_EQ(in.amplification(), 1.0);
  in.maxAbsChange = 0;
  EXPECT_DOUBLE_EQ(in.amplification(), 1.0);
}

TEST(RevisionInsight, NothingWithoutAFirstSnapshot) {
  Trace t = twoChains(0.5, 0.5);
  t.snapshots.erase(t.snapshots.begin());
  EXPECT_EQ(revisionInsight(t, -1).step, -1);
}

} // namespace
