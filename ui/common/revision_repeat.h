// RevisionRepeat: the "repeat" policy. Once every chain's trace was replaced (or an error came
// and a few seconds passed) it returns the next revisions to post, each with seed + n; never
// while training, revising, playing back or with the cursor parked. Given the snapshot and the
// commands the controls would post. Call from one thread (the GUI's).
// Plain C++ over core/api: no Qt, GL or LibTorch.
#pragma once

#include "session.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ebm::ui {

/// What besides the snapshot may hold a repeat back (the front end knows these).
struct RepeatGate {
  bool enabled = true;        // the user's "repeat" switch
  bool playing = false;       // playback walks the cursor
  bool cursorParked = false;  // the user is looking at one step
};

class RevisionRepeat {
public:
  static constexpr int64_t kMinGapMs = 1500;     // between two rounds
  static constexpr int64_t kErrorWaitMs = 4000;  // after an error, before the next round

  /// Forgets the rounds (a new session or model): the first revisions become due again.
  void reset();
  /// Whether the first revisions are due: the model is idle and none were posted since reset().
  bool firstDue(const SessionSnapshot& snap) const;
  /// The first round: records each chain's current trace and returns `runs` as they are.
  std::vector<cmd::RunChain> start(const SessionSnapshot* snap, std::vector<cmd::RunChain> runs,
                                   int64_t nowMs);
  /// The next round (`runs` with seed + n), or nothing when it is not due.
  std::vector<cmd::RunChain> next(const SessionSnapshot& snap, std::vector<cmd::RunChain> runs,
                                  const RepeatGate& gate, int64_t nowMs);
  bool started() const { return m_started; }
  uint64_t rounds() const { return m_rounds; }

private:
  bool allReplaced(const SessionSnapshot& snap) const;

  bool m_started = false;
  // Each chain's trace in place when its last revision was posted.
  std::map<std::string, std::shared_ptr<const Trace>> m_atPost;
  int64_t m_postedAtMs = 0;
  uint64_t m_errorsAtPost = 0;
  uint64_t m_rounds = 0;
};

/// The latest trace of the chain named `chain` in the snapshot (null when none).
std::shared_ptr<const Trace> traceOf(const SessionSnapshot* snap, const std::string& chain);

} // namespace ebm::ui
