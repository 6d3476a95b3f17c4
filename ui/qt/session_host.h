// SessionHost: the GUI's handle on the core. It owns one ebm::Session, forwards commands to
// it (never waiting on compute) and polls its snapshot on a ~30 Hz timer, emitting
// snapshotChanged only when the core published something new. GUI thread only.
// Replacing the session (new model, other preset) hands the old one to a background
// thread to be joined, so the window never blocks on a chain that is still stopping.
#pragma once

#include "session.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace ebm::ui {

using Snapshot = std::shared_ptr<const SessionSnapshot>;

class SessionHost : public QObject {
  Q_OBJECT
public:
  explicit SessionHost(QObject* parent = nullptr);
  ~SessionHost() override;

  /// Starts a new session (the old one is stopped and joined off the GUI thread).
  void open(const RunConfig& config, const SessionOptions& options);
  bool hasSession() const { return m_session != nullptr; }

  void post(Command command);
  /// Live settings of a named chain (see Session::setChainSettings).
  bool setChainSettings(const std::string& chain, const SettingValues& settings);

  /// The most recent snapshot seen by the poll timer (never null after open()).
  Snapshot current() const { return m_current; }
  /// Reads the session's snapshot now (cheap; for tests and immediate UI feedback).
  Snapshot pollNow();

  /// Wall-clock intervals between poll ticks (ms), bounded ring; for the frame benchmark.
  const std::vector<double>& tickIntervals() const { return m_tickIntervals; }
  void clearTickIntervals() {
    m_tickIntervals.clear();
    m_handlerMs.clear();
  }
  /// Time the GUI spent handling each new snapshot (ms): what the panels cost per update.
  const std::vector<double>& handlerTimes() const { return m_handlerMs; }

Q_SIGNALS:
  void snapshotChanged(const ebm::ui::Snapshot& snapshot);
  /// A new error appeared in the session (message as the core wrote it).
  void errorReported(const QString& message);
  void sessionReplaced();

private:
  void tick();

  std::unique_ptr<Session> m_session;
  Snapshot m_current;
  uint64_t m_lastSequence = UINT64_MAX;
  uint64_t m_lastErrorCount = 0;
  QTimer m_timer;
  qint64 m_lastTickNs = 0;
  std::vector<double> m_tickIntervals;
  std::vector<double> m_handlerMs;
};

} // namespace ebm::ui

Q_DECLARE_METATYPE(ebm::ui::Snapshot)
