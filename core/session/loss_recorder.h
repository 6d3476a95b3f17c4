// The session's loss history: one row per training iteration, bounded by thinning, and shared
// with snapshots by copy-on-publish (at most a few copies a second while training, so appending
// a row never copies the history). Worker thread only; the histories it hands out are immutable
// and may be read on any thread.
#pragma once

#include "session.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ebm {

class LossRecorder {
public:
  /// Beyond maxRows rows (at least 16) the history is thinned.
  explicit LossRecorder(int maxRows);

  /// Starts an empty history of these loss names.
  void reset(std::vector<std::string> names);
  /// Records an iteration's losses (in the order of the names; an empty row is ignored). The
  /// newest row is always kept; older rows are kept at iterations that are multiples of stride(),
  /// which doubles whenever the rows exceed the bound.
  void append(long iteration, const std::vector<double>& row);
  /// Appends the rows of a losses.csv (as writeLossCsv writes it) with iterations up to
  /// `lastIteration`, so that a resumed run continues its curves and rewrites the file whole.
  /// Reads nothing (returns 0) when the file is missing, names other losses or is malformed;
  /// otherwise returns the rows appended.
  int restore(const std::string& csvPath, long lastIteration);
  /// The history as it is now (worker thread).
  const LossHistory& history() const { return m_rows; }
  int stride() const { return m_stride; }
  /// An immutable copy for a snapshot: a fresh one when rows were added since the last copy and
  /// either `now` is true or kMinCopySeconds have passed; else the last copy.
  std::shared_ptr<const LossHistory> published(bool now);

  static constexpr double kMinCopySeconds = 0.2;

private:
  void thin();

  int m_maxRows;
  int m_stride = 1;
  LossHistory m_rows;
  std::shared_ptr<const LossHistory> m_copy = std::make_shared<const LossHistory>();
  bool m_changed = false;
  std::chrono::steady_clock::time_point m_copiedAt{};
};

} // namespace ebm
