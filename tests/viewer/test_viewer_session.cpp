// ViewerSession, the viewer's state between frames, on a real session of the shipped toy2d
// model (no window needed): it adopts the model and starts revising, a live setting reaches the
// session (a drag once it ends), a pin keeps the shown traces, and a missing or corrupt checkpoint is refused with its
// error while the running model stays.
#include "viewer_session.h"

#include "shipped_models.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

namespace {

using ebm::RunState;
using ebm::viewer::ViewerOptions;
using ebm::viewer::ViewerSession;

ViewerOptions toyOptions() {
  ViewerOptions o;
  o.checkpoint = ebm::ui::shippedCheckpoint("toy2d");
  o.device = "cpu";
  o.threads = 1;
  o.runDir = std::string(EBM_TEST_TMP) + "/viewer-session";
  return o;
}

/// Updates every 5 ms until `ok` holds; returns whether it did within `seconds`.
bool updateUntil(ViewerSession& s, const std::function<bool()>& ok, double seconds = 60) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
    s.update();
    if (ok())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

TEST(ViewerSession, AdoptsTheModelRevisesAndPinsTheShownTraces) {
  ViewerSession s(toyOptions());
  ASSERT_TRUE(updateUntil(s, [&] { return s.ready() && s.method(); }));
  EXPECT_FALSE(s.shown().data.empty());
  ASSERT_TRUE(updateUntil(s, [&] { return s.dataTrace() != nullptr; }));
  s.pin();
  EXPECT_EQ(s.pinned().data, s.dataTrace());
  EXPECT_NE(s.pinned().label.find("steps"), std::string::npos);
  s.clearPin();
  EXPECT_FALSE(s.pinned().any());
}

TEST(ViewerSession, ALiveSettingReachesTheSession) {
  ViewerSession s(toyOptions());
  ASSERT_TRUE(updateUntil(s, [&] { return s.ready() && s.method(); }));
  const std::string chain = s.shown().data;
  s.setSetting(chain, "step_size", 0.123);
  EXPECT_DOUBLE_EQ(s.settings(chain).number("step_size"), 0.123);
  EXPECT_TRUE(updateUntil(s, [&] {
    const auto& view = s.snapshot()->chains.at(chain);
    return view.settings.number("step_size") == 0.123;
  }));
  // A drag shows its value at once and reaches the session when it ends.
  s.editSetting(chain, "step_size", 0.2);
  s.editSetting(chain, "step_size", 0.25);
  EXPECT_DOUBLE_EQ(s.settings(chain).number("step_size"), 0.25);
  updateUntil(s, [] { return false; }, 0.3);
  EXPECT_EQ(s.snapshot()->chains.at(chain).settings.number("step_size"), 0.123);
  s.commitSetting(chain, "step_size");
  EXPECT_TRUE(updateUntil(s, [&] {
    return s.snapshot()->chains.at(chain).settings.number("step_size") == 0.25;
  }));
}

TEST(ViewerSession, ABadCheckpointIsRefusedAndTheRunningModelStays) {
  ViewerSession s(toyOptions());
  ASSERT_TRUE(updateUntil(s, [&] { return s.ready() && s.method(); }));
  const uint64_t model = s.snapshot()->modelVersion;
  s.loadCheckpoint(std::string(EBM_TEST_TMP) + "/no-such-model.safetensors");
  EXPECT_NE(s.lastError().find("no-such-model"), std::string::npos);
  const std::string corrupt = std::string(EBM_TEST_TMP) + "/corrupt.safetensors";
  std::ofstream(corrupt) << "this is not a checkpoint";
  s.clearError();
  s.loadCheckpoint(corrupt);
  EXPECT_NE(s.lastError().find("corrupt.safetensors"), std::string::npos);
  updateUntil(s, [] { return false; }, 0.5);
  ASSERT_TRUE(s.ready());
  EXPECT_EQ(s.snapshot()->modelVersion, model);
  EXPECT_NE(s.snapshot()->state, RunState::Failed);
}

TEST(ViewerSession, AnEmptyPathAsksForOne) {
  ViewerSession s(toyOptions());
  s.loadCheckpoint("");
  EXPECT_NE(s.lastError().find("path"), std::string::npos);
}

} // namespace

namespace {

TEST(ViewerSession, ExportsTheShownTraceAsAGif) {
  ViewerOptions o = toyOptions();
  o.runDir = std::string(EBM_TEST_TMP) + "/viewer-gif";
  std::filesystem::remove_all(o.runDir);
  ViewerSession s(o);
  ASSERT_TRUE(updateUntil(s, [&] { return s.dataTrace() && !s.dataTrace()->snapshots.empty(); }));
  s.exportGif();
  EXPECT_TRUE(s.lastError().empty()) << s.lastError();
  const std::string gif = o.runDir + "/trajectory-" + s.dataTrace()->chain + "-1.gif";
  ASSERT_TRUE(std::filesystem::exists(gif)) << gif;
  EXPECT_GT(std::filesystem::file_size(gif), 100u);
  EXPECT_NE(s.log().back().find("wrote"), std::string::npos);
}

} // namespace

namespace {

TEST(ViewerSession, TrainingStartsPausesResumesAndSaves) {
  ViewerOptions o = toyOptions();
  o.runDir = std::string(EBM_TEST_TMP) + "/viewer-train";
  std::filesystem::remove_all(o.runDir);
  ViewerSession s(o);
  ASSERT_TRUE(updateUntil(s, [&] { return s.ready() && s.method(); }));
  s.trainIterations = 100000;
  s.toggleTraining();
  ASSERT_TRUE(updateUntil(s, [&] { return s.snapshot()->state == RunState::Training; }));
  s.toggleTraining();
  EXPECT_TRUE(s.pausing());
  ASSERT_TRUE(updateUntil(s, [&] { return s.snapshot()->state == RunState::Paused; }));
  EXPECT_FALSE(s.pausing());
  s.saveCheckpoint();
  EXPECT_TRUE(updateUntil(s, [&] {
    return std::filesystem::exists(o.runDir + "/checkpoint.safetensors") &&
           !s.snapshot()->checkpointPath.empty() &&
           s.snapshot()->checkpointPath.find(o.runDir) != std::string::npos;
  }));
  s.toggleTraining();
  EXPECT_TRUE(updateUntil(s, [&] { return s.snapshot()->state == RunState::Training; }));
  s.stopTraining();
  EXPECT_TRUE(updateUntil(s, [&] { return s.snapshot()->state == RunState::Idle; }));
}

} // namespace
