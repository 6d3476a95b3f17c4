// SessionPoller: a front end's handle on the core, without its toolkit. It owns the Session,
// replaces it with a new one without waiting (the old one is stopped and joined on a thread of
// its own), and on each poll says whether a new snapshot (by sequence) or a new error (by
// errorCount) arrived; it also keeps the poll intervals and handler times a frame benchmark
// reads. Call from one thread (the GUI's). Plain C++ over core/api: no Qt, GL or LibTorch.
#pragma once

#include "session.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace ebm::ui {

using Snapshot = std::shared_ptr<const SessionSnapshot>;

/// What one poll found.
struct PollResult {
  Snapshot snapshot;      // the new snapshot; null when the session published nothing new
  bool newError = false;  // the error count rose: snapshot->lastError is the message
};

class SessionPoller {
public:
  SessionPoller() = default;
  /// Joins the current session and every one still stopping: the one place a front end waits,
  /// and only for a chain to notice its stop flag (checked at every Langevin step).
  ~SessionPoller();
  SessionPoller(const SessionPoller&) = delete;
  SessionPoller& operator=(const SessionPoller&) = delete;

  /// Starts a new session; the old one is handed to a thread that destroys (stops and joins) it,
  /// so this returns at once. The next poll reports the new session's first snapshot.
  void open(const RunConfig& config, const SessionOptions& options);
  bool hasSession() const { return m_session != nullptr; }

  void post(Command command);
  /// Live settings of a named chain (see Session::setChainSettings); false without a session.
  bool setChainSettings(const std::string& chain, const SettingValues& settings);
  /// The running session's autosave interval (see Session::setAutosaveSeconds).
  void setAutosaveSeconds(double seconds);

  /// The chain speed of revisions (see Session::setRevisionPace), kept for every new session.
  bool setRevisionPace(double stepsPerSecond);
  double revisionPace() const { return m_pace; }
  void stepRevision(int steps = 1);
  /// Reads the session's snapshot and records the interval since the previous poll.
  PollResult poll();
  /// The most recent snapshot seen (null before open()).
  Snapshot current() const { return m_current; }

  /// Old sessions whose destruction has not finished yet.
  int retiring() const;

  /// Measures how long the front end spends on one new snapshot: construct before handing the
  /// snapshot to the panels, let it go out of scope after.
  class HandlerTiming {
  public:
    explicit HandlerTiming(SessionPoller& poller);
    ~HandlerTiming();
    HandlerTiming(const HandlerTiming&) = delete;
    HandlerTiming& operator=(const HandlerTiming&) = delete;

  private:
    SessionPoller& m_poller;
    std::chrono::steady_clock::time_point m_start;
  };

  /// Wall-clock intervals between polls (ms), bounded; for the frame benchmark.
  const std::vector<double>& pollIntervals() const { return m_pollIntervals; }
  /// Time the front end spent on each new snapshot (ms): what its panels cost per update.
  const std::vector<double>& handlerTimes() const { return m_handlerMs; }
  void clearTimings();

private:
  struct Retiring {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  void reapRetired();

  std::unique_ptr<Session> m_session;
  std::vector<Retiring> m_retiring;
  Snapshot m_current;
  double m_pace = 0;
  uint64_t m_lastSequence = UINT64_MAX;
  uint64_t m_lastErrorCount = 0;
  std::chrono::steady_clock::time_point m_lastPoll{};
  std::vector<double> m_pollIntervals;
  std::vector<double> m_handlerMs;
};

} // namespace ebm::ui
