// Autosaves a front end offers at start: a run that ended without saving (a crash, a killed
// process) leaves <runDir>/autosave.safetensors newer than its checkpoint.safetensors (or with
// none beside it). The finder looks in a run folder and in its sibling run folders (e.g. the
// other runs/gui-<date> folders). Plain C++ over the file system: no Qt, no LibTorch; any thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ebm::ui {

struct AutosaveOffer {
  std::string path;                          // <folder>/autosave.safetensors
  std::string run;                           // the folder's name
  std::filesystem::file_time_type written;   // when the autosave was written
};

/// Autosaves newer than their run's checkpoint, in `runDir` and its siblings, newest first, at
/// most `limit`. Folders that cannot be read are skipped.
std::vector<AutosaveOffer> findNewerAutosaves(const std::string& runDir, size_t limit = 3);

} // namespace ebm::ui
