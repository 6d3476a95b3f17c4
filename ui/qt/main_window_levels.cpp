// MainWindow's share of the noise levels of a ladder chain (ChainSpec::ladder): on image data
// the level × step strip in place of the image strip; the "Noise levels" dock (the landscape's
// level controls for 2-D data, the recovery distance over steps with a level axis, guidance,
// composition and steps per level),
// the landscape's level (chosen, played or following the step cursor) and its pull arrows and
// proposals. Models without noise levels hide the dock.
#include "main_window.h"

#include "curve_plot.h"
#include "guidance_panel.h"
#include "landscape_view.h"
#include "level_controls.h"
#include "level_ladder.h"
#include "level_strip_view.h"
#include "shown_chains.h"

#include <QDockWidget>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace ebm::ui {
namespace {

// The plot's top axis names the level each stretch of steps belongs to.
void showLevelAxis(CurvePlot* plot, const Trace* trace) {
  QCPAxis* top = plot->plot()->xAxis2;
  const auto starts = trace ? levelStarts(*trace) : std::vector<std::pair<int, int>>{};
  if (starts.size() < 2) {
    top->setVisible(false);
    return;
  }
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (size_t i = 0; i < starts.size(); ++i) {
    const double end = i + 1 < starts.size() ? starts[i + 1].first : trace->lastStep();
    ticker->addTick(0.5 * (starts[i].first + end), QObject::tr("level %1").arg(starts[i].second));
  }
  top->setTicker(ticker);
  top->setVisible(true);
  top->setTickLabels(true);
  top->setRange(plot->plot()->xAxis->range());
  plot->plot()->replot(QCustomPlot::rpQueuedReplot);
}

void followBottomAxis(CurvePlot* plot) {
  QCustomPlot* p = plot->plot();
  QObject::connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), p->xAxis2,
                   qOverload<const QCPRange&>(&QCPAxis::setRange));
}

} // namespace

void MainWindow::buildLevelDock() {
  auto* panel = new QWidget;
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(0, 0, 0, 0);
  m_levelControls = new LevelControls(panel);
  m_levelStrip = new LevelStripView;
  m_levelCurves = new CurvePlot(tr("Langevin step (top: noise level)"), tr("|y − x̃|"), panel);
  m_guidance = new GuidancePanel(panel);
  m_xStack->addWidget(m_levelStrip);  // replaces the image strip for a ladder chain
  layout->addWidget(m_levelControls);
  m_levelCurves->setMinimumHeight(160);
  layout->addWidget(m_guidance);  // the live knobs first: the curves take what is left
  layout->addWidget(m_levelCurves, 1);
  auto* scroll = new QScrollArea;  // the dock may be short: the knobs scroll, never the window
  scroll->setWidget(panel);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_levelDock = addPanel(tr("Noise levels"), "dock.levels", scroll, Qt::RightDockWidgetArea);
  followBottomAxis(m_levelCurves);
  followBottomAxis(m_energy);
  connect(m_levelControls, &LevelControls::levelChanged, this, [this](int level) {
    m_landscapeRefresh.setLevel(level);
    // Asked at once: an idle session publishes no snapshot that would ask for it.
    if (m_snap && m_snap->state != RunState::Loading && m_snap->state != RunState::Failed)
      if (auto request = m_landscapeRefresh.next(*m_snap, nowMs()))
        m_host->post(*request);
  });
  connect(m_levelControls, &LevelControls::overlayChanged, this, [this] {
    m_landscape->setLevelMarks(m_levelControls->pullArrows(), m_levelControls->proposals());
  });
  connect(m_levelStrip, &LevelStripView::stepClicked, this,
          [this](int step) { setCursorStep(step); });
  connect(m_guidance, &GuidancePanel::settingsWanted, this, [this](const SettingValues& v) {
    if (!m_ladderChain.empty() && !m_host->setChainSettings(m_ladderChain, v))
      onError(tr("the %1-chain refused the setting").arg(QString::fromStdString(m_ladderChain)));
  });
}

void MainWindow::adoptLevels(const SessionSnapshot& snap) {
  m_ladderChain = shownChains(*snap.methodInfo).ladder;
  m_shownLadder = nullptr;
  const bool plane = isPlaneData(snap);
  const int levels = m_ladderChain.empty() ? 0 : snap.methodInfo->capabilities.noiseLevels;
  m_levelControls->setLevels(plane ? levels : 0);
  m_levelControls->setVisible(plane && levels > 0);
  // Images of a ladder chain: one column per level instead of one per step (2-D states are
  // drawn on the landscape).
  if (!plane && levels > 0 && m_dataChain == m_ladderChain)
    m_xStack->setCurrentWidget(m_levelStrip);
  m_levelStrip->setTrace(nullptr);
  m_levelCurves->clear(tr("no chain from noise yet"));
  m_guidance->setChain(snap.methodInfo->chain(m_ladderChain));
  m_landscapeRefresh.setLevel(plane && levels > 0 ? m_levelControls->level() : -1);
  m_landscape->setLevelMarks(m_levelControls->pullArrows(), m_levelControls->proposals());
  m_levelDock->setVisible(levels > 0);
  if (levels > 0)
    m_levelDock->raise();
}

void MainWindow::showLadder(const SessionSnapshot& snap) {
  const auto trace = m_ladderChain.empty() ? nullptr : traceOf(&snap, m_ladderChain);
  if (!trace || trace == m_shownLadder)
    return;
  m_shownLadder = trace;
  m_levelStrip->setTrace(trace);
  if (const TraceRow* d = trace->extra("recovery_distance"))
    m_levelCurves->setBundle(bundleOf(*trace, d->values), tr("|y − x̃|"));
  showLevelAxis(m_levelCurves, trace.get());
  showLevelAxis(m_energy, m_shownData.get());
}

void MainWindow::showCursorLevel() {
  // While a ladder chain is shown on the landscape, its level at the cursor is the landscape's.
  if (!m_levelControls || m_levelControls->levels() == 0 || !m_levelControls->followsChain() ||
      !m_shownData || m_dataChain != m_ladderChain)
    return;
  // Only a moved cursor or a new trace moves the level: a level the user chose stays otherwise.
  const int step = m_cursor.step();
  if (step == m_levelFollowStep && m_shownData == m_levelFollowTrace.lock())
    return;
  m_levelFollowStep = step;
  m_levelFollowTrace = m_shownData;
  const int level = levelAtStep(*m_shownData, step);
  if (level >= 0)
    m_levelControls->setLevel(level);
}

} // namespace ebm::ui
