#include "run_follower.h"

#include <filesystem>

namespace ebm::ui {

std::string RunFollower::follow(const std::string& folder) {
  std::error_code ec;
  if (folder.empty() || !std::filesystem::exists(folder, ec))
    return "cannot follow " + folder + ": no such folder";
  m_folder = folder;
  m_seen.reset();
  m_lastLookMs = -1;
  m_changedAtMs = -1;
  return {};
}

void RunFollower::stop() {
  m_folder.clear();
  m_seen.reset();
}

std::string RunFollower::checkpointPath() const {
  namespace fs = std::filesystem;
  if (fs::path(m_folder).extension() == ".safetensors")
    return m_folder;
  return (fs::path(m_folder) / "checkpoint.safetensors").string();
}

std::optional<RunFollower::Stamp> RunFollower::stampOf(const std::string& path) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return std::nullopt;
  Stamp s;
  s.modified = int64_t(fs::last_write_time(path, ec).time_since_epoch().count());
  s.size = fs::file_size(path, ec);
  if (ec)
    return std::nullopt;  // replaced between the two looks: the next look sees the new one
  return s;
}

std::optional<std::string> RunFollower::due(int64_t nowMs) {
  if (!active() || (m_lastLookMs >= 0 && nowMs - m_lastLookMs < kCheckEveryMs))
    return std::nullopt;
  m_lastLookMs = nowMs;
  const std::string path = checkpointPath();
  const auto stamp = stampOf(path);
  if (!stamp || (m_seen && *m_seen == *stamp))
    return std::nullopt;
  m_seen = stamp;
  m_changedAtMs = nowMs;
  return path;
}

int64_t RunFollower::sinceChangeMs(int64_t nowMs) const {
  return m_changedAtMs < 0 ? -1 : nowMs - m_changedAtMs;
}

} // namespace ebm::ui
