#include "autosave_finder.h"

#include <algorithm>
#include <system_error>

namespace ebm::ui {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxFoldersScanned = 500;  // a run folder's parent may be any large folder

// The folder's autosave when no checkpoint beside it is as new.
bool offerFrom(const fs::path& folder, AutosaveOffer& offer) {
  std::error_code ec;
  const fs::path autosave = folder / "autosave.safetensors";
  const auto written = fs::last_write_time(autosave, ec);
  if (ec)
    return false;
  const auto checkpoint = fs::last_write_time(folder / "checkpoint.safetensors", ec);
  if (!ec && checkpoint >= written)
    return false;
  offer = {autosave.string(), folder.filename().string(), written};
  return true;
}

} // namespace

std::vector<AutosaveOffer> findNewerAutosaves(const std::string& runDir, size_t limit) {
  std::vector<AutosaveOffer> offers;
  if (runDir.empty())
    return offers;
  const fs::path own = fs::absolute(fs::path(runDir)).lexically_normal();
  std::vector<fs::path> folders{own};
  std::error_code ec;
  fs::directory_iterator it(own.parent_path(), ec), end;
  for (size_t scanned = 0; !ec && it != end && scanned < kMaxFoldersScanned;
       it.increment(ec), ++scanned) {
    std::error_code dirError;
    if (it->is_directory(dirError) && it->path() != own)
      folders.push_back(it->path());
  }
  for (const auto& folder : folders) {
    AutosaveOffer offer;
    if (offerFrom(folder, offer))
      offers.push_back(std::move(offer));
  }
  std::sort(offers.begin(), offers.end(),
            [](const AutosaveOffer& a, const AutosaveOffer& b) { return a.written > b.written; });
  if (offers.size() > limit)
    offers.resize(limit);
  return offers;
}

} // namespace ebm::ui
