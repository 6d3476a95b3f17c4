#include "session_host.h"

#include <QElapsedTimer>

#include <chrono>
#include <thread>

namespace ebm::ui {
namespace {

constexpr int kPollMs = 33;
constexpr size_t kMaxTicks = 200000;

qint64 nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace

SessionHost::SessionHost(QObject* parent) : QObject(parent) {
  qRegisterMetaType<Snapshot>("ebm::ui::Snapshot");
  m_timer.setInterval(kPollMs);
  m_timer.setTimerType(Qt::PreciseTimer);
  connect(&m_timer, &QTimer::timeout, this, &SessionHost::tick);
  m_timer.start();
}

SessionHost::~SessionHost() {
  // The app is quitting: joining here is the one place the GUI waits, and only for the
  // chain to notice its stop flag (checked at every Langevin step).
  m_session.reset();
}

void SessionHost::open(const RunConfig& config, const SessionOptions& options) {
  if (m_session) {
    auto old = std::shared_ptr<Session>(std::move(m_session));
    std::thread([old]() mutable { old.reset(); }).detach();
  }
  m_session = std::make_unique<Session>(config, options);
  m_lastSequence = UINT64_MAX;
  m_lastErrorCount = 0;
  m_current = m_session->snapshot();
  Q_EMIT sessionReplaced();
  tick();
}

void SessionHost::post(Command command) {
  if (m_session)
    m_session->post(std::move(command));
}

bool SessionHost::setChainSettings(const std::string& chain, const SettingValues& settings) {
  return m_session && m_session->setChainSettings(chain, settings);
}

Snapshot SessionHost::pollNow() {
  tick();
  return m_current;
}

void SessionHost::tick() {
  const qint64 t = nowNs();
  if (m_lastTickNs != 0 && m_tickIntervals.size() < kMaxTicks)
    m_tickIntervals.push_back((t - m_lastTickNs) * 1e-6);
  m_lastTickNs = t;
  if (!m_session)
    return;
  auto snap = m_session->snapshot();
  if (!snap || snap->sequence == m_lastSequence)
    return;
  m_lastSequence = snap->sequence;
  m_current = snap;
  if (snap->errorCount > m_lastErrorCount) {
    m_lastErrorCount = snap->errorCount;
    Q_EMIT errorReported(QString::fromStdString(snap->lastError));
  }
  const qint64 t0 = nowNs();
  Q_EMIT snapshotChanged(snap);
  if (m_handlerMs.size() < kMaxTicks)
    m_handlerMs.push_back((nowNs() - t0) * 1e-6);
}

} // namespace ebm::ui
