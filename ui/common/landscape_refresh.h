// LandscapeRefresh: when to ask the core for a fresh 2-D energy landscape. On 2-D data it asks
// when there is none yet or the model trained N iterations past the last one asked for or
// shown, and never more often than every 500 ms, so a training run keeps the heatmap live
// without flooding the worker. The square evaluated follows the view (setRange); a moved view
// asks at once. Call from one thread (the GUI's). Plain C++ over core/api: no Qt, GL or LibTorch.
#pragma once

#include "session.h"

#include <cstdint>
#include <optional>

namespace ebm::ui {

/// The data are points in the plane (a landscape can be drawn).
bool isPlaneData(const SessionSnapshot& snap);

struct LandscapeRefreshOptions {
  int res = 128;                // grid points per side (>= 2)
  double lo = -1.5, hi = 1.5;   // the square [lo, hi]^2 evaluated
  long everyIterations = 20;    // training iterations between two landscapes (>= 1)
  int64_t minIntervalMs = 500;  // wall time between two requests (>= 0)
};

class LandscapeRefresh {
public:
  explicit LandscapeRefresh(LandscapeRefreshOptions options = {}) : m_options(options) {}

  /// The request to post now, if one is due.
  std::optional<cmd::EvaluateLandscape> next(const SessionSnapshot& snap, int64_t nowMs);
  /// A new model: the next snapshot on 2-D data asks again (the 500 ms still hold).
  void reset() { m_requestedAt = kNever; m_level = -1; }
  /// The square [lo, hi]^2 to evaluate from now on (the view moved). Unless it is the square
  /// already asked for, the next call asks for it at once, whatever the iteration or the
  /// interval. Ignores a range that is not finite with hi > lo.
  void setRange(double lo, double hi);
  /// The noise level to evaluate from now on (-1: the data energy); a new level asks at once.
  void setLevel(int level);
  int level() const { return m_level; }
  const LandscapeRefreshOptions& options() const { return m_options; }

private:
  static constexpr long kNever = -1000000;
  LandscapeRefreshOptions m_options;
  long m_requestedAt = kNever;         // iteration of the last request
  std::optional<int64_t> m_requestMs;  // wall time of the last request
  int m_level = -1;
  bool m_rangeMoved = false;           // setRange changed the square since the last request
};

} // namespace ebm::ui
