#include "landscape_refresh.h"

#include <algorithm>
#include <cmath>

namespace ebm::ui {

bool isPlaneData(const SessionSnapshot& snap) {
  return snap.dataShape.size() == 1 && snap.dataShape[0] == 2;
}

std::optional<cmd::EvaluateLandscape> LandscapeRefresh::next(const SessionSnapshot& snap,
                                                             int64_t nowMs) {
  if (!isPlaneData(snap))
    return std::nullopt;
  if (!m_rangeMoved) {
    const long shown = snap.landscape ? snap.landscape->iteration : kNever;
    if (snap.landscape &&
        snap.iteration - std::max(shown, m_requestedAt) < m_options.everyIterations)
      return std::nullopt;
    if (m_requestMs && nowMs - *m_requestMs < m_options.minIntervalMs)
      return std::nullopt;
  }
  m_rangeMoved = false;
  m_requestedAt = snap.iteration;
  m_requestMs = nowMs;
  return cmd::EvaluateLandscape{m_options.res, m_options.lo, m_options.hi, m_level};
}

void LandscapeRefresh::setLevel(int level) {
  level = std::max(-1, level);
  if (level == m_level)
    return;
  m_level = level;
  m_rangeMoved = true;
}

void LandscapeRefresh::setRange(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo))
    return;
  if (lo == m_options.lo && hi == m_options.hi)
    return;
  m_options.lo = lo;
  m_options.hi = hi;
  m_rangeMoved = true;
}

} // namespace ebm::ui
