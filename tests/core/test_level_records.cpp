// What the level views of the front ends read from the core: a landscape per noise level
// (cmd::EvaluateLandscape with a level) and, in a ladder chain's trace, the states each level
// starts from (x~, the initializer's proposal, the recovery pull).
#include "base/runtime.h"
#include "errors.h"
#include "methods/capabilities.h"
#include "methods/method.h"
#include "session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace ebm {
namespace {

const std::string kShipped = std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/";

std::shared_ptr<const Landscape> landscapeAt(Session& s, int level) {
  s.post(cmd::EvaluateLandscape{24, -2.0, 2.0, level});
  EXPECT_TRUE(s.waitIdle(120));
  return s.snapshot()->landscape;
}

TEST(LevelLandscape, EachNoiseLevelHasItsOwnEnergy) {
  SessionOptions o;
  o.checkpoint = kShipped + "cdrl-toy2d.safetensors";
  Session s(RunConfig{}, o);
  ASSERT_TRUE(s.waitIdle(120));
  ASSERT_GT(s.snapshot()->methodInfo->capabilities.noiseLevels, 2);
  const auto data = landscapeAt(s, -1), low = landscapeAt(s, 0), high = landscapeAt(s, 4);
  ASSERT_TRUE(data && low && high);
  EXPECT_EQ(data->level, -1);
  EXPECT_EQ(low->level, 0);
  EXPECT_EQ(high->level, 4);
  ASSERT_EQ(high->energy.size(), 24u * 24u);
  double differ = 0;
  for (size_t i = 0; i < low->energy.size(); ++i) {
    EXPECT_TRUE(std::isfinite(high->energy[i]));
    differ += std::abs(low->energy[i] - high->energy[i]);
  }
  EXPECT_GT(differ / low->energy.size(), 1e-4);  // another network input: another landscape
  EXPECT_TRUE(high->logDensity.empty());          // the data's density is not level 4's
}

TEST(LevelLandscape, ALevelOutsideTheLadderIsAClearError) {
  SessionOptions o;
  o.checkpoint = kShipped + "cdrl-toy2d.safetensors";
  Session s(RunConfig{}, o);
  ASSERT_TRUE(s.waitIdle(120));
  const uint64_t errors = s.snapshot()->errorCount;
  s.post(cmd::EvaluateLandscape{16, -2.0, 2.0, 99});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_GT(s.snapshot()->errorCount, errors);
  EXPECT_NE(s.snapshot()->lastError.find("noise level 99"), std::string::npos);
}

TEST(LevelLandscape, AModelWithoutLevelsRefusesALevel) {
  SessionOptions o;
  o.checkpoint = kShipped + "toy2d.safetensors";
  Session s(RunConfig{}, o);
  ASSERT_TRUE(s.waitIdle(120));
  ASSERT_EQ(s.snapshot()->methodInfo->capabilities.noiseLevels, 0);
  s.post(cmd::EvaluateLandscape{16, -2.0, 2.0, 0});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_NE(s.snapshot()->lastError.find("without noise levels"), std::string::npos);
}

Trace ladderTrace(const std::string& checkpoint, int chains) {
  SessionOptions o;
  o.checkpoint = kShipped + checkpoint;
  Session s(RunConfig{}, o);
  EXPECT_TRUE(s.waitIdle(120));
  SettingValues few;
  few.numbers["steps"] = 3;
  EXPECT_TRUE(s.setChainSettings("sample", few));
  s.post(cmd::RunChain{"sample", chains});
  EXPECT_TRUE(s.waitIdle(120));
  const auto snap = s.snapshot();
  const auto* spec = snap->methodInfo->chain("sample");
  EXPECT_TRUE(spec && spec->ladder);
  const auto it = snap->chains.find("sample");
  return it != snap->chains.end() && it->second.trace ? *it->second.trace : Trace{};
}

TEST(LevelRecords, TheLadderRecordsEachLevelsStartAndTheProposal) {
  const Trace t = ladderTrace("cdrl-toy2d.safetensors", 5);
  ASSERT_TRUE(t.finished);
  const std::set<int> levels(t.levels.begin(), t.levels.end());
  ASSERT_EQ(t.levelStates.size(), levels.size());
  int previousLevel = 1 << 20;
  for (const LevelStates& l : t.levelStates) {
    EXPECT_LT(l.level, previousLevel);  // from noise down to data
    previousLevel = l.level;
    EXPECT_EQ(l.conditioning.size(), 5u * 2u);
    ASSERT_EQ(l.proposal.size(), 5u * 2u);  // CDRL's initializer proposes each level's start
    // The chain's first recorded state is the proposal.
    const auto snap = std::find_if(t.snapshots.begin(), t.snapshots.end(),
                                   [&](const TraceSnapshot& s) { return s.step == l.firstStep; });
    ASSERT_NE(snap, t.snapshots.end());
    for (size_t i = 0; i < l.proposal.size(); ++i)
      EXPECT_NEAR(snap->state[i], l.proposal[i], 1e-5);
  }
  EXPECT_EQ(t.levelStates.front().pull, 0.0);  // the top level has no recovery term
  EXPECT_GT(t.levelStates.back().pull, 0.0);
}

TEST(LevelRecords, ChangingTheStepMultiplierScalesThePullBySquare) {
  SessionOptions o;
  o.checkpoint = kShipped + "cdrl-toy2d.safetensors";
  Session s(RunConfig{}, o);
  ASSERT_TRUE(s.waitIdle(120));
  auto pullAt = [&](double m) {
    SettingValues v;
    v.numbers = {{"steps", 2}, {"step_multiplier", m}};
    EXPECT_TRUE(s.setChainSettings("sample", v));
    s.post(cmd::RunChain{"sample", 2});
    EXPECT_TRUE(s.waitIdle(120));
    const auto& trace = *s.snapshot()->chains.at("sample").trace;
    return trace.levelStates.back().pull;
  };
  const double one = pullAt(1.0), two = pullAt(2.0);
  EXPECT_NEAR(two / one, 4.0, 1e-6);
}

} // namespace
} // namespace ebm
