// The autosaves a front end offers at start: only those newer than their run's checkpoint, from
// the run folder and its sibling run folders, newest first.
#include "autosave_finder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using ebm::ui::findNewerAutosaves;

fs::path freshDir(const std::string& name) {
  const fs::path dir = fs::path(EBM_TEST_TMP) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A file written `minutesAgo` minutes ago.
void touch(const fs::path& file, int minutesAgo) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "x";
  fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::minutes(minutesAgo));
}

TEST(AutosaveFinder, OffersAutosavesNewerThanTheirCheckpointNewestFirst) {
  const fs::path runs = freshDir("autosave_finder");
  touch(runs / "crashed/checkpoint.safetensors", 60);
  touch(runs / "crashed/autosave.safetensors", 10);   // newer: the run ended without saving
  touch(runs / "saved/autosave.safetensors", 30);
  touch(runs / "saved/checkpoint.safetensors", 20);   // saved after it: nothing to offer
  touch(runs / "never-saved/autosave.safetensors", 5);  // no checkpoint at all
  fs::create_directories(runs / "empty");
  const auto offers = findNewerAutosaves((runs / "new-run").string());
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[0].run, "never-saved");
  EXPECT_EQ(offers[1].run, "crashed");
  EXPECT_EQ(fs::path(offers[1].path), runs / "crashed" / "autosave.safetensors");
}

TEST(AutosaveFinder, LooksInTheRunFolderItselfAndHonoursTheLimit) {
  const fs::path runs = freshDir("autosave_finder_limit");
  for (int i = 0; i < 5; ++i)
    touch(runs / ("run" + std::to_string(i)) / "autosave.safetensors", 10 + i);
  const auto offers = findNewerAutosaves((runs / "run4").string(), 2);
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[0].run, "run0");
  EXPECT_EQ(offers[1].run, "run1");
  EXPECT_EQ(findNewerAutosaves((runs / "run4").string(), 10).size(), 5u);  // its own too
  EXPECT_TRUE(findNewerAutosaves("").empty());
}

} // namespace
