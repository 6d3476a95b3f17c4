#include "level_ladder.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ebm::ui {
namespace {

// Index of the last snapshot at or before `step` (-1: none).
int ladderSnapshotAtOrBefore(const Trace& trace, int step) {
  int found = -1;
  for (size_t i = 0; i < trace.snapshots.size() && trace.snapshots[i].step <= step; ++i)
    found = static_cast<int>(i);
  return found;
}

} // namespace

bool isLadder(const Trace& trace) {
  return trace.levels.size() == trace.steps.size() && !trace.levels.empty() &&
         std::any_of(trace.levels.begin(), trace.levels.end(),
                     [&](int l) { return l != trace.levels.front(); });
}

std::vector<LevelColumn> levelColumns(const Trace& trace) {
  std::vector<LevelColumn> out;
  if (trace.levels.size() != trace.steps.size())
    return out;
  for (size_t i = 0; i < trace.steps.size(); ++i) {
    const int level = trace.levels[i];
    if (out.empty() || out.back().level != level) {
      LevelColumn c;
      c.level = level;
      c.firstStep = trace.steps[i];
      out.push_back(c);
    }
    out.back().lastStep = trace.steps[i];
  }
  // A long run at the lowest level continues its column.
  for (size_t i = 1; i < out.size();)
    if (out[i].level == out[i - 1].level) {
      out[i - 1].lastStep = out[i].lastStep;
      out.erase(out.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
  for (auto& c : out) {
    const int s = ladderSnapshotAtOrBefore(trace, c.lastStep);
    c.endSnapshot = s >= 0 && trace.snapshots[s].step >= c.firstStep ? s : -1;
    c.states = trace.statesOfLevel(c.level);
  }
  return out;
}

std::vector<int> snapshotsIn(const Trace& trace, const LevelColumn& column) {
  std::vector<int> out;
  for (size_t i = 0; i < trace.snapshots.size(); ++i)
    if (trace.snapshots[i].step >= column.firstStep && trace.snapshots[i].step <= column.lastStep)
      out.push_back(static_cast<int>(i));
  return out;
}

int levelAtStep(const Trace& trace, int step) {
  if (trace.levels.empty() || trace.levels.size() != trace.steps.size())
    return -1;
  if (step < 0)
    return trace.levels.back();
  const auto it = std::upper_bound(trace.steps.begin(), trace.steps.end(), step);
  const size_t i = it == trace.steps.begin() ? 0 : size_t(it - trace.steps.begin()) - 1;
  return trace.levels[i];
}

std::vector<std::pair<int, int>> levelStarts(const Trace& trace) {
  std::vector<std::pair<int, int>> out;
  for (const auto& c : levelColumns(trace))
    out.emplace_back(c.firstStep, c.level);
  return out;
}

double meanProposalGap(const Trace& trace, const LevelColumn& column) {
  if (!column.states || column.states->proposal.empty() || column.endSnapshot < 0 ||
      trace.chains < 1)
    return -1;
  const auto& end = trace.snapshots[column.endSnapshot].state;
  const auto& p = column.states->proposal;
  if (end.size() != p.size())
    return -1;
  const size_t dim = p.size() / size_t(trace.chains);
  double sum = 0;
  for (int c = 0; c < trace.chains; ++c) {
    double sq = 0;
    for (size_t k = 0; k < dim; ++k) {
      const double d = end[c * dim + k] - p[c * dim + k];
      sq += d * d;
    }
    sum += std::sqrt(sq);
  }
  return sum / trace.chains;
}

std::vector<PullArrow> pullArrows(const Trace& trace, int step, int maxChains) {
  std::vector<PullArrow> out;
  if (trace.stateShape != std::vector<int64_t>{2} || trace.snapshots.empty())
    return out;
  const int at = step < 0 ? trace.lastStep() : step;
  const LevelStates* states = trace.statesOfLevel(levelAtStep(trace, at));
  const int s = ladderSnapshotAtOrBefore(trace, at);
  if (!states || states->pull <= 0 || s < 0 ||
      states->conditioning.size() != trace.snapshots[s].state.size())
    return out;
  const auto& y = trace.snapshots[s].state;
  const auto& target = states->conditioning;
  const float pull = static_cast<float>(states->pull);
  for (int c = 0; c < std::min(maxChains, trace.chains); ++c) {
    PullArrow a;
    a.x = y[2 * c];
    a.y = y[2 * c + 1];
    a.tx = target[2 * c];
    a.ty = target[2 * c + 1];
    a.dx = -pull * (a.x - a.tx);
    a.dy = -pull * (a.y - a.ty);
    out.push_back(a);
  }
  return out;
}

namespace {

bool ladderSchemaHas(const std::vector<SettingSpec>& schema, const std::string& key) {
  return std::any_of(schema.begin(), schema.end(),
                     [&](const SettingSpec& s) { return s.key == key; });
}

std::string composedLabelKey(int j) { return j == 1 ? "label" : "label_" + std::to_string(j); }
std::string composedWeightKey(int j) { return j == 1 ? "weight" : "weight_" + std::to_string(j); }

} // namespace

int composableLabels(const std::vector<SettingSpec>& schema) {
  int n = 0;
  while (ladderSchemaHas(schema, composedLabelKey(n + 1)))
    ++n;
  return n;
}

SettingValues guidanceSettings(const std::vector<SettingSpec>& schema,
                               const std::vector<ComposedClass>& classes, double w) {
  SettingValues v;
  if (ladderSchemaHas(schema, "guidance"))
    v.numbers["guidance"] = w;
  const int terms = composableLabels(schema);
  for (int j = 1; j <= terms; ++j) {
    const bool used = j <= static_cast<int>(classes.size());
    v.choices[composedLabelKey(j)] = used ? std::to_string(classes[j - 1].label)
                                  : (j == 1 ? "each" : "none");
    if (ladderSchemaHas(schema, composedWeightKey(j)))
      v.numbers[composedWeightKey(j)] = used ? classes[j - 1].weight : 1.0;
  }
  return v;
}

double stepScaleFor(int steps, int fewerSteps) {
  if (steps < 1 || fewerSteps < 1)
    return 1.0;
  return std::sqrt(static_cast<double>(steps) / static_cast<double>(fewerSteps));
}

} // namespace ebm::ui
