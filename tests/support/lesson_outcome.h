// What a lesson leaves behind, for the tests that play lessons in either front end: the settings
// it set and the chains it ran since its last load, read from the lesson file; and the checks
// that a session snapshot holds them (live settings, finished traces that recorded the step
// size). Header-only test support over ui/common's lesson types.
#pragma once

#include "lesson.h"
#include "revision_repeat.h"
#include "session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

namespace ebm::test {

struct LessonOutcome {
  std::map<std::string, SettingValues> settings;
  std::set<std::string> ran;
  bool pinned = false;
};

inline LessonOutcome lessonOutcome(const ui::Lesson& lesson) {
  using Kind = ui::LessonAction::Kind;
  LessonOutcome e;
  for (const auto& step : lesson.steps)
    for (const ui::LessonAction& a : step.actions) {
      if (a.kind == Kind::Load)
        e = {};
      else if (a.kind == Kind::Set)
        e.settings[a.chain].merge(a.values);
      else if (a.kind == Kind::Run)
        e.ran.insert(a.chain);
      e.pinned = e.pinned || a.kind == Kind::Pin;
    }
  return e;
}

/// The snapshot's live settings are the lesson's, and every chain it ran has a finished trace
/// with states that ran with the lesson's last step size (where it set one).
inline void expectOutcome(const SessionSnapshot& s, const LessonOutcome& e) {
  for (const auto& [chain, values] : e.settings) {
    ASSERT_TRUE(s.chains.count(chain)) << chain;
    const SettingValues& live = s.chains.at(chain).settings;
    for (const auto& [key, value] : values.numbers)
      EXPECT_NEAR(live.number(key), value, 1e-9 * (1 + std::abs(value))) << chain << "." << key;
    for (const auto& [key, value] : values.choices)
      EXPECT_EQ(live.choice(key), value) << chain << "." << key;
  }
  for (const auto& chain : e.ran) {
    const auto trace = ui::traceOf(&s, chain);
    ASSERT_TRUE(trace) << chain;
    EXPECT_TRUE(trace->finished) << chain;
    EXPECT_FALSE(trace->snapshots.empty()) << chain;
    const auto& set = e.settings.count(chain) ? e.settings.at(chain) : SettingValues{};
    if (set.numbers.count("step_size") && !trace->stepSize.empty())
      EXPECT_NEAR(trace->stepSize.back(), set.number("step_size"), 1e-9) << chain;
  }
}

} // namespace ebm::test
