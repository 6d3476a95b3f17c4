// What the level views read from a ladder chain's trace (a chain that walks down the noise
// levels, ChainSpec::ladder): one column per level from noise to data with the state at the end
// of each level, the snapshots inside a level, the level of a step, the initializer's proposal
// beside the revised sample and the recovery term's pull toward x~. Also the sample chain's
// settings for guidance, composition and fewer steps per level. Plain C++ over core/api.
#pragma once

#include "method_info.h"
#include "trace.h"

#include <utility>
#include <vector>

namespace ebm::ui {

/// One noise level of a ladder trace.
struct LevelColumn {
  int level = 0;
  int firstStep = 0, lastStep = 0;  // the ladder steps the level spans
  int endSnapshot = -1;             // index in trace.snapshots of its last state (-1: none yet)
  const LevelStates* states = nullptr;  // x~ and the proposal, when recorded
};

/// The trace walks more than one noise level.
bool isLadder(const Trace& trace);
/// One column per level in the order walked (noise first, data last).
std::vector<LevelColumn> levelColumns(const Trace& trace);
/// Indices in trace.snapshots of the states inside `column`, in step order.
std::vector<int> snapshotsIn(const Trace& trace, const LevelColumn& column);
/// The level the chain is at at `step` (-1: the trace has no levels; past the end: the last).
int levelAtStep(const Trace& trace, int step);
/// The ladder step at which each level begins, with the level (for a level axis).
std::vector<std::pair<int, int>> levelStarts(const Trace& trace);

/// Mean over chains of |revised - proposal| for a column: the gap the initializer leaves to
/// Langevin. Negative when no proposal or no end state is recorded.
double meanProposalGap(const Trace& trace, const LevelColumn& column);

/// The recovery term's pull on one 2-D particle: from its position toward x~.
struct PullArrow {
  float x = 0, y = 0;      // the particle at the step
  float dx = 0, dy = 0;    // -pull (y - x~): the drift the recovery term adds per step
  float tx = 0, ty = 0;    // x~
};
/// Pull arrows of the first `maxChains` chains of a 2-D ladder trace at `step` (empty when the
/// level has no pull or nothing was recorded).
std::vector<PullArrow> pullArrows(const Trace& trace, int step, int maxChains);

/// One class of a composition and its weight.
struct ComposedClass {
  int label = 0;
  double weight = 1;
};
/// The sample chain's guidance settings: `classes` composed (none: every chain its own class,
/// "each"), at most `maxTerms` of them, with guidance weight w. Keys follow the chain schema:
/// guidance, label, label_2.., weight, weight_2..; only keys the schema has are set.
SettingValues guidanceSettings(const std::vector<SettingSpec>& schema,
                               const std::vector<ComposedClass>& classes, double w);
/// How many labels a schema lets a composition hold (label, label_2, ...).
int composableLabels(const std::vector<SettingSpec>& schema);
/// The step multiplier that keeps the Langevin time K s^2 when K steps per level become K':
/// sqrt(K / K'), or 1 when either is below 1.
double stepScaleFor(int steps, int fewerSteps);

} // namespace ebm::ui
