// Following a run folder: its checkpoint is due once when it appears and once each time it is
// replaced (by a rename, as every checkpoint is written), looked at no more than once a second;
// a missing folder is refused with its name; retry() makes the same file due again.
#include "run_follower.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using ebm::ui::RunFollower;

fs::path freshFolder(const std::string& name) {
  const fs::path dir = fs::path(EBM_TEST_TMP) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Writes a checkpoint as the lab does: a temporary file renamed over the old one.
void writeCheckpoint(const fs::path& dir, const std::string& content) {
  const fs::path tmp = dir / "checkpoint.safetensors.tmp";
  std::ofstream(tmp) << content;
  fs::rename(tmp, dir / "checkpoint.safetensors");
}

TEST(RunFollower, ACheckpointIsDueWhenItAppearsAndEachTimeItIsReplaced) {
  const fs::path dir = freshFolder("follow-run");
  RunFollower f;
  ASSERT_EQ(f.follow(dir.string()), "");
  EXPECT_TRUE(f.active());
  EXPECT_FALSE(f.due(0)) << "no checkpoint yet";
  writeCheckpoint(dir, "iteration 100");
  EXPECT_FALSE(f.due(500)) << "looked at most once a second";
  const auto first = f.due(1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, (dir / "checkpoint.safetensors").string());
  EXPECT_FALSE(f.due(2000)) << "unchanged: not due again";
  writeCheckpoint(dir, "iteration 200, a little longer");
  EXPECT_TRUE(f.due(3000));
  EXPECT_EQ(f.sinceChangeMs(3500), 500);
  f.retry();
  EXPECT_TRUE(f.due(4000)) << "a load that was put off is due again";
  f.stop();
  writeCheckpoint(dir, "iteration 300");
  EXPECT_FALSE(f.due(6000)) << "stopped";
}

TEST(RunFollower, AMissingFolderIsRefusedByNameAndAFileCanBeFollowedDirectly) {
  RunFollower f;
  EXPECT_NE(f.follow("/no/such/run").find("/no/such/run"), std::string::npos);
  EXPECT_FALSE(f.active());
  const fs::path dir = freshFolder("follow-file");
  writeCheckpoint(dir, "x");
  ASSERT_EQ(f.follow((dir / "checkpoint.safetensors").string()), "");
  EXPECT_TRUE(f.due(0));
}

} // namespace
