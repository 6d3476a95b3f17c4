// ViewerSession's frame update: polling, adopting a new model, the traces the views show, and
// the requests ui/common's policies find due.
#include "viewer_session.h"

#include "landscape_frame.h"
#include "shipped_models.h"

#include <cstdio>
#include <ctime>

namespace ebm::viewer {
namespace {

constexpr size_t kLogLines = 200;
constexpr int64_t kEditHoldMs = 1000;  // the controls keep a user's edit this long

bool isReady(const SessionSnapshot& snap) {
  return snap.state != RunState::Loading && snap.state != RunState::Failed;
}

std::string defaultRunDir() {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return std::string("runs/viewer-") + stamp;
}

} // namespace

ViewerSession::ViewerSession(const ViewerOptions& options) : m_options(options) {
  if (m_options.runDir.empty())
    m_options.runDir = defaultRunDir();
  m_autoRevise = m_options.benchSeconds <= 0;
  applySpeed();
  openStartModel();
}

int64_t ViewerSession::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               m_start)
      .count();
}

bool ViewerSession::ready() const {
  return m_snap && isReady(*m_snap);
}

SessionOptions ViewerSession::sessionOptions(const std::string& checkpoint) const {
  SessionOptions o;
  o.checkpoint = checkpoint;
  o.runDir = m_options.runDir;
  o.workerNice = 10;  // the window keeps its CPU share while the core computes
  return o;
}

void ViewerSession::openStartModel() {
  const ui::StartModel start = ui::startModel(m_options.preset, m_options.checkpoint);
  RunConfig config;
  if (start.kind == ui::StartModel::Kind::Preset) {
    try {
      config = RunConfig::fromPreset(start.what);
    } catch (const std::exception& e) {
      error(e.what());
      return;
    }
    note("new model from preset " + start.what);
  } else {
    note("opening " + start.what);
  }
  config.runtime.device = m_options.device;
  config.runtime.threads = m_options.threads;
  m_poller.open(config, sessionOptions(start.kind == ui::StartModel::Kind::Checkpoint
                                           ? start.what
                                           : std::string()));
}

bool ViewerSession::update() {
  if (!m_poller.hasSession())
    return false;
  const ui::PollResult r = m_poller.poll();
  if (r.snapshot) {
    ui::SessionPoller::HandlerTiming timing(m_poller);
    onSnapshot(r);
  } else if (ready()) {
    postDue(*m_snap);
  }
  const auto now = std::chrono::steady_clock::now();
  const bool tick = m_cursor.playing() &&
                    now - m_lastTick >= std::chrono::milliseconds(m_cursor.intervalMs());
  if (tick) {
    m_lastTick = now;
    m_cursor.tick();
  }
  return r.snapshot != nullptr || tick;
}

void ViewerSession::onSnapshot(const ui::PollResult& r) {
  m_snap = r.snapshot;
  const SessionSnapshot& snap = *m_snap;
  if (r.newError)
    error(snap.lastError);
  if (snap.lastMessage != m_lastMessage) {
    m_lastMessage = snap.lastMessage;
    if (!m_lastMessage.empty() && (m_log.empty() || m_log.back() != m_lastMessage))
      note(m_lastMessage);
  }
  if (snap.state != RunState::Training)
    m_pausing = false;
  if (!isReady(snap))
    return;
  if (!m_adopted || snap.modelVersion != m_modelVersion)
    adoptMethod(snap);
  showTraces(snap);
  refreshSettings(snap);
  postDue(snap);
}

void ViewerSession::adoptMethod(const SessionSnapshot& snap) {
  m_adopted = true;
  m_modelVersion = snap.modelVersion;
  m_shown = ui::shownChains(*snap.methodInfo);
  const bool plane = ui::isPlaneData(snap);
  m_runs.clear();
  m_settings.clear();
  m_settingsVersion.clear();
  for (const auto& c : snap.methodInfo->chains) {
    m_runs[c.name].chains = plane ? 64 : 8;
    if (auto it = snap.chains.find(c.name); it != snap.chains.end()) {
      m_settings[c.name] = it->second.settings;
      m_settingsVersion[c.name] = it->second.settingsVersion;
    }
  }
  m_dataTrace = m_latentTrace = nullptr;
  clearPin();
  m_cursor.setTraces({});
  m_cursor.follow();
  m_landscape.reset();
  m_repeat.reset();
  m_error.clear();
  note("model: " + snap.methodInfo->title + " on " + snap.data);
}

void ViewerSession::showTraces(const SessionSnapshot& snap) {
  auto data = ui::traceOf(&snap, m_shown.data);
  auto latent = ui::traceOf(&snap, m_shown.latent);
  if (data == m_dataTrace && latent == m_latentTrace)
    return;
  m_dataTrace = std::move(data);
  m_latentTrace = std::move(latent);
  m_cursor.setTraces({m_dataTrace, m_latentTrace});
}

void ViewerSession::refreshSettings(const SessionSnapshot& snap) {
  // The session's values replace the shown ones unless the user is editing them right now.
  if (nowMs() - m_lastEditMs < kEditHoldMs)
    return;
  for (const auto& [name, view] : snap.chains)
    if (m_settingsVersion[name] != view.settingsVersion) {
      m_settingsVersion[name] = view.settingsVersion;
      m_settings[name] = view.settings;
    }
}

void ViewerSession::postDue(const SessionSnapshot& snap) {
  if (m_options.train > 0 && snap.state == RunState::Idle) {  // --train, once
    m_poller.post(cmd::StartTraining{m_options.train});
    m_options.train = 0;
  }
  if (auto request = m_landscape.next(snap, nowMs()))
    m_poller.post(*request);
  if (m_autoRevise && m_repeat.firstDue(snap)) {
    m_cursor.follow();
    for (const auto& run : m_repeat.start(m_snap.get(), revisionRuns(), nowMs()))
      m_poller.post(run);
    return;
  }
  ui::RepeatGate gate;
  gate.enabled = m_repeatOn;
  gate.playing = m_cursor.playing();
  gate.cursorParked = m_cursor.parked();
  for (const auto& run : m_repeat.next(snap, revisionRuns(), gate, nowMs()))
    m_poller.post(run);
}

void ViewerSession::note(const std::string& line) {
  m_log.push_back(line);
  while (m_log.size() > kLogLines)
    m_log.pop_front();
}

void ViewerSession::error(const std::string& message) {
  m_error = message;
  note("error: " + message);
  std::fprintf(stderr, "ebm-viewer: error: %s\n", message.c_str());
}

} // namespace ebm::viewer
