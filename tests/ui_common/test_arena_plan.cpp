// The arena's plan: which checkpoints share a data set, the panes and the short-run pane, how each
// kind of model uses the shared noise (chosen from MethodInfo alone), and the shared noise itself.
#include "arena_plan.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace ebm;
using namespace ebm::ui;

ChainSpec chain(const std::string& name, std::vector<std::string> inits, bool target = false) {
  ChainSpec c;
  c.name = name;
  c.stateLabel = name;
  c.inits = std::move(inits);
  c.hasTarget = target;
  return c;
}

MethodInfo method(const std::string& title, std::vector<ChainSpec> chains, int levels = 0,
                  bool initializer = false) {
  MethodInfo m;
  m.title = title;
  m.chains = std::move(chains);
  m.capabilities.noiseLevels = levels;
  m.capabilities.initializer = initializer;
  m.capabilities.samplesFromNoise = true;
  return m;
}

TEST(ArenaPlan, DataSetsSharedByTwoOrMoreCheckpoints) {
  DataConfig gauss, board, points;
  board.toy = "checkerboard";
  points.kind = "points";
  points.path = "/tmp/mine.csv";
  EXPECT_EQ(arenaDataKey(gauss), "toy2d/8gaussians");
  EXPECT_EQ(arenaDataKey(points), "points:/tmp/mine.csv");
  EXPECT_EQ(arenaDataTitle("toy2d/checkerboard"), "checkerboard");
  const std::vector<ArenaCandidate> all{{"a", arenaDataKey(gauss)},
                                        {"b", arenaDataKey(board)},
                                        {"c", arenaDataKey(gauss)},
                                        {"d", arenaDataKey(points)},
                                        {"e", arenaDataKey(board)}};
  EXPECT_EQ(arenaDataSets(all),
            (std::vector<std::string>{"toy2d/8gaussians", "toy2d/checkerboard"}));
  const auto panes = arenaLineup(all, "toy2d/checkerboard");
  ASSERT_EQ(panes.size(), 3u);
  EXPECT_EQ(panes[0].checkpoint, "b");
  EXPECT_EQ(panes[1].checkpoint, "e");
  EXPECT_EQ(panes[2].checkpoint, "b");  // the short-run pane reuses the first model's energy
  EXPECT_FALSE(panes[1].shortRun);
  EXPECT_TRUE(panes[2].shortRun);
  EXPECT_TRUE(arenaLineup(all, "toy2d/rings").empty());
}

TEST(ArenaPlan, EachModelUsesTheSharedNoiseAsItCan) {
  // A latent model: its sampling chain starts at its generator, so it cannot take given noise.
  const auto latent = method("Latent", {chain("x", {"generator", "gaussian"}),
                                        chain("z", {"inference"}, true)});
  auto s = arenaSampler(latent, false);
  EXPECT_EQ(s.chain, "x");
  EXPECT_EQ(s.init, "generator");
  EXPECT_EQ(s.use, NoiseUse::OwnStart);
  EXPECT_NE(s.note.find("cannot start from given noise"), std::string::npos);
  // Its energy alone, short-run: the same chain from the shared noise.
  s = arenaSampler(latent, true);
  EXPECT_EQ(s.init, "batch");
  EXPECT_EQ(s.use, NoiseUse::Start);
  EXPECT_NE(s.title.find("short-run"), std::string::npos);
  // A level sampler from noise (the chain with a target is a revision of data, not sampling).
  const auto ladder = method("Ladder", {chain("y", {"data"}, true), chain("sample", {"noise"})}, 6);
  s = arenaSampler(ladder, false);
  EXPECT_EQ(s.chain, "sample");
  EXPECT_EQ(s.init, "batch");
  EXPECT_EQ(s.use, NoiseUse::Start);
  // A level sampler whose chains start at a learned proposal of the noise.
  const auto proposed =
      method("Proposed", {chain("y", {"data"}, true), chain("sample", {"initializer"})}, 6, true);
  s = arenaSampler(proposed, false);
  EXPECT_EQ(s.init, "batch");
  EXPECT_EQ(s.use, NoiseUse::ThroughProposal);
  // Nothing that samples the plane.
  EXPECT_EQ(arenaSampler(method("None", {chain("z", {"a"}, true)}), false).use, NoiseUse::None);
}

TEST(ArenaPlan, SharedNoiseIsStandardNormalAndFollowsTheSeed) {
  const auto a = sharedNoise(2000, 2, 7);
  ASSERT_EQ(a.size(), 4000u);
  EXPECT_EQ(a, sharedNoise(2000, 2, 7));
  EXPECT_NE(a, sharedNoise(2000, 2, 8));
  double mean = 0, var = 0;
  for (float v : a)
    mean += v;
  mean /= double(a.size());
  for (float v : a)
    var += (v - mean) * (v - mean);
  var /= double(a.size());
  EXPECT_NEAR(mean, 0, 0.05);
  EXPECT_NEAR(var, 1, 0.07);
  EXPECT_EQ(sharedNoise(3, 1, 1).size(), 3u);  // an odd count is filled too
}

} // namespace
