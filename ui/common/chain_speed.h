// ChainSpeed: the one chain-speed control of the front ends, from single steps to as fast as the
// model computes. The same choice paces running revisions (Session::setRevisionPace) and the
// playback of a recorded trace, so what a class watches moves at the speed it chose.
// Plain C++ over core/api.
#pragma once

#include <string>
#include <vector>

namespace ebm::ui {

class ChainSpeed {
public:
  static constexpr double kAsFastAsPossible = 0;
  static constexpr double kDefault = 10;

  /// The choices, slowest first: single steps, 1 ... 100 steps/s, as fast as possible.
  static const std::vector<double>& choices();
  static std::string label(double stepsPerSecond);

  explicit ChainSpeed(double stepsPerSecond = kDefault) { set(stepsPerSecond); }
  /// Snaps to the nearest choice (unknown values become the default).
  void set(double stepsPerSecond);
  double stepsPerSecond() const { return m_value; }
  bool singleStep() const;
  bool asFastAsPossible() const { return m_value == kAsFastAsPossible; }
  void slower();
  void faster();

  /// Playback of a recorded trace at this speed: steps per tick and the tick interval in ms
  /// (single steps play at 1 step/s; as fast as possible at one step per 16 ms frame).
  int playbackStepsPerTick() const;
  int playbackIntervalMs() const;

private:
  int index() const;
  double m_value = kDefault;
};

} // namespace ebm::ui
