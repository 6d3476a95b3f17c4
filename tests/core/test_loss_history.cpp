// The session's loss history: a row for every training iteration whatever train.log_every says
// (which thins only losses.csv), bounded by thinning that keeps the newest row, and handed to
// snapshots as immutable copies.
#include "session.h"

#include "report.h"
#include "session/loss_recorder.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ebm {
namespace {

RunConfig quickToy(int logEvery) {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  test::DualEdit(cfg)->model.ebmWidth = 32;
  test::DualEdit(cfg)->model.genWidth = 32;
  test::DualEdit(cfg)->model.infWidth = 32;
  test::DualEdit(cfg)->x.steps = 3;
  test::DualEdit(cfg)->z.steps = 2;
  cfg.train.batchSize = 32;
  cfg.train.logEvery = logEvery;
  cfg.train.checkpointEvery = 0;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 2;
  return cfg;
}

std::vector<long> csvIterations(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<long> its;
  while (std::getline(in, line))
    its.push_back(std::stol(line.substr(0, line.find(','))));
  return its;
}

// Older rows sit on the stride's grid, the newest is the last iteration appended.
void expectThinned(const LossHistory& h, int stride, long newest) {
  ASSERT_FALSE(h.iterations.empty());
  EXPECT_EQ(h.iterations.back(), newest);
  for (size_t i = 0; i + 1 < h.iterations.size(); ++i) {
    EXPECT_EQ(h.iterations[i] % stride, 0) << "row " << i << " iteration " << h.iterations[i];
    EXPECT_LT(h.iterations[i], h.iterations[i + 1]);
  }
  EXPECT_EQ(h.rows.size(), h.iterations.size());
}

TEST(LossRecorder, KeepsEveryIterationUntilTheBoundThenThinsKeepingTheNewest) {
  LossRecorder r(16);
  r.reset({"a", "b"});
  for (long it = 1; it <= 16; ++it)
    r.append(it, {double(it), -double(it)});
  ASSERT_EQ(r.history().rows.size(), 16u);
  EXPECT_EQ(r.stride(), 1);
  for (long it = 17; it <= 1000; ++it) {
    r.append(it, {double(it), -double(it)});
    ASSERT_LE(r.history().rows.size(), 16u) << "at iteration " << it;
  }
  EXPECT_EQ(r.stride(), 64);  // 16 rows span 16 x 64 iterations before the next doubling
  expectThinned(r.history(), r.stride(), 1000);
  EXPECT_GE(r.history().rows.size(), 7u);  // thinning halves; it never empties the history
  // Each kept row is the value recorded at its iteration.
  for (size_t i = 0; i < r.history().rows.size(); ++i)
    EXPECT_EQ(r.history().rows[i][0], double(r.history().iterations[i]));
}

TEST(LossRecorder, PublishedCopiesStayAsTheyWereWhileRowsAreAdded) {
  LossRecorder r(64);
  r.reset({"loss"});
  r.append(1, {0.5});
  const auto first = r.published(true);
  ASSERT_EQ(first->rows.size(), 1u);
  r.append(2, {0.25});
  EXPECT_EQ(first->rows.size(), 1u);
  const auto second = r.published(true);
  EXPECT_EQ(second->rows.size(), 2u);
  EXPECT_EQ(second->names, std::vector<std::string>{"loss"});
  EXPECT_EQ(r.published(true), second) << "nothing new: the same copy";
  r.append(3, {});  // an empty row (an interrupted iteration) is not a row
  EXPECT_EQ(r.history().rows.size(), 2u);
}

TEST(LossHistory, SessionRecordsEveryIterationAndLogEveryThinsOnlyTheCsv) {
  const auto dir = test::tempDir("loss_history_every");
  SessionOptions opts;
  opts.runDir = dir;
  Session s(quickToy(10), opts);
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StartTraining{25});
  ASSERT_TRUE(s.waitIdle(120));
  const auto snap = s.snapshot();
  ASSERT_EQ(snap->iteration, 25) << snap->lastError;
  ASSERT_TRUE(snap->losses);
  const auto& h = *snap->losses;
  ASSERT_EQ(h.iterations.size(), 25u);
  for (long i = 0; i < 25; ++i)
    EXPECT_EQ(h.iterations[size_t(i)], i + 1);
  for (const auto& row : h.rows)
    EXPECT_EQ(row.size(), h.names.size());
  // Training ended with a save: losses.csv has every 10th iteration and the last.
  EXPECT_EQ(csvIterations(dir + "/losses.csv"), (std::vector<long>{10, 20, 25}));
}

TEST(LossHistory, SessionHistoryStaysBounded) {
  SessionOptions opts;
  opts.maxLossRows = 16;
  Session s(quickToy(10), opts);
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StartTraining{70});
  ASSERT_TRUE(s.waitIdle(240));
  const auto snap = s.snapshot();
  ASSERT_EQ(snap->iteration, 70) << snap->lastError;
  ASSERT_TRUE(snap->losses);
  EXPECT_LE(snap->losses->rows.size(), 16u);
  EXPECT_GE(snap->losses->rows.size(), 8u);
  expectThinned(*snap->losses, 8, 70);  // 70 rows through a bound of 16: stride 8
}

} // namespace

TEST(LossRecorder, RestoresAResumedRunsCurvesUpToItsCheckpointFromLossesCsv) {
  const std::string dir = std::string(EBM_TEST_TMP) + "/loss_restore";
  std::filesystem::create_directories(dir);
  LossHistory h;
  h.names = {"loss_a", "loss_b"};
  for (long it = 1; it <= 6; ++it) {
    h.iterations.push_back(it);
    h.rows.push_back({double(it), -double(it)});
  }
  writeLossCsv(dir + "/losses.csv", h, 2);  // rows 2, 4, 6
  LossRecorder r(100);
  r.reset({"loss_a", "loss_b"});
  EXPECT_EQ(r.restore(dir + "/losses.csv", 4), 2) << "rows after the checkpoint are left out";
  EXPECT_EQ(r.history().iterations, (std::vector<long>{2, 4}));
  EXPECT_DOUBLE_EQ(r.history().rows[1][1], -4.0);
  r.append(5, {5, -5});
  EXPECT_EQ(r.history().iterations.back(), 5);

  LossRecorder other(100);
  other.reset({"loss_a", "loss_c"});
  EXPECT_EQ(other.restore(dir + "/losses.csv", 10), 0) << "another method's losses";
  EXPECT_EQ(other.restore(dir + "/missing.csv", 10), 0);
  std::ofstream(dir + "/bad.csv") << "iteration,loss_a,loss_b\n1,2,x\n";
  LossRecorder bad(100);
  bad.reset({"loss_a", "loss_b"});
  EXPECT_EQ(bad.restore(dir + "/bad.csv", 10), 0);
  EXPECT_TRUE(bad.history().rows.empty()) << "a malformed file appends nothing";
}

} // namespace ebm
