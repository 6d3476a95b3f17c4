// Waiting on a session in the core tests: polls its snapshot until a condition holds.
#pragma once

#include "session.h"

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace ebm::test {

/// The first snapshot within `seconds` for which `ok` holds, else the last one.
inline std::shared_ptr<const SessionSnapshot> waitFor(
    Session& s, double seconds, const std::function<bool(const SessionSnapshot&)>& ok) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
    auto snap = s.snapshot();
    if (ok(*snap))
      return snap;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return s.snapshot();
}

} // namespace ebm::test
