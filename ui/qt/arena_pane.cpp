#include "arena_pane.h"

#include "landscape_view.h"

#include <QFileInfo>
#include <QLabel>
#include <QVBoxLayout>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

namespace ebm::ui {
namespace {

constexpr int kArenaLandscapeRes = 96;  // four landscapes at once: a coarser grid than the lab's

void lowerThreadPriority() {
  // Linux: this thread's nice value (the GUI thread keeps its share of the CPU).
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
}

QLabel* arenaLabel(const QString& objectName, bool bold) {
  auto* l = new QLabel;
  l->setObjectName(objectName);
  l->setWordWrap(true);
  if (bold) {
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
  }
  return l;
}

} // namespace

ArenaPane::ArenaPane(const ArenaPaneSpec& spec, const RunConfig& base, QWidget* parent)
    : QFrame(parent), m_spec(spec),
      m_refresh(LandscapeRefreshOptions{kArenaLandscapeRes, -1.5, 1.5, 1000000, 300}) {
  setObjectName("arenaPane");
  setFrameShape(QFrame::StyledPanel);
  m_clock.start();
  m_title = arenaLabel("arenaPaneTitle", true);
  m_note = arenaLabel("arenaPaneNote", false);
  m_status = arenaLabel("arenaPaneStatus", false);
  m_view = new LandscapeView;
  m_view->setLegendVisible(false);
  m_view->setMinimumSize(220, 180);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(2);
  layout->addWidget(m_title);
  layout->addWidget(m_note);
  layout->addWidget(m_view, 1);
  layout->addWidget(m_status);
  m_title->setText(tr("loading %1…").arg(QFileInfo(QString::fromStdString(spec.checkpoint))
                                             .fileName()));

  m_host = new SessionHost(this);
  connect(m_host, &SessionHost::snapshotChanged, this, &ArenaPane::onSnapshot);
  connect(m_host, &SessionHost::errorReported, this, &ArenaPane::onError);
  connect(m_view, &LandscapeView::landscapeRangeWanted, this, [this](double lo, double hi) {
    // Asked for at once: a finished chain publishes no more snapshots to ask with.
    m_refresh.setRange(lo, hi);
    const Snapshot snap = m_host->current();
    if (m_ready && snap)
      if (auto req = m_refresh.next(*snap, m_clock.elapsed()))
        m_host->post(*req);
  });
  SessionOptions options;
  options.checkpoint = spec.checkpoint;
  options.workerNice = 10;  // the window (and a training run) keep their CPU share
  m_host->open(base, options);
  m_view->beginModel();
}

void ArenaPane::run(const std::vector<float>& noise, int chains, uint64_t seed) {
  if (!m_ready || m_sampler.chain.empty())
    return;
  cmd::RunChain c;
  c.chain = m_sampler.chain;
  c.chains = chains;
  c.init = m_sampler.init;
  c.seed = seed;
  if (c.init == "batch")
    c.start = noise;
  const Snapshot snap = m_host->current();
  const auto it = snap->chains.find(m_sampler.chain);
  m_before = it == snap->chains.end() ? nullptr : it->second.trace;
  m_trace = nullptr;
  m_mmd.clear();
  ++m_round;  // a measurement still running belongs to the last round
  m_error.clear();
  m_posted = true;
  m_host->post(std::move(c));
  showStatus();
}

void ArenaPane::stop() {
  if (m_posted)
    m_host->post(cmd::StopRevision{});
}

void ArenaPane::setPace(double stepsPerSecond) {
  m_host->setRevisionPace(stepsPerSecond);
}

bool ArenaPane::measure(int maxNew) {
  // MMD² runs on a thread of its own (a snapshot costs milliseconds): the GUI thread only
  // collects finished points and hands out the next snapshots.
  bool grew = false;
  if (m_job.valid()) {
    if (m_job.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
      return false;
    auto [round, points] = m_job.get();
    if (round == m_round && !points.empty()) {
      m_mmd.add(points);
      grew = true;
    }
  }
  if (m_trace && m_mmd.pending(*m_trace) > 0)
    m_job = std::async(std::launch::async,
                       [series = m_mmd, trace = m_trace, round = m_round, maxNew] {
                         lowerThreadPriority();
                         return std::make_pair(round, series.measure(*trace, maxNew));
                       });
  return grew;
}

void ArenaPane::present() {
  if (m_trace != m_view->trace())
    m_view->setTrace(m_trace);
  showStatus();
}

int ArenaPane::pendingMeasures() const {
  return (m_trace ? m_mmd.pending(*m_trace) : 0) + (m_job.valid() ? 1 : 0);
}

QString ArenaPane::title() const {
  return QString::fromStdString(m_sampler.title.empty() ? m_spec.checkpoint : m_sampler.title);
}

void ArenaPane::onSnapshot(const Snapshot& snap) {
  if (snap->state == RunState::Loading || snap->state == RunState::Failed)
    return;
  if (!m_ready && snap->methodInfo)
    adoptModel(*snap);
  if (auto req = m_refresh.next(*snap, m_clock.elapsed()))
    m_host->post(*req);
  if (snap->landscape && snap->landscape != m_view->landscape()) {
    m_view->setLandscape(snap->landscape);
    m_mmd.setData(snap->landscape->data);
  }
  followRound(*snap);
}

void ArenaPane::adoptModel(const SessionSnapshot& snap) {
  m_sampler = arenaSampler(*snap.methodInfo, m_spec.shortRun);
  m_ready = true;
  const QString file = QFileInfo(QString::fromStdString(m_spec.checkpoint)).fileName();
  m_title->setText(title());
  m_title->setToolTip(QString::fromStdString(m_spec.checkpoint));
  m_note->setText(tr("%1 · %2").arg(file, QString::fromStdString(m_sampler.note)));
  m_note->setToolTip(QString::fromStdString(m_spec.checkpoint));
  m_note->setProperty("noiseUse", int(m_sampler.use));
  showStatus();
  Q_EMIT readyChanged();
}

void ArenaPane::followRound(const SessionSnapshot& snap) {
  if (!m_posted)
    return;
  const auto it = snap.chains.find(m_sampler.chain);
  if (it != snap.chains.end() && it->second.trace && it->second.trace != m_before &&
      it->second.fromRevision)
    m_trace = it->second.trace;  // drawn at the arena's next frame (present)
  const bool ended = m_trace && !snap.revisionRunning &&
                     (m_trace->finished || m_trace->stopped || m_trace->diverged);
  if (ended) {
    m_posted = false;
    present();
    Q_EMIT roundEnded();
  }
}

void ArenaPane::onError(const QString& message) {
  m_error = message;
  if (!m_ready) {
    m_title->setText(tr("%1 did not load")
                         .arg(QFileInfo(QString::fromStdString(m_spec.checkpoint)).fileName()));
    m_note->setText(message);
    return;
  }
  if (m_posted) {
    m_posted = false;
    Q_EMIT roundEnded();
  }
  showStatus();
}

QString ArenaPane::statusText() const {
  if (!m_error.isEmpty())
    return tr("error: %1").arg(m_error);
  if (!m_ready)
    return tr("loading…");
  if (!m_trace)
    return m_posted ? tr("starting…") : tr("ready");
  QString s = tr("step %1").arg(m_trace->lastStep());
  if (!m_trace->levels.empty())
    s += tr(", level %1").arg(m_trace->levels.back());
  const auto& p = m_mmd.points();
  if (!p.empty())
    s += tr("  ·  MMD² %1 at step %2").arg(p.back().mmd2, 0, 'g', 3).arg(p.back().step);
  if (m_trace->diverged)
    s += tr("  ·  diverged");
  else if (m_trace->stopped)
    s += tr("  ·  stopped");
  else if (!m_posted)
    s += tr("  ·  done");
  return s;
}

void ArenaPane::showStatus() {
  m_status->setText(statusText());
}

} // namespace ebm::ui
