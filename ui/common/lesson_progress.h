// LessonProgress: whether a lesson stage is still busy with what it just did. A load or a run the
// stage posted stays pending until a snapshot shows its effect (a new model version; a new trace
// for the chain) or a new error (refused: the front end shows why). A model that is loading, or
// any revision still running, is busy too. Both front ends' stages keep one; plain data over
// SessionSnapshot, so it is tested without a window.
#pragma once

#include "session.h"
#include "trace.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ebm::ui {

class LessonProgress {
public:
  /// A load went in; `before` is the snapshot it was posted against.
  void loadPosted(const SessionSnapshot* before);
  /// A run of `chain` went in (a load still pending stays so).
  void runPosted(const SessionSnapshot* before, const std::string& chain);
  /// Forgets both (a load replaces whatever ran before it).
  void clear();
  bool busy(const SessionSnapshot* now) const;

private:
  struct Pending {
    bool active = false;
    uint64_t modelVersion = 0;
    uint64_t errorCount = 0;
    // The chain's trace before the run, held so that the new trace cannot be given its address
    // (compared by address only: a run that clears the old one before making the new one could
    // otherwise look like no run at all).
    std::shared_ptr<const Trace> trace;
    std::string chain;
  };
  static Pending mark(const SessionSnapshot* before, const std::string& chain);
  static bool stillPending(const Pending& p, const SessionSnapshot* now, bool load);

  Pending m_load, m_run;
};

} // namespace ebm::ui
