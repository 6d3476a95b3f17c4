#include "run_state_text.h"

#include <cstdio>

namespace ebm::ui {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

bool unfinishedRevision(const ChainView& view) {
  return view.fromRevision && view.trace && !view.trace->finished && !view.trace->stopped &&
         !view.trace->diverged;
}

} // namespace

std::string revisingText(const SessionSnapshot& s) {
  for (const auto& [name, view] : s.chains)
    if (unfinishedRevision(view))
      return "revising the " + name + "-chain (step " + std::to_string(view.trace->lastStep()) +
             ")";
  return "revising";
}

std::string runStateText(const SessionSnapshot& s, bool pausing) {
  std::string text;
  switch (s.state) {
  case RunState::Loading: text = "loading"; break;
  case RunState::Idle: text = s.revisionRunning ? revisingText(s) : "ready"; break;
  case RunState::Training: text = pausing ? "pausing…" : "training"; break;
  case RunState::Paused: text = "paused"; break;
  case RunState::Diverged: text = "diverged at iteration " + std::to_string(s.divergedAt); break;
  case RunState::Failed: text = "failed"; break;
  }
  if (s.state != RunState::Idle && s.revisionRunning)
    text += " · " + revisingText(s);
  return text;
}

std::string rateText(const SessionSnapshot& s) {
  // Each rate says what it measures: training over the last 5 s of wall time, a revision over
  // its compute time (a chain speed's waits are not counted).
  if (s.state == RunState::Training)
    return fixed(s.itersPerSecond, 2) + " it/s · " + fixed(s.langevinStepsPerSecond, 0) +
           " Langevin steps/s (last 5 s)";
  if (s.revisionStepsPerSecond > 0)
    return "revision: " + fixed(s.revisionStepsPerSecond, 0) + " Langevin steps/s of compute";
  return {};
}

std::string iterationText(const SessionSnapshot& s) {
  return "iteration " + std::to_string(s.iteration) + " · epoch " + std::to_string(s.epoch);
}

std::string memoryText(int64_t bytes) {
  if (bytes <= 0)
    return "–";
  return fixed(double(bytes) / (1024.0 * 1024.0), 0) + " MiB";
}

} // namespace ebm::ui
