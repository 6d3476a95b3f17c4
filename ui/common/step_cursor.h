// StepCursor: the one step cursor shared by every view of the shown traces (image strips, the
// landscape, the energy and MSE curves), and the playback that walks it. It either follows the
// live chain (the latest step of the traces it spans) or is parked at a step, clamped to the
// last one. Call from one thread (the GUI's); the front end's timer calls tick() every
// intervalMs(). Plain C++ over core/api: no Qt, GL or LibTorch.
#pragma once

#include "trace.h"

#include <memory>
#include <vector>

namespace ebm::ui {

class StepCursor {
public:
  static constexpr int kFollow = -1;
  static constexpr int kDefaultIntervalMs = 60;

  /// The traces the cursor spans (null entries are skipped); a parked cursor keeps its step,
  /// clamped to their last one.
  void setTraces(std::vector<std::shared_ptr<const Trace>> traces);
  /// The last step of the spanned traces (0 when there is none).
  int lastStep() const;

  /// kFollow, or the step it is parked at.
  int step() const { return m_step; }
  bool parked() const { return m_step != kFollow; }
  /// The step the views show: the parked step, or the last one while following.
  int shownStep() const { return parked() ? m_step : lastStep(); }

  /// Parks at `step` (clamped to the last step), or follows for a negative step.
  void set(int step);
  void follow() { m_step = kFollow; }
  /// Moves by `delta` steps from the shown step, within [0, last step].
  void stepBy(int delta);

  /// Playback: every tick advances `stepsPerTick` steps until the last one.
  bool playing() const { return m_playing; }
  /// Starts playback (from step 0 unless parked before the end) or stops it.
  void togglePlayback();
  void stop() { m_playing = false; }
  /// One playback tick: advances, or stops at the last step. Returns whether it still plays.
  bool tick();
  void setSpeed(int stepsPerTick, int intervalMs);
  int stepsPerTick() const { return m_stepsPerTick; }
  int intervalMs() const { return m_intervalMs; }

private:
  std::vector<std::shared_ptr<const Trace>> m_traces;
  int m_step = kFollow;
  bool m_playing = false;
  int m_stepsPerTick = 1;
  int m_intervalMs = kDefaultIntervalMs;
};

} // namespace ebm::ui
