// MainWindow's snapshot routing: each new session snapshot goes to the panels that show it
// (controls, chain views, plots, tools, status bar), a new method re-targets the chain views,
// and the requests ui/common's policies find due (landscape, repeated revisions) are posted.
#include "main_window.h"

#include "chain_insight_bar.h"
#include "compare_panel.h"
#include "controls_panel.h"
#include "curve_plot.h"
#include "image_grid_view.h"
#include "inpaint_panel.h"
#include "interpolation_panel.h"
#include "landscape_view.h"
#include "latent_plane.h"
#include "loss_panel.h"
#include "run_state_text.h"
#include "shown_chains.h"

#include <QDockWidget>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>

namespace ebm::ui {
namespace {

bool modelChanged(const SessionSnapshot* prev, const SessionSnapshot& snap) {
  // A save keeps the model (and what is on screen); a load or a new model replaces both.
  return !prev || prev->modelVersion != snap.modelVersion || !prev->methodInfo ||
         prev->methodInfo != snap.methodInfo;
}

bool isReady(const SessionSnapshot& snap) {
  return snap.state != RunState::Loading && snap.state != RunState::Failed;
}

} // namespace

void MainWindow::onSnapshot(const Snapshot& snapshot) {
  const Snapshot prev = m_snap;
  m_snap = snapshot;
  const SessionSnapshot& snap = *snapshot;
  const bool ready = isReady(snap);
  if (ready && (!m_configLoaded || modelChanged(prev.get(), snap))) {
    m_controls->loadMethod(snap);
    m_compare->loadMethod(snap);
    adoptMethod(snap);
    m_configLoaded = true;
  }
  m_controls->showSnapshot(snap);
  if (ready && !snap.checkpointPath.empty() &&
      (!prev || prev->checkpointPath != snap.checkpointPath))
    addRecent(QString::fromStdString(snap.checkpointPath));  // loaded or saved: worth reopening
  showMessage(snap);
  if (snap.state == RunState::Diverged && m_lastState != RunState::Diverged)
    offerLastGoodCheckpoint(snap);
  m_lastState = snap.state;
  applyTraces(snap);
  m_inpaint->showSnapshot(snap);
  m_interp->showSnapshot(snap);
  m_compare->showSnapshot(snap);
  showInterpolationPath(snap);
  updateStatus(snap);
  updateToolbar(snap);
  if (ready)
    postDueRequests(snap);
}

void MainWindow::adoptMethod(const SessionSnapshot& snap) {
  // The data-space view shows the first chain whose states are data (a landscape on 2-D data),
  // the latent view the first chain that decodes its states; their plots follow them.
  const ShownChains shown = shownChains(*snap.methodInfo);
  m_dataChain = shown.data;
  m_latentChain = shown.latent;
  const ChainSpec* data = snap.methodInfo->chain(m_dataChain);
  const ChainSpec* latent = snap.methodInfo->chain(m_latentChain);
  m_dataDock->setWindowTitle(data ? QString::fromStdString(data->title) : tr("Samples"));
  m_latentDock->setWindowTitle(latent ? QString::fromStdString(latent->title)
                                      : tr("Latent chain"));
  m_energy->clear(data ? tr("no %1-chain yet").arg(QString::fromStdString(data->name))
                       : tr("this model has no data-space chain"));
  m_mse->clear(latent ? tr("no %1-chain yet").arg(QString::fromStdString(latent->name))
                      : tr("%1 has no latent chain").arg(
                            QString::fromStdString(snap.methodInfo->title)));
  setShownTraces(nullptr, nullptr);
  clearPins();
  const bool plane = isPlaneData(snap);
  m_dataInsight->setChain(data, plane);
  m_latentInsight->setChain(latent, plane);
  // The views drop the previous model's chains; a method without a latent chain says so.
  m_xGrid->setTrace(nullptr);
  m_zGrid->setTrace(nullptr);
  m_landscape->beginModel();
  m_latent->setTrace(nullptr);
  m_latent->setPlaceholder(latent ? QString()
                                  : tr("%1 has no latent chain")
                                        .arg(QString::fromStdString(snap.methodInfo->title)));
  rebuildChainActions(*snap.methodInfo);
  m_xStack->setCurrentWidget(plane ? static_cast<QWidget*>(m_landscape) : m_xGrid);
  m_zStack->setCurrentWidget(plane ? static_cast<QWidget*>(m_latent) : m_zGrid);
  m_landscapeRefresh.reset();
  showLatentDocks(latent != nullptr);
  adoptLevels(snap);
}

void MainWindow::applyTraces(const SessionSnapshot& snap) {
  showDataTrace(snap);
  showLatentTrace(snap);
  showLossesAndLandscape(snap);
  showLadder(snap);
  showCursor();
}

void MainWindow::showDataTrace(const SessionSnapshot& snap) {
  const auto trace = traceOf(&snap, m_dataChain);
  if (!trace || trace == m_shownData)
    return;
  setShownTraces(trace, m_shownLatent);
  m_xGrid->setTrace(trace);
  m_landscape->setTrace(trace);
  plotShownTraces();
}

void MainWindow::plotShownTraces() {
  // The curves of the shown traces, over the pinned ones.
  if (m_shownData) {
    const ChainSpec* spec =
        m_snap && m_snap->methodInfo ? m_snap->methodInfo->chain(m_dataChain) : nullptr;
    m_energy->setBundle(bundleOf(*m_shownData, m_shownData->energy),
                        spec ? QString::fromStdString(spec->energyLabel) : tr("energy"));
  }
  if (m_shownLatent && !m_shownLatent->mse.empty())
    m_mse->setBundle(bundleOf(*m_shownLatent, m_shownLatent->mse), "MSE");
}

void MainWindow::showLatentTrace(const SessionSnapshot& snap) {
  const auto trace = traceOf(&snap, m_latentChain);
  if (!trace || trace == m_shownLatent)
    return;
  setShownTraces(m_shownData, trace);
  m_zGrid->setTrace(trace);
  m_latent->setTrace(trace);
  if (!trace->mse.empty())
    m_mse->setBundle(bundleOf(*trace, trace->mse), "MSE");
}

void MainWindow::showLossesAndLandscape(const SessionSnapshot& snap) {
  if (snap.losses != m_shownLosses) {
    m_shownLosses = snap.losses;
    m_losses->setHistory(m_shownLosses, snap.methodInfo);
  }
  if (snap.landscape != m_shownLandscape) {
    m_shownLandscape = snap.landscape;
    m_landscape->setLandscape(m_shownLandscape);
  }
}

void MainWindow::showMessage(const SessionSnapshot& snap) {
  if (snap.lastMessage == m_lastMessage)
    return;
  m_lastMessage = snap.lastMessage;
  if (m_lastMessage.empty())
    return;
  const QString message = QString::fromStdString(m_lastMessage);
  // Repeated revisions alternate two messages; log each kind once per run of repeats.
  if (!m_recentMessages.contains(message))
    log(message);
  m_recentMessages.append(message);
  while (m_recentMessages.size() > 3)
    m_recentMessages.removeFirst();
  m_msgLabel->setStyleSheet({});
  m_msgLabel->setText(message);
}

void MainWindow::offerLastGoodCheckpoint(const SessionSnapshot& snap) {
  // Training stops on divergence; offer the last good checkpoint without blocking.
  const QString good = QString::fromStdString(snap.checkpointPath);
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Training diverged"),
                              QString::fromStdString(snap.lastError), QMessageBox::NoButton,
                              this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  if (!good.isEmpty()) {
    auto* load = box->addButton(tr("Load last good checkpoint"), QMessageBox::AcceptRole);
    connect(load, &QPushButton::clicked, this, [this, good] { loadCheckpoint(good); });
  }
  box->addButton(QMessageBox::Close);
  box->setModal(false);
  box->show();
  m_divergedBox = box;
}

void MainWindow::showInterpolationPath(const SessionSnapshot& snap) {
  if (snap.interpolation == m_shownInterp)
    return;
  m_shownInterp = snap.interpolation;
  // On 2-D data the path is drawn over the landscape.
  const bool twoD = m_shownInterp && m_shownInterp->shape.size() == 1 &&
                    m_shownInterp->shape[0] == 2;
  m_landscape->setPath(twoD ? m_shownInterp->decoded : std::vector<float>{});
}

void MainWindow::updateStatus(const SessionSnapshot& s) {
  m_stateLabel->setText(QString::fromStdString(runStateText(s, m_controls->pausing())));
  m_iterLabel->setText(QString::fromStdString(iterationText(s)));
  m_rateLabel->setText(QString::fromStdString(rateText(s)));
  m_deviceLabel->setText(QString::fromStdString(s.device));
  m_memLabel->setText(tr("RSS %1").arg(QString::fromStdString(memoryText(s.residentBytes))));
}

void MainWindow::postDueRequests(const SessionSnapshot& snap) {
  if (auto landscape = m_landscapeRefresh.next(snap, nowMs()))
    m_host->post(*landscape);
  // A lesson runs its own chains: a model it loads is not revised on its own.
  if (m_options.autoRevise && !m_lesson.active() && m_repeat.firstDue(snap))
    startRevisions();
  else
    maybeRepeat(snap);
}

std::vector<cmd::RunChain> MainWindow::revisionRuns() const {
  std::vector<cmd::RunChain> runs;
  for (auto* g : m_controls->chainGroups())
    runs.push_back(withPlacedStarts(g->runCommand()));
  return runs;
}

void MainWindow::startRevisions() {
  m_cursor.follow();
  for (const auto& run : m_repeat.start(m_snap.get(), revisionRuns(), nowMs()))
    m_host->post(run);
}

void MainWindow::maybeRepeat(const SessionSnapshot& snap) {
  RepeatGate gate;
  gate.enabled = m_repeatAction->isChecked();
  gate.playing = m_cursor.playing();
  gate.cursorParked = m_cursor.parked();
  for (const auto& run : m_repeat.next(snap, revisionRuns(), gate, nowMs()))
    m_host->post(run);
}

} // namespace ebm::ui
