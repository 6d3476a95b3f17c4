#include "session_host.h"

namespace ebm::ui {
namespace {

constexpr int kPollMs = 33;

} // namespace

SessionHost::SessionHost(QObject* parent) : QObject(parent) {
  qRegisterMetaType<Snapshot>("ebm::ui::Snapshot");
  m_timer.setInterval(kPollMs);
  m_timer.setTimerType(Qt::PreciseTimer);
  connect(&m_timer, &QTimer::timeout, this, &SessionHost::tick);
  m_timer.start();
}

SessionHost::~SessionHost() = default;

void SessionHost::open(const RunConfig& config, const SessionOptions& options) {
  m_poller.open(config, options);
  Q_EMIT sessionReplaced();
  publishPoll();
}

Snapshot SessionHost::pollNow() {
  publishPoll();
  return m_poller.current();
}

void SessionHost::tick() {
  publishPoll();
  Q_EMIT ticked();
}

void SessionHost::publishPoll() {
  const PollResult r = m_poller.poll();
  if (!r.snapshot)
    return;
  if (r.newError)
    Q_EMIT errorReported(QString::fromStdString(r.snapshot->lastError));
  SessionPoller::HandlerTiming timing(m_poller);
  Q_EMIT snapshotChanged(r.snapshot);
}

} // namespace ebm::ui
