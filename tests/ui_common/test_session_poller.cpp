// The session poller on a real (small) session: it reports a snapshot only when the core
// published a new one and an error only once, replaces a running session without waiting for
// it, and keeps the timings the frame benchmark reads.
#include "session_poller.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

namespace {

using ebm::RunConfig;
using ebm::RunState;
using ebm::SessionOptions;
using ebm::ui::PollResult;
using ebm::ui::SessionPoller;

RunConfig quickToy() {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  for (const char* width : {"ebm_width", "gen_width", "inf_width"})
    cfg.applyOverride("dual_mcmc.model." + std::string(width) + "=32");
  cfg.train.batchSize = 64;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 1;
  return cfg;
}

/// Polls every 5 ms until `ok` holds for a polled snapshot; returns that poll (or the last).
PollResult pollUntil(SessionPoller& p, const std::function<bool(const PollResult&)>& ok,
                     double seconds = 60) {
  const auto t0 = std::chrono::steady_clock::now();
  PollResult r;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
    r = p.poll();
    if (ok(r))
      return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return r;
}

bool idle(const PollResult& r) { return r.snapshot && r.snapshot->state == RunState::Idle; }

TEST(SessionPoller, ReportsOnlyNewSnapshotsAndEachErrorOnce) {
  SessionPoller p;
  EXPECT_FALSE(p.hasSession());
  EXPECT_FALSE(p.poll().snapshot);
  p.open(quickToy(), SessionOptions{});
  ASSERT_TRUE(p.hasSession());
  ASSERT_TRUE(p.current());
  ASSERT_TRUE(idle(pollUntil(p, idle))) << p.current()->lastError;
  EXPECT_FALSE(p.poll().snapshot);  // an idle session publishes nothing new
  EXPECT_EQ(p.current()->state, RunState::Idle);

  p.post(ebm::cmd::LoadCheckpoint{"/nonexistent-dir/model.safetensors"});
  const auto err = pollUntil(p, [](const PollResult& r) { return r.newError; }, 30);
  ASSERT_TRUE(err.newError);
  EXPECT_NE(err.snapshot->lastError.find("nonexistent-dir"), std::string::npos);
  EXPECT_FALSE(p.poll().newError);
  EXPECT_FALSE(p.poll().snapshot);
}

TEST(SessionPoller, ReplacesARunningSessionWithoutWaitingForIt) {
  SessionPoller p;
  p.open(quickToy(), SessionOptions{});
  ASSERT_TRUE(idle(pollUntil(p, idle)));
  ebm::SettingValues longChain;
  longChain.numbers["steps"] = 100000;
  ASSERT_TRUE(p.setChainSettings("x", longChain));
  p.post(ebm::cmd::RunChain{"x", 64, "", 1, {}});
  ASSERT_TRUE(pollUntil(p, [](const PollResult& r) {
                return r.snapshot && r.snapshot->revisionRunning;
              }).snapshot);
  const auto first = p.current();
  p.open(quickToy(), SessionOptions{});
  // The new session is in place at once (still loading, or already idle when its small model
  // built before this line ran); the old one stops on a thread of its own.
  EXPECT_NE(p.current(), first);
  EXPECT_TRUE(p.current()->state == RunState::Loading || p.current()->state == RunState::Idle)
      << static_cast<int>(p.current()->state);
  EXPECT_FALSE(p.current()->revisionRunning);
  const auto fresh = pollUntil(p, idle);
  ASSERT_TRUE(idle(fresh));
  EXPECT_FALSE(fresh.snapshot->revisionRunning);
  const auto t0 = std::chrono::steady_clock::now();
  while (p.retiring() > 0 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(p.retiring(), 0);
}

TEST(SessionPoller, KeepsPollIntervalsAndHandlerTimes) {
  SessionPoller p;
  p.open(quickToy(), SessionOptions{});
  for (int i = 0; i < 3; ++i) {
    p.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(p.pollIntervals().size(), 2u);
  EXPECT_GE(p.pollIntervals().front(), 15.0);
  {
    SessionPoller::HandlerTiming timing(p);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(p.handlerTimes().size(), 1u);
  EXPECT_GE(p.handlerTimes().front(), 8.0);
  p.clearTimings();
  EXPECT_TRUE(p.pollIntervals().empty());
  EXPECT_TRUE(p.handlerTimes().empty());
}

} // namespace
