#include "step_cursor.h"

#include <algorithm>

namespace ebm::ui {

void StepCursor::setTraces(std::vector<std::shared_ptr<const Trace>> traces) {
  m_traces = std::move(traces);
  if (parked())
    set(m_step);
}

int StepCursor::lastStep() const {
  int last = 0;
  for (const auto& t : m_traces)
    if (t)
      last = std::max(last, t->lastStep());
  return last;
}

void StepCursor::set(int step) { m_step = step < 0 ? kFollow : std::min(step, lastStep()); }

void StepCursor::stepBy(int delta) { set(std::clamp(shownStep() + delta, 0, lastStep())); }

void StepCursor::togglePlayback() {
  if (m_playing) {
    m_playing = false;
    return;
  }
  if (!parked() || m_step >= lastStep())
    set(0);
  m_playing = true;
}

bool StepCursor::tick() {
  if (!m_playing)
    return false;
  if (m_step >= lastStep()) {
    m_playing = false;
    return false;
  }
  stepBy(m_stepsPerTick);
  return true;
}

void StepCursor::setSpeed(int stepsPerTick, int intervalMs) {
  m_stepsPerTick = std::max(1, stepsPerTick);
  m_intervalMs = std::max(1, intervalMs);
}

} // namespace ebm::ui
