#include "session_poller.h"

#include <algorithm>

namespace ebm::ui {
namespace {

constexpr size_t kMaxTimings = 200000;

double millisecondsBetween(std::chrono::steady_clock::time_point a,
                           std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

} // namespace

SessionPoller::~SessionPoller() {
  m_session.reset();
  for (auto& r : m_retiring)
    r.thread.join();
}

void SessionPoller::open(const RunConfig& config, const SessionOptions& options) {
  reapRetired();
  if (m_session) {
    // Session's destructor requests every chain to stop and joins its worker; a chain that is
    // mid-step may take a while, so that happens here, off the caller's thread.
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread t([old = std::move(m_session), done]() mutable {
      old.reset();
      done->store(true);
    });
    m_retiring.push_back({std::move(t), std::move(done)});
  }
  m_session = std::make_unique<Session>(config, options);
  m_session->setRevisionPace(m_pace);  // the chosen chain speed outlives a model switch
  m_lastSequence = UINT64_MAX;
  m_lastErrorCount = 0;
  m_current = m_session->snapshot();
}

void SessionPoller::reapRetired() {
  auto finished = [](Retiring& r) {
    if (!r.done->load())
      return false;
    r.thread.join();
    return true;
  };
  m_retiring.erase(std::remove_if(m_retiring.begin(), m_retiring.end(), finished),
                   m_retiring.end());
}

int SessionPoller::retiring() const {
  return int(std::count_if(m_retiring.begin(), m_retiring.end(),
                           [](const Retiring& r) { return !r.done->load(); }));
}

void SessionPoller::post(Command command) {
  if (m_session)
    m_session->post(std::move(command));
}

bool SessionPoller::setChainSettings(const std::string& chain, const SettingValues& settings) {
  return m_session && m_session->setChainSettings(chain, settings);
}

bool SessionPoller::setRevisionPace(double stepsPerSecond) {
  if (m_session && !m_session->setRevisionPace(stepsPerSecond))
    return false;
  m_pace = stepsPerSecond;
  return true;
}

void SessionPoller::stepRevision(int steps) {
  if (m_session)
    m_session->stepRevision(steps);
}

void SessionPoller::setAutosaveSeconds(double seconds) {
  if (m_session)
    m_session->setAutosaveSeconds(seconds);
}

PollResult SessionPoller::poll() {
  const auto now = std::chrono::steady_clock::now();
  if (m_lastPoll != std::chrono::steady_clock::time_point{} &&
      m_pollIntervals.size() < kMaxTimings)
    m_pollIntervals.push_back(millisecondsBetween(m_lastPoll, now));
  m_lastPoll = now;
  PollResult result;
  if (!m_session)
    return result;
  auto snap = m_session->snapshot();
  if (!snap || snap->sequence == m_lastSequence)
    return result;
  m_lastSequence = snap->sequence;
  m_current = snap;
  result.snapshot = snap;
  if (snap->errorCount > m_lastErrorCount) {
    m_lastErrorCount = snap->errorCount;
    result.newError = true;
  }
  return result;
}

void SessionPoller::clearTimings() {
  m_pollIntervals.clear();
  m_handlerMs.clear();
}

SessionPoller::HandlerTiming::HandlerTiming(SessionPoller& poller)
    : m_poller(poller), m_start(std::chrono::steady_clock::now()) {}

SessionPoller::HandlerTiming::~HandlerTiming() {
  if (m_poller.m_handlerMs.size() < kMaxTimings)
    m_poller.m_handlerMs.push_back(
        millisecondsBetween(m_start, std::chrono::steady_clock::now()));
}

} // namespace ebm::ui
