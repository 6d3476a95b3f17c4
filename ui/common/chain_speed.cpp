#include "chain_speed.h"

#include "session.h"

#include <algorithm>
#include <cmath>

namespace ebm::ui {

const std::vector<double>& ChainSpeed::choices() {
  static const std::vector<double> c{kSingleStep, 1, 2, 5, 10, 20, 50, 100, kAsFastAsPossible};
  return c;
}

std::string ChainSpeed::label(double v) {
  if (v == kSingleStep)
    return "single steps";
  if (v == kAsFastAsPossible)
    return "as fast as possible";
  return std::to_string(static_cast<int>(std::lround(v))) + (v == 1 ? " step/s" : " steps/s");
}

void ChainSpeed::set(double v) {
  const auto& c = choices();
  if (std::find(c.begin(), c.end(), v) != c.end()) {
    m_value = v;
    return;
  }
  if (!(std::isfinite(v) && v > 0)) {
    m_value = kDefault;
    return;
  }
  // The nearest paced choice on a log scale.
  double best = kDefault, bestGap = 1e300;
  for (double x : c)
    if (x > 0 && std::fabs(std::log(x / v)) < bestGap) {
      bestGap = std::fabs(std::log(x / v));
      best = x;
    }
  m_value = best;
}

bool ChainSpeed::singleStep() const { return m_value == kSingleStep; }

int ChainSpeed::index() const {
  const auto& c = choices();
  return static_cast<int>(std::find(c.begin(), c.end(), m_value) - c.begin());
}

void ChainSpeed::slower() { m_value = choices()[std::max(0, index() - 1)]; }

void ChainSpeed::faster() {
  m_value = choices()[std::min<int>(static_cast<int>(choices().size()) - 1, index() + 1)];
}

int ChainSpeed::playbackStepsPerTick() const {
  if (singleStep() || asFastAsPossible())
    return 1;
  return std::max(1, static_cast<int>(std::lround(m_value / 60.0)));
}

int ChainSpeed::playbackIntervalMs() const {
  if (singleStep())
    return 1000;
  if (asFastAsPossible())
    return 16;
  return std::max(16, static_cast<int>(std::lround(1000.0 * playbackStepsPerTick() / m_value)));
}

} // namespace ebm::ui
