// SessionHost: the Qt adapter over SessionPoller (ui/common), which owns the ebm::Session and
// its replacement policy. It adds what is Qt's: a ~30 Hz poll timer and signals, emitting
// snapshotChanged only when the core published something new and errorReported once per new
// error. Commands go in without waiting on compute. GUI thread only.
#pragma once

#include "session_poller.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace ebm::ui {

class SessionHost : public QObject {
  Q_OBJECT
public:
  explicit SessionHost(QObject* parent = nullptr);
  ~SessionHost() override;

  /// Starts a new session (the old one is stopped and joined off the GUI thread).
  void open(const RunConfig& config, const SessionOptions& options);
  bool hasSession() const { return m_poller.hasSession(); }

  void post(Command command) { m_poller.post(std::move(command)); }
  /// Live settings of a named chain (see Session::setChainSettings).
  bool setChainSettings(const std::string& chain, const SettingValues& settings) {
    return m_poller.setChainSettings(chain, settings);
  }

  /// Chain speed of revisions (kept across model switches), and single steps.
  bool setRevisionPace(double stepsPerSecond) { return m_poller.setRevisionPace(stepsPerSecond); }
  void stepRevision(int steps = 1) { m_poller.stepRevision(steps); }
  void setAutosaveSeconds(double seconds) { m_poller.setAutosaveSeconds(seconds); }

  /// The most recent snapshot seen by the poll timer (never null after open()).
  Snapshot current() const { return m_poller.current(); }
  /// Reads the session's snapshot now (cheap; for tests and immediate UI feedback).
  Snapshot pollNow();

  /// Wall-clock intervals between poll ticks (ms), bounded; for the frame benchmark.
  const std::vector<double>& tickIntervals() const { return m_poller.pollIntervals(); }
  void clearTickIntervals() { m_poller.clearTimings(); }
  /// Time the GUI spent handling each new snapshot (ms): what the panels cost per update.
  const std::vector<double>& handlerTimes() const { return m_poller.handlerTimes(); }

Q_SIGNALS:
  void snapshotChanged(const ebm::ui::Snapshot& snapshot);
  /// A new error appeared in the session (message as the core wrote it).
  void errorReported(const QString& message);
  void sessionReplaced();
  /// After every poll tick (~30 Hz), new snapshot or not: a clock that other views can draw on,
  /// so that their frames follow this host's instead of landing between them.
  void ticked();

private:
  void tick();
  void publishPoll();

  SessionPoller m_poller;
  QTimer m_timer;
};

} // namespace ebm::ui

Q_DECLARE_METATYPE(ebm::ui::Snapshot)
