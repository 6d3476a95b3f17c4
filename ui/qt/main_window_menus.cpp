// MainWindow's menus and keys: File (models, recent files, exports), Run (training, one action
// per chain of the loaded method), View (docks, layout, log scales), Help, and the playback
// keys of the shared step cursor.
#include "main_window.h"

#include "controls_panel.h"
#include "curve_plot.h"
#include "loss_panel.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>

namespace ebm::ui {
namespace {

constexpr int kMaxRecent = 8;

} // namespace

void MainWindow::buildMenus() {
  buildFileMenu();
  buildRunMenu();
  buildViewMenu();
  buildHelpMenu();
  buildPlaybackKeys();
}

void MainWindow::buildFileMenu() {
  auto* file = menuBar()->addMenu(tr("&File"));
  auto* newMenu = file->addMenu(tr("&New model from preset"));
  for (const auto& p : presetNames()) {
    const QString name = QString::fromStdString(p);
    newMenu->addAction(name, this, [this, name] { newFromPreset(name); });
  }
  file->addAction(tr("New &2-D data set…"), this, [this] { openPointEditor(); });
  auto* open = file->addAction(tr("&Open checkpoint…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open checkpoint"), QString(), tr("Checkpoints (*.safetensors);;All files (*)"));
    if (!path.isEmpty())
      loadCheckpoint(path);
  });
  open->setShortcut(QKeySequence::Open);
  m_recentMenu = file->addMenu(tr("Open &recent"));
  file->addAction(tr("&Follow run folder…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Follow a run folder (its checkpoint loads here whenever it changes)"));
    if (dir.isEmpty())
      return;
    if (const QString why = followRun(dir); !why.isEmpty())
      QMessageBox::warning(this, tr("Follow run folder"), why);
  });
  m_unfollowAction = file->addAction(tr("Stop following"), this, [this] { followRun({}); });
  m_unfollowAction->setEnabled(m_follower.active());
  auto* save = file->addAction(tr("&Save checkpoint"), this,
                               [this] { m_host->post(cmd::SaveCheckpoint{}); });
  save->setShortcut(QKeySequence::Save);
  auto* saveAs = file->addAction(tr("Save checkpoint &as…"), this, [this] {
    const QString path = chooseSavePath(tr("Save checkpoint"), "checkpoint.safetensors",
                                        tr("Checkpoints (*.safetensors)"));
    if (!path.isEmpty()) {
      m_host->post(cmd::SaveCheckpoint{path.toStdString()});
      addRecent(path);
    }
  });
  saveAs->setShortcut(QKeySequence::SaveAs);
  file->addSeparator();
  buildExportMenu(file);
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
}

void MainWindow::buildExportMenu(QMenu* file) {
  auto* exp = file->addMenu(tr("&Export"));
  exp->addAction(tr("x-revision as PNG…"), this,
                 [this] { exportPanelPng(m_xStack->currentWidget(), "x-revision"); });
  exp->addAction(tr("z-revision as PNG…"), this,
                 [this] { exportPanelPng(m_zStack->currentWidget(), "z-revision"); });
  exp->addAction(tr("Energy plot as PNG…"), this, [this] { exportPanelPng(m_energy, "energy"); });
  exp->addAction(tr("MSE plot as PNG…"), this, [this] { exportPanelPng(m_mse, "mse"); });
  exp->addAction(tr("Loss plot as PNG…"), this, [this] { exportPanelPng(m_losses, "losses"); });
  exp->addAction(tr("Whole window as PNG…"), this, [this] { exportPanelPng(this, "ebm-lab"); });
  buildExportSizeMenu(exp);
  exp->addSeparator();
  exp->addAction(tr("x trajectory as animated GIF…"), this, &MainWindow::exportTrajectoryGif);
  exp->addSeparator();
  exp->addAction(tr("Energy curves as CSV…"), this, [this] { exportCsv(m_energy, "energy"); });
  exp->addAction(tr("MSE curves as CSV…"), this, [this] { exportCsv(m_mse, "mse"); });
  exp->addAction(tr("Losses as CSV…"), this, [this] { exportCsv(m_losses, "losses"); });
}

void MainWindow::buildRunMenu() {
  auto* run = menuBar()->addMenu(tr("&Run"));
  auto* toggle = run->addAction(tr("Start / pause training"), this, &MainWindow::toggleTraining);
  toggle->setShortcut(QKeySequence("Ctrl+Space"));
  run->addAction(tr("One training iteration"), this, [this] { m_host->post(cmd::StepOnce{}); });
  run->addAction(tr("Stop training"), this, [this] { m_host->post(cmd::StopTraining{}); });
  run->addSeparator();
  // The loaded method's chains get their actions here (rebuildChainActions).
  m_chainActionsAt = run->addSeparator();
  m_runMenu = run;
  run->addAction(tr("Stop chain"), this, [this] { m_host->post(cmd::StopRevision{}); });
  run->addSeparator();
  buildAutosaveMenu(run);
}

void MainWindow::buildAutosaveMenu(QMenu* run) {
  // Autosaves go to <run folder>/autosave.safetensors, never over a checkpoint.
  auto* menu = run->addMenu(tr("&Autosave"));
  menu->setToolTipsVisible(true);
  auto* group = new QActionGroup(menu);
  for (double minutes : {0.0, 2.0, 5.0, 10.0, 30.0}) {
    auto* a = menu->addAction(minutes == 0 ? tr("Off")
                                           : tr("Every %1 minutes of unsaved training")
                                                 .arg(minutes));
    a->setToolTip(tr("Writes autosave.safetensors in the run folder; a checkpoint is never "
                     "replaced"));
    a->setCheckable(true);
    a->setData(minutes);
    a->setActionGroup(group);
    connect(a, &QAction::triggered, this, [this, minutes] {
      setAutosaveMinutes(minutes);
      log(minutes == 0 ? tr("autosave off")
                       : tr("autosave after %1 minutes of unsaved training").arg(minutes));
    });
    m_autosaveActions.push_back(a);
  }
  const double minutes = autosaveMinutes();
  for (auto* a : m_autosaveActions)
    a->setChecked(a->data().toDouble() == minutes);
}

void MainWindow::requestPause() {
  // The core stops at the next Langevin step; until a snapshot says so the window says pausing.
  m_host->post(cmd::Pause{});
  m_controls->showPausing();
  m_stateLabel->setText(tr("pausing…"));
}

void MainWindow::toggleTraining() {
  if (!m_snap)
    return;
  if (m_snap->state == RunState::Training)
    requestPause();
  else if (m_snap->state == RunState::Paused)
    m_host->post(cmd::Resume{});
  else
    m_host->post(cmd::StartTraining{m_controls->trainIterations()});
}

void MainWindow::buildViewMenu() {
  m_viewMenu = menuBar()->addMenu(tr("&View"));
  for (auto* d : m_docks)
    m_viewMenu->addAction(d->toggleViewAction());
  m_viewMenu->addSeparator();
  m_viewMenu->addAction(tr("&Arena: 2-D samplers side by side…"), this, [this] { openArena(); });
  buildLessonMenu(m_viewMenu);
  m_viewMenu->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);
  auto* logAll = m_viewMenu->addAction(tr("Log scale on MSE and losses"));
  logAll->setCheckable(true);
  connect(logAll, &QAction::toggled, this, [this](bool on) {
    m_mse->setLogScale(on);
    m_losses->setLogScale(on);
  });
  buildPresenterActions(m_viewMenu);
}

void MainWindow::buildHelpMenu() {
  auto* help = menuBar()->addMenu(tr("&Help"));
  auto* keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcutSheet);
  keys->setShortcut(QKeySequence::HelpContents);
  help->addAction(tr("&About EBM Lab"), this, [this] {
    QMessageBox::about(this, tr("About EBM Lab"),
                       tr("EBM Lab: train energy-based models and watch their Langevin "
                          "chains revise samples live."));
  });
}

void MainWindow::showShortcutSheet() {
  auto* box = new QMessageBox(QMessageBox::Information, tr("Keyboard shortcuts"),
                              tr("Space: play / pause the trace\n"
                                 ", / . : step back / forward (Shift: ×10)\n"
                                 "Home / End: first / last step\n"
                                 "Ctrl+Space: start / pause training\n"
                                 "X / Z: run an x- / z-revision\n"
                                 "Ctrl+O / Ctrl+S: open / save a checkpoint\n"
                                 "F1: this sheet\n"
                                 "While a lesson plays: Space / → next step, ← replay the "
                                 "previous step, Esc end the lesson\n\n"
                                 "These work anywhere in the window; in a text field or a "
                                 "spin box the keys it types with go to it.\n"
                                 "Enter: commit the field and leave it\n"
                                 "Esc: leave the field (a spin box drops what was typed)\n"
                                 "Mouse wheel: changes a spin box or list only when it has "
                                 "the focus"),
                              QMessageBox::Close, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void MainWindow::buildPlaybackKeys() {
  // Window-wide; InputPolicy gives a focused field only the keys it types with.
  auto shortcut = [this](const QKeySequence& k, auto fn) {
    auto* s = new QShortcut(k, this);
    connect(s, &QShortcut::activated, this, fn);
  };
  // While a lesson plays, Space is its "next step" (with Right; Left back, Esc ends it).
  shortcut(QKeySequence(Qt::Key_Space), [this] {
    if (m_lesson.active())
      lessonNext();
    else
      togglePlayback();
  });
  shortcut(QKeySequence(Qt::Key_Comma), [this] { stepCursor(-1); });
  shortcut(QKeySequence(Qt::Key_Period), [this] { stepCursor(1); });
  shortcut(QKeySequence(Qt::Key_Less), [this] { stepCursor(-10); });
  shortcut(QKeySequence(Qt::Key_Greater), [this] { stepCursor(10); });
  shortcut(QKeySequence(Qt::Key_Home), [this] { setCursorStep(0); });
  shortcut(QKeySequence(Qt::Key_End), [this] { setCursorStep(-1); });
}

void MainWindow::rebuildChainActions(const MethodInfo& info) {
  for (auto* a : m_chainActions)
    a->deleteLater();
  m_chainActions.clear();
  for (const auto& spec : info.chains) {
    const QString name = QString::fromStdString(spec.name);
    auto* a = new QAction(tr("Run %1-revision").arg(name), m_runMenu);
    // A one-letter chain name is its key (x, z, ...), as on the Run buttons.
    if (name.size() == 1 && name[0].isLetter())
      a->setShortcut(QKeySequence(name.toUpper()));
    connect(a, &QAction::triggered, this, [this, name] { m_controls->runChainRequested(name); });
    m_runMenu->insertAction(m_chainActionsAt, a);
    addAction(a);  // window-wide shortcut
    m_chainActions.push_back(a);
  }
}

void MainWindow::addRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recent").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent)
    recent.removeLast();
  settings.setValue("recent", recent);
  m_controls->addModel(QFileInfo(path).fileName(), path);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  m_recentMenu->clear();
  const QStringList recent = QSettings().value("recent").toStringList();
  for (const auto& r : recent)
    m_recentMenu->addAction(r, this, [this, r] { loadCheckpoint(r); });
  m_recentMenu->setEnabled(!recent.isEmpty());
}

} // namespace ebm::ui
