// The landscape's chain starts and "Fork here": a revision of the data chain from the clicked
// start points, and a branch of the shown data chain from its state at the cursor (the snapshot
// at or before it), run with the settings in force now while the original stays pinned and
// shifted so that both branches begin at the fork.
#include "main_window.h"

#include "chain_group.h"
#include "controls_panel.h"
#include "curve_plot.h"
#include "landscape_frame.h"
#include "landscape_tools.h"
#include "landscape_view.h"

#include <QAction>
#include <QLabel>
#include <QToolBar>

#include <algorithm>

namespace ebm::ui {
namespace {

bool startsFromBatch(const ChainSpec& spec) { return spec.startsFromStates; }

} // namespace

void MainWindow::connectLandscapeTools() {
  connect(m_landscape, &LandscapeView::forkRequested, this, &MainWindow::forkAtCursor);
  connect(m_landscape->tools(), &LandscapeTools::startsChanged, this, [this](int n) {
    if (n == 0)
      log(tr("placed starts cleared: revisions start from the chain's own init again"));
    else if (n == 1)
      log(tr("chain start placed: the next revision of the %1-chain starts from the placed "
             "starts (S ends placing, C clears)")
              .arg(QString::fromStdString(m_dataChain)));
  });
}

void MainWindow::addForkTool(QToolBar* bar) {
  m_forkAction = bar->addAction(tr("Fork here"), this, [this] { forkAtCursor(); });
  m_forkAction->setShortcut(QKeySequence(Qt::Key_K));
  m_forkAction->setToolTip(tr("Continue the shown chain from its state at the cursor with the "
                              "settings in force now; the original stays pinned for comparison "
                              "(K)"));
}

cmd::RunChain MainWindow::withPlacedStarts(cmd::RunChain run) const {
  const auto& starts = m_landscape->tools()->starts();
  const auto* group = m_controls->chainGroup(run.chain);
  if (starts.empty() || run.chain != m_dataChain || !group || !startsFromBatch(group->spec()))
    return run;
  run.init = "batch";
  run.start = startBatch(starts);
  run.chains = int(run.start.size() / 2);
  return run;
}

void MainWindow::forkAtCursor() {
  const auto trace = m_shownData;
  const auto* group = m_controls->chainGroup(m_dataChain);
  if (!trace || trace->snapshots.empty() || !group) {
    onError(tr("Fork: no chain is shown yet — run one first"));
    return;
  }
  if (!startsFromBatch(group->spec()) || trace->decodes()) {
    onError(tr("Fork: the %1-chain of this method cannot start from given states")
                .arg(QString::fromStdString(m_dataChain)));
    return;
  }
  const TraceSnapshot& at = trace->snapshots[size_t(snapshotAt(*trace, m_cursor.step()))];
  cmd::RunChain run = group->runCommand();
  run.init = "batch";
  run.start = at.state;
  run.chains = trace->chains;
  if (m_repeatAction->isChecked())
    m_repeatAction->setChecked(false);  // a repeat would replace the branch being compared
  m_pinned.pinFork(trace, at.step);
  showPinned();
  m_cursor.follow();
  m_host->post(run);
  const QString what = tr("forked the %1-chain at step %2: the new branch starts from the "
                          "original's states there with the settings in force now; the "
                          "original is pinned, shifted so both start at the fork")
                           .arg(QString::fromStdString(m_dataChain))
                           .arg(at.step);
  log(what);
  m_msgLabel->setStyleSheet({});
  m_msgLabel->setText(what);
}

} // namespace ebm::ui
