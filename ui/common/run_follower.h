// RunFollower: a run folder that trains elsewhere (a cluster job whose folder is synced here, a
// data-parallel job's rank 0), followed by a front end: its checkpoint is due for loading when it
// changed since the last one loaded (another modification time, in nanoseconds, or size:
// checkpoints are replaced by a rename, so a changed file is a whole one). Looked at no more than once a second.
// Plain C++ (std::filesystem); GUI thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ebm::ui {

class RunFollower {
public:
  static constexpr int64_t kCheckEveryMs = 1000;

  /// Follows `folder` (its checkpoint.safetensors, or a .safetensors file given directly); the
  /// checkpoint there now is due at the next check. Returns "" or why the folder cannot be
  /// followed (it does not exist).
  std::string follow(const std::string& folder);
  void stop();
  bool active() const { return !m_folder.empty(); }
  const std::string& folder() const { return m_folder; }
  /// The checkpoint file followed.
  std::string checkpointPath() const;

  /// The checkpoint to load now: present, changed since the last one returned, and looked at
  /// no sooner than kCheckEveryMs after the last look. Nothing otherwise.
  std::optional<std::string> due(int64_t nowMs);
  /// Forget the last one returned, so that the checkpoint is due again (its load was refused
  /// or put off).
  void retry() { m_seen = {}; }
  /// Milliseconds since the followed checkpoint last changed (-1 before any).
  int64_t sinceChangeMs(int64_t nowMs) const;

private:
  struct Stamp {
    int64_t modified = 0;
    uintmax_t size = 0;
    bool operator==(const Stamp& o) const { return modified == o.modified && size == o.size; }
  };
  std::optional<Stamp> stampOf(const std::string& path) const;

  std::string m_folder;
  std::optional<Stamp> m_seen;
  int64_t m_lastLookMs = -1;
  int64_t m_changedAtMs = -1;
};

} // namespace ebm::ui
