// ArenaPlan: which 2-D models an arena runs side by side and how each one samples. The models are
// checkpoints trained on one data set (chosen by the data in their configs, never by a method's
// name); each pane runs its model's sampling chain, and a last pane runs the first model's
// energy as a short-run sampler (its x-chain from noise). Every pane of a round gets the same
// noise: chains x 2 values drawn once from N(0, I) with the round's seed. How a pane uses that
// noise follows from its model's MethodInfo: a chain whose own start is noise starts there; a
// level sampler with a learned initializer feeds it to its proposal; a model whose samples start
// at its own generator cannot take given noise. Plain C++ over core/api; any thread.
#pragma once

#include "config.h"
#include "method_info.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ebm::ui {

/// A checkpoint the arena may show, with the data it was trained on.
struct ArenaCandidate {
  std::string path;
  std::string dataKey;  // see arenaDataKey
};

/// "toy2d/8gaussians", "points:/path/file.csv": models with equal keys learned the same data.
std::string arenaDataKey(const DataConfig& data);
/// A title for a data key: "8gaussians", "points.csv".
std::string arenaDataTitle(const std::string& dataKey);

/// The data keys at least two candidates share, in the order first seen.
std::vector<std::string> arenaDataSets(const std::vector<ArenaCandidate>& candidates);

/// One pane of an arena: a checkpoint, and whether the pane runs its energy short-run from noise.
struct ArenaPaneSpec {
  std::string checkpoint;
  bool shortRun = false;
};
/// Every candidate trained on `dataKey` (in order), then a short-run pane on the first one.
/// Empty when no candidate has that key.
std::vector<ArenaPaneSpec> arenaLineup(const std::vector<ArenaCandidate>& candidates,
                                       const std::string& dataKey);

/// How a pane's chain uses the shared noise.
enum class NoiseUse {
  Start,            // x_0 is the shared noise
  ThroughProposal,  // the shared noise is the chain's input; x_0 is a learned proposal from it
  OwnStart,         // the chain starts at its own generator's samples (same seed, other noise)
  None,             // the model has no chain that samples in the plane
};

/// The revision a pane posts, and what its pane says about its start.
struct ArenaSampler {
  std::string chain;   // a ChainSpec name ("" with NoiseUse::None)
  std::string init;    // "batch" (the shared noise) or the chain's own first init
  NoiseUse use = NoiseUse::None;
  std::string title;   // e.g. "<method title>: <chain title>" or "short-run: ..."
  std::string note;    // one line on the start, for the pane
};

/// The first chain of `info` whose states are data-shaped points it samples without a target,
/// run as the method samples (shortRun false) or from the shared noise (shortRun true).
ArenaSampler arenaSampler(const MethodInfo& info, bool shortRun);

/// The shared noise of one round: chains x dim values from N(0, I), the same for a seed on every
/// platform (a 64-bit Mersenne Twister and the Box-Muller transform).
std::vector<float> sharedNoise(int chains, int dim, uint64_t seed);

} // namespace ebm::ui
