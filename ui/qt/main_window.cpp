#include "main_window.h"

#include "controls_panel.h"
#include "curve_plot.h"
#include "gif.h"
#include "image_grid_view.h"
#include "inpaint_panel.h"
#include "interpolation_panel.h"
#include "landscape_view.h"
#include "latent_plane.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>

#include <cmath>
#include <cstring>

namespace ebm::ui {
namespace {

constexpr int kMaxRecent = 8;
constexpr int kLandscapeRes = 128;
constexpr long kLandscapeEveryIterations = 20;

QString shippedCheckpoint(const char* name) {
  try {
    return QString::fromStdString(findResource(std::string("checkpoints/") + name));
  } catch (const std::exception&) {
    return {};
  }
}

QString human(int64_t bytes) {
  if (bytes <= 0)
    return QObject::tr("–");
  return QString("%1 MiB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 0);
}

ChainBundle bundleOf(const Trace& t, const std::vector<std::vector<float>>& rows) {
  ChainBundle b;
  b.x.assign(t.steps.begin(), t.steps.end());
  b.values = rows;
  for (const auto& c : t.changes)
    b.marks.emplace_back(c.step, QString::fromStdString(c.what));
  return b;
}

} // namespace

MainWindow::MainWindow(const AppOptions& options, QWidget* parent)
    : QMainWindow(parent), m_options(options) {
  setWindowTitle(tr("EBM Lab"));
  setObjectName("MainWindow");
  setDockNestingEnabled(true);
  m_host = new SessionHost(this);
  buildDocks();
  buildMenus();
  buildStatusBar();
  m_defaultState = saveState();
  resize(1400, 900);
  QSettings settings;
  if (options.restoreLayout) {
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
  }
  connect(m_host, &SessionHost::snapshotChanged, this, &MainWindow::onSnapshot);
  connect(m_host, &SessionHost::errorReported, this, &MainWindow::onError);
  m_playback.setInterval(60);
  // Finished revisions publish nothing more, so the repeat check also runs on its own clock.
  auto* repeatTimer = new QTimer(this);
  repeatTimer->setInterval(400);
  connect(repeatTimer, &QTimer::timeout, this, [this] {
    if (m_snap && m_snap->state != RunState::Loading && m_snap->state != RunState::Failed)
      maybeRepeat(m_snap);
  });
  repeatTimer->start();
  connect(&m_playback, &QTimer::timeout, this, &MainWindow::playbackTick);

  const QString fm = shippedCheckpoint("fmnist-small.safetensors");
  const QString toy = shippedCheckpoint("toy2d.safetensors");
  if (!fm.isEmpty())
    m_controls->addModel(tr("fmnist-small (shipped)"), fm);
  if (!toy.isEmpty())
    m_controls->addModel(tr("toy2d, 8 Gaussians (shipped)"), toy);
  for (const auto& r : settings.value("recent").toStringList())
    m_controls->addModel(QFileInfo(r).fileName(), r);
  rebuildRecentMenu();

  if (!options.preset.isEmpty())
    newFromPreset(options.preset);
  else if (!options.checkpoint.isEmpty())
    openCheckpoint(options.checkpoint);
  else if (!fm.isEmpty())
    openCheckpoint(fm);
  else
    newFromPreset("toy2d");
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::addPanel(const QString& title, const QString& objectName,
                                  QWidget* widget, Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(objectName);
  dock->setWidget(widget);
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                    QDockWidget::DockWidgetClosable);
  addDockWidget(area, dock);
  m_docks.push_back(dock);
  return dock;
}

void MainWindow::buildDocks() {
  m_controls = new ControlsPanel;
  auto* scroll = new QScrollArea;
  scroll->setWidget(m_controls);
  scroll->setWidgetResizable(true);
  scroll->setMinimumWidth(330);
  auto* controlsDock = addPanel(tr("Controls"), "dock.controls", scroll, Qt::LeftDockWidgetArea);

  m_xStack = new QStackedWidget;
  m_xGrid = new ImageGridView;
  m_landscape = new LandscapeView;
  m_xStack->addWidget(m_xGrid);
  m_xStack->addWidget(m_landscape);
  auto* xDock = addPanel(tr("Samples"), "dock.xrevision", m_xStack, Qt::RightDockWidgetArea);
  m_dataDock = xDock;

  m_zStack = new QStackedWidget;
  m_zGrid = new ImageGridView;
  m_latent = new LatentPlane;
  m_zStack->addWidget(m_zGrid);
  m_zStack->addWidget(m_latent);
  auto* zDock = addPanel(tr("Latent chain"), "dock.zrevision", m_zStack, Qt::RightDockWidgetArea);
  m_latentDock = zDock;

  m_energy = new CurvePlot(tr("Langevin step"), tr("energy"));
  auto* eDock = addPanel(tr("Energy over steps"), "dock.energy", m_energy,
                         Qt::RightDockWidgetArea);
  m_mse = new CurvePlot(tr("z-step"), tr("MSE of G(z)"));
  auto* mDock = addPanel(tr("MSE over z-steps"), "dock.mse", m_mse, Qt::RightDockWidgetArea);
  m_losses = new CurvePlot(tr("iteration"), tr("loss"));
  auto* lDock = addPanel(tr("Training losses"), "dock.losses", m_losses,
                         Qt::RightDockWidgetArea);
  m_log = new QPlainTextEdit;
  m_log->setReadOnly(true);
  m_log->setMaximumBlockCount(2000);
  m_log->setToolTip(tr("Run log: messages, errors and live setting changes, newest last."));
  auto* logDock = addPanel(tr("Run log"), "dock.log", m_log, Qt::LeftDockWidgetArea);

  // The tool panels scroll rather than force a large window on small screens.
  auto scrolled = [](QWidget* w) {
    auto* area = new QScrollArea;
    area->setWidget(w);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
  };
  m_interp = new InterpolationPanel;
  auto* iDock = addPanel(tr("Interpolation"), "dock.interpolation", scrolled(m_interp),
                         Qt::RightDockWidgetArea);
  m_inpaint = new InpaintPanel;
  auto* pDock = addPanel(tr("Inpainting"), "dock.inpainting", scrolled(m_inpaint),
                         Qt::RightDockWidgetArea);

  splitDockWidget(xDock, zDock, Qt::Horizontal);
  splitDockWidget(xDock, eDock, Qt::Vertical);
  splitDockWidget(zDock, mDock, Qt::Vertical);
  tabifyDockWidget(eDock, lDock);
  eDock->raise();
  tabifyDockWidget(xDock, iDock);
  tabifyDockWidget(xDock, pDock);
  xDock->raise();
  splitDockWidget(controlsDock, logDock, Qt::Vertical);
  resizeDocks({controlsDock, xDock, zDock}, {340, 560, 500}, Qt::Horizontal);
  resizeDocks({xDock, eDock}, {520, 330}, Qt::Vertical);

  auto cursorFromPlot = [this](double x) { setCursorStep(int(std::lround(x))); };
  connect(m_energy, &CurvePlot::cursorPicked, this, cursorFromPlot);
  connect(m_mse, &CurvePlot::cursorPicked, this, cursorFromPlot);
  connect(m_xGrid, &ImageGridView::stepClicked, this, &MainWindow::setCursorStep);
  connect(m_zGrid, &ImageGridView::stepClicked, this, &MainWindow::setCursorStep);

  auto postCommand = [this](const Command& command) { m_host->post(command); };
  connect(m_interp, &InterpolationPanel::post, this, postCommand);
  connect(m_inpaint, &InpaintPanel::post, this, postCommand);
  connect(m_inpaint, &InpaintPanel::error, this, &MainWindow::onError);
  connect(m_interp, &InterpolationPanel::exportPng, this, [this] {
    const QString path = chooseSavePath(tr("Export PNG"), "interpolation.png",
                                        tr("PNG images (*.png)"));
    if (path.isEmpty())
      return;
    if (!m_interp->strip()->render(64).save(path, "PNG"))
      onError(tr("cannot write %1").arg(path));
    else
      log(tr("wrote %1").arg(path));
  });
  connect(m_interp, &InterpolationPanel::exportGif, this, &MainWindow::exportInterpolationGif);

  auto* c = m_controls;
  connect(c, &ControlsPanel::modelChosen, this, &MainWindow::loadCheckpoint);
  connect(c, &ControlsPanel::deviceChosen, this, [this](const QString& d) {
    m_options.device = d;
    log(tr("device %1 applies to the next model loaded or created").arg(d));
  });
  connect(c, &ControlsPanel::dataChosen, this, [this](const QString& d) {
    log(d.isEmpty() ? tr("new models use their preset's data")
                    : tr("new models use %1 (File > New model from preset)").arg(d));
  });
  connect(c, &ControlsPanel::startTraining, this, [this] {
    m_host->post(cmd::StartTraining{m_controls->trainIterations()});
  });
  connect(c, &ControlsPanel::pauseTraining, this, [this] { m_host->post(cmd::Pause{}); });
  connect(c, &ControlsPanel::resumeTraining, this, [this] { m_host->post(cmd::Resume{}); });
  connect(c, &ControlsPanel::stepTraining, this, [this] { m_host->post(cmd::StepOnce{}); });
  connect(c, &ControlsPanel::stopTraining, this, [this] { m_host->post(cmd::StopTraining{}); });
  connect(c, &ControlsPanel::saveNow, this, [this] { m_host->post(cmd::SaveCheckpoint{}); });
  connect(c, &ControlsPanel::chainSettingsEdited, this,
          [this](const QString& chain, const SettingValues& v) {
            if (m_host->setChainSettings(chain.toStdString(), v))
              log(tr("%1 settings: s = %2, n = %3, K = %4 (from the next step)")
                      .arg(chain)
                      .arg(v.number("step_size"))
                      .arg(v.number("noise"))
                      .arg(v.integer("steps")));
          });
  connect(c, &ControlsPanel::runChainRequested, this, [this](const QString& chain) {
    m_cursorStep = -1;
    if (auto* g = m_controls->chainGroup(chain.toStdString()))
      m_host->post(g->runCommand());
  });
  connect(c, &ControlsPanel::stopRevisionRequested, this,
          [this] { m_host->post(cmd::StopRevision{}); });
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  auto* newMenu = file->addMenu(tr("&New model from preset"));
  for (const auto& p : presetNames()) {
    const QString name = QString::fromStdString(p);
    newMenu->addAction(name, this, [this, name] { newFromPreset(name); });
  }
  auto* open = file->addAction(tr("&Open checkpoint…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open checkpoint"), QString(), tr("Checkpoints (*.safetensors);;All files (*)"));
    if (!path.isEmpty())
      loadCheckpoint(path);
  });
  open->setShortcut(QKeySequence::Open);
  m_recentMenu = file->addMenu(tr("Open &recent"));
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
  auto* exp = file->addMenu(tr("&Export"));
  exp->addAction(tr("x-revision as PNG…"), this,
                 [this] { exportPanelPng(m_xStack->currentWidget(), "x-revision"); });
  exp->addAction(tr("z-revision as PNG…"), this,
                 [this] { exportPanelPng(m_zStack->currentWidget(), "z-revision"); });
  exp->addAction(tr("Energy plot as PNG…"), this, [this] { exportPanelPng(m_energy, "energy"); });
  exp->addAction(tr("MSE plot as PNG…"), this, [this] { exportPanelPng(m_mse, "mse"); });
  exp->addAction(tr("Loss plot as PNG…"), this, [this] { exportPanelPng(m_losses, "losses"); });
  exp->addAction(tr("Whole window as PNG…"), this, [this] { exportPanelPng(this, "ebm-lab"); });
  exp->addSeparator();
  exp->addAction(tr("x trajectory as animated GIF…"), this, &MainWindow::exportTrajectoryGif);
  exp->addSeparator();
  exp->addAction(tr("Energy curves as CSV…"), this, [this] { exportCsv(m_energy, "energy"); });
  exp->addAction(tr("MSE curves as CSV…"), this, [this] { exportCsv(m_mse, "mse"); });
  exp->addAction(tr("Losses as CSV…"), this, [this] { exportCsv(m_losses, "losses"); });
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* run = menuBar()->addMenu(tr("&Run"));
  auto* toggle = run->addAction(tr("Start / pause training"), this, [this] {
    if (!m_snap)
      return;
    if (m_snap->state == RunState::Training)
      m_host->post(cmd::Pause{});
    else if (m_snap->state == RunState::Paused)
      m_host->post(cmd::Resume{});
    else
      m_host->post(cmd::StartTraining{m_controls->trainIterations()});
  });
  toggle->setShortcut(QKeySequence("Ctrl+Space"));
  run->addAction(tr("One training iteration"), this, [this] { m_host->post(cmd::StepOnce{}); });
  run->addAction(tr("Stop training"), this, [this] { m_host->post(cmd::StopTraining{}); });
  run->addSeparator();
  m_chainActionsAt = run->addSeparator();
  m_runMenu = run;
  run->addAction(tr("Stop chain"), this, [this] { m_host->post(cmd::StopRevision{}); });

  m_viewMenu = menuBar()->addMenu(tr("&View"));
  for (auto* d : m_docks)
    m_viewMenu->addAction(d->toggleViewAction());
  m_viewMenu->addSeparator();
  m_viewMenu->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);
  auto* logAll = m_viewMenu->addAction(tr("Log scale on MSE and losses"));
  logAll->setCheckable(true);
  connect(logAll, &QAction::toggled, this, [this](bool on) {
    m_mse->setLogScale(on);
    m_losses->setLogScale(on);
  });

  auto* help = menuBar()->addMenu(tr("&Help"));
  auto* keys = help->addAction(tr("&Keyboard shortcuts"), this, [this] {
    auto* box = new QMessageBox(QMessageBox::Information, tr("Keyboard shortcuts"),
                                tr("Space: play / pause the trace\n"
                                   ", / . : step back / forward (Shift: ×10)\n"
                                   "Home / End: first / last step\n"
                                   "Ctrl+Space: start / pause training\n"
                                   "X / Z: run an x- / z-revision\n"
                                   "Ctrl+O / Ctrl+S: open / save a checkpoint\n"
                                   "F1: this sheet"),
                                QMessageBox::Close, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
  keys->setShortcut(QKeySequence::HelpContents);
  help->addAction(tr("&About EBM Lab"), this, [this] {
    QMessageBox::about(this, tr("About EBM Lab"),
                       tr("EBM Lab: train energy-based models and watch their Langevin "
                          "chains revise samples live."));
  });

  // Playback keys; line edits and spin boxes take printable keys before shortcuts fire.
  auto shortcut = [this](const QKeySequence& k, auto fn) {
    auto* s = new QShortcut(k, this);
    connect(s, &QShortcut::activated, this, fn);
  };
  shortcut(QKeySequence(Qt::Key_Space), [this] { togglePlayback(); });
  shortcut(QKeySequence(Qt::Key_Comma), [this] { stepCursor(-1); });
  shortcut(QKeySequence(Qt::Key_Period), [this] { stepCursor(1); });
  shortcut(QKeySequence(Qt::Key_Less), [this] { stepCursor(-10); });
  shortcut(QKeySequence(Qt::Key_Greater), [this] { stepCursor(10); });
  shortcut(QKeySequence(Qt::Key_Home), [this] { setCursorStep(0); });
  shortcut(QKeySequence(Qt::Key_End), [this] { setCursorStep(-1); });
}

void MainWindow::buildStatusBar() {
  m_stateLabel = new QLabel;
  m_iterLabel = new QLabel;
  m_rateLabel = new QLabel;
  m_deviceLabel = new QLabel;
  m_memLabel = new QLabel;
  m_msgLabel = new QLabel;
  m_msgLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusBar()->addWidget(m_stateLabel);
  statusBar()->addWidget(m_msgLabel, 1);
  statusBar()->addPermanentWidget(m_iterLabel);
  statusBar()->addPermanentWidget(m_rateLabel);
  statusBar()->addPermanentWidget(m_deviceLabel);
  statusBar()->addPermanentWidget(m_memLabel);
}

RunConfig MainWindow::baseConfig() const {
  RunConfig c;
  c.runtime.device = m_options.device.toStdString();
  c.runtime.threads = m_options.threads;
  return c;
}

SessionOptions MainWindow::sessionOptions(const QString& checkpoint) const {
  SessionOptions o;
  o.checkpoint = checkpoint.toStdString();
  QString dir = m_options.runDir;
  if (dir.isEmpty())
    dir = QDir::current().filePath("runs/gui-" +
                                   QDateTime::currentDateTime().toString("yyyyMMdd-hhmmss"));
  o.runDir = dir.toStdString();
  o.workerNice = 10;  // the window keeps its CPU share while the core computes
  return o;
}

void MainWindow::openCheckpoint(const QString& given) {
  const QString path = QFileInfo(given).absoluteFilePath();
  m_configLoaded = false;
  m_revisedOnce = false;
  m_shownData.reset();
  m_shownLatent.reset();
  m_atPost.clear();
  log(tr("opening %1").arg(path));
  m_host->open(baseConfig(), sessionOptions(path));
  m_controls->selectModel(path);
}

void MainWindow::newFromPreset(const QString& name) {
  RunConfig cfg;
  try {
    cfg = RunConfig::fromPreset(name.toStdString());
  } catch (const std::exception& e) {
    onError(QString::fromUtf8(e.what()));
    return;
  }
  cfg.runtime.device = m_options.device.toStdString();
  cfg.runtime.threads = m_options.threads;
  const QString data = m_controls->dataChoice();
  if (data.startsWith("path:")) {
    cfg.data.path = data.mid(5).toStdString();
  } else if (!data.isEmpty()) {
    if (cfg.data.kind != "toy2d") {
      onError(tr("preset %1 models images; a 2-D data set needs a 2-D preset such as toy2d")
                  .arg(name));
      return;
    }
    cfg.data.toy = data.toStdString();
  }
  m_configLoaded = false;
  m_revisedOnce = false;
  log(tr("new model from preset %1").arg(name));
  m_host->open(cfg, sessionOptions(QString()));
}

void MainWindow::loadCheckpoint(const QString& given) {
  if (given.isEmpty())
    return;
  const QString path = QFileInfo(given).absoluteFilePath();
  if (!m_host->hasSession() || !m_snap || m_snap->state == RunState::Failed) {
    openCheckpoint(path);
  } else {
    log(tr("loading %1").arg(path));
    m_configLoaded = false;
    m_revisedOnce = false;
    m_host->post(cmd::LoadCheckpoint{path.toStdString()});
  }
}

void MainWindow::onSnapshot(const Snapshot& snap) {
  const Snapshot prev = m_snap;
  m_snap = snap;
  const bool ready = snap->state != RunState::Loading && snap->state != RunState::Failed;
  const bool configChanged =
      !prev || prev->config.name != snap->config.name || prev->checkpointPath != snap->checkpointPath ||
      prev->config.model.family != snap->config.model.family;
  const bool methodChanged = !prev || !prev->methodInfo || prev->methodInfo != snap->methodInfo;
  if (ready && (!m_configLoaded || configChanged || methodChanged)) {
    m_controls->loadMethod(*snap);
    adoptMethod(*snap);
    m_configLoaded = true;
    const bool twoD = snap->dataShape.size() == 1 && snap->dataShape[0] == 2;
    m_xStack->setCurrentWidget(twoD ? static_cast<QWidget*>(m_landscape) : m_xGrid);
    m_zStack->setCurrentWidget(twoD ? static_cast<QWidget*>(m_latent) : m_zGrid);
    m_landscapeRequestedAt = -1000000;
  }
  m_controls->showSnapshot(*snap);
  if (ready && !snap->checkpointPath.empty() &&
      (!prev || prev->checkpointPath != snap->checkpointPath))
    addRecent(QString::fromStdString(snap->checkpointPath));  // loaded or saved: worth reopening
  if (snap->lastMessage != m_lastMessage) {
    m_lastMessage = snap->lastMessage;
    if (!m_lastMessage.empty()) {
      // Repeated revisions alternate two messages; log each kind once per run of repeats.
      if (!m_recentMessages.contains(QString::fromStdString(m_lastMessage)))
        log(QString::fromStdString(m_lastMessage));
      m_recentMessages.append(QString::fromStdString(m_lastMessage));
      while (m_recentMessages.size() > 3)
        m_recentMessages.removeFirst();
      m_msgLabel->setStyleSheet({});
      m_msgLabel->setText(QString::fromStdString(m_lastMessage));
    }
  }
  if (snap->state == RunState::Diverged && m_lastState != RunState::Diverged) {
    // Training stops on divergence; offer the last good checkpoint without blocking.
    const QString good = QString::fromStdString(snap->checkpointPath);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Training diverged"),
                                QString::fromStdString(snap->lastError), QMessageBox::NoButton,
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
  m_lastState = snap->state;
  applyTraces(snap);
  m_inpaint->showSnapshot(*snap);
  m_interp->showSnapshot(*snap);
  if (snap->interpolation != m_shownInterp) {
    m_shownInterp = snap->interpolation;
    // On 2-D data the path is drawn over the landscape.
    const bool twoD = m_shownInterp && m_shownInterp->shape.size() == 1 && m_shownInterp->shape[0] == 2;
    m_landscape->setPath(twoD ? m_shownInterp->decoded : std::vector<float>{});
  }
  updateStatus(snap);
  if (ready) {
    maybeRequestLandscape(snap);
    if (m_options.autoRevise && !m_revisedOnce && snap->state == RunState::Idle) {
      m_revisedOnce = true;
      startRevisions();
    } else {
      maybeRepeat(snap);
    }
  }
}

std::shared_ptr<const Trace> MainWindow::traceOf(const Snapshot& snap,
                                                 const std::string& chain) const {
  if (!snap || chain.empty())
    return nullptr;
  auto it = snap->chains.find(chain);
  return it == snap->chains.end() ? nullptr : it->second.trace;
}

void MainWindow::adoptMethod(const SessionSnapshot& snap) {
  // The data-space view shows the first chain whose states are data (a landscape on 2-D data),
  // the latent view the first chain that decodes its states; their plots follow them.
  m_dataChain.clear();
  m_latentChain.clear();
  for (const auto& c : snap.methodInfo->chains) {
    if (c.dataSpace && m_dataChain.empty())
      m_dataChain = c.name;
    if (c.decodes && m_latentChain.empty())
      m_latentChain = c.name;
  }
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
  m_shownData.reset();
  m_shownLatent.reset();
  rebuildChainActions(*snap.methodInfo);
  const bool twoD = snap.dataShape.size() == 1 && snap.dataShape[0] == 2;
  m_xStack->setCurrentWidget(twoD ? static_cast<QWidget*>(m_landscape) : m_xGrid);
  m_zStack->setCurrentWidget(twoD ? static_cast<QWidget*>(m_latent) : m_zGrid);
  m_landscapeRequestedAt = -1000000;
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

void MainWindow::startRevisions() {
  m_atPost.clear();
  for (auto* g : m_controls->chainGroups())
    m_atPost[g->spec().name] = traceOf(m_snap, g->spec().name);
  m_postedAtMs = QDateTime::currentMSecsSinceEpoch();
  m_errorsAtPost = m_snap ? m_snap->errorCount : 0;
  m_cursorStep = -1;
  for (auto* g : m_controls->chainGroups())
    m_host->post(g->runCommand());
}

void MainWindow::maybeRepeat(const Snapshot& snap) {
  if (!m_controls->repeat() || snap->state == RunState::Training || snap->revisionRunning ||
      m_playback.isActive() || m_cursorStep >= 0)
    return;
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  if (now - m_postedAtMs < 1500)
    return;
  bool allNew = true;
  for (const auto& [chain, before] : m_atPost)
    allNew = allNew && traceOf(snap, chain) != before;
  const bool failed = snap->errorCount != m_errorsAtPost && now - m_postedAtMs > 4000;
  if (!m_revisedOnce || !(allNew || failed))
    return;
  // A fresh seed each time shows new chains; the seed boxes keep the user's own choice.
  ++m_repeatCount;
  m_postedAtMs = now;
  m_errorsAtPost = snap->errorCount;
  for (auto* g : m_controls->chainGroups()) {
    auto run = g->runCommand();
    run.seed += m_repeatCount;
    m_atPost[run.chain] = traceOf(snap, run.chain);
    m_host->post(run);
  }
}

void MainWindow::maybeRequestLandscape(const Snapshot& snap) {
  const bool twoD = snap->dataShape.size() == 1 && snap->dataShape[0] == 2;
  if (!twoD)
    return;
  const long have = snap->landscape ? snap->landscape->iteration : -1000000;
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  if (snap->iteration - std::max(have, m_landscapeRequestedAt) < kLandscapeEveryIterations &&
      snap->landscape)
    return;
  if (now - m_landscapeRequestMs < 500)
    return;
  m_landscapeRequestedAt = snap->iteration;
  m_landscapeRequestMs = now;
  m_host->post(cmd::EvaluateLandscape{kLandscapeRes, -1.5, 1.5});
}

void MainWindow::applyTraces(const Snapshot& snap) {
  const auto dataTrace = traceOf(snap, m_dataChain);
  if (dataTrace && dataTrace != m_shownData) {
    m_shownData = dataTrace;
    m_xGrid->setTrace(m_shownData);
    m_landscape->setTrace(m_shownData);
    const ChainSpec* spec = snap->methodInfo ? snap->methodInfo->chain(m_dataChain) : nullptr;
    m_energy->setBundle(bundleOf(*m_shownData, m_shownData->energy),
                        spec ? QString::fromStdString(spec->energyLabel) : tr("energy"));
  }
  const auto latentTrace = traceOf(snap, m_latentChain);
  if (latentTrace && latentTrace != m_shownLatent) {
    m_shownLatent = latentTrace;
    m_zGrid->setTrace(m_shownLatent);
    m_latent->setTrace(m_shownLatent);
    if (!m_shownLatent->mse.empty())
      m_mse->setBundle(bundleOf(*m_shownLatent, m_shownLatent->mse), "MSE");
  }
  if (snap->losses != m_shownLosses) {
    m_shownLosses = snap->losses;
    if (m_shownLosses && !m_shownLosses->rows.empty()) {
      NamedLines l;
      l.x.assign(m_shownLosses->iterations.begin(), m_shownLosses->iterations.end());
      for (const auto& n : m_shownLosses->names)
        l.names.push_back(QString::fromStdString(n));
      l.rows = m_shownLosses->rows;
      m_losses->setLines(l);
    }
  }
  if (snap->landscape != m_shownLandscape) {
    m_shownLandscape = snap->landscape;
    m_landscape->setLandscape(m_shownLandscape);
  }
  setCursorStep(m_cursorStep);
}

void MainWindow::updateStatus(const Snapshot& s) {
  QString state = QString::fromUtf8(toString(s->state));
  if (s->state == RunState::Diverged)
    state = tr("diverged at iteration %1").arg(s->divergedAt);
  if (s->revisionRunning)
    state += tr(" · revising");
  m_stateLabel->setText(state);
  m_iterLabel->setText(tr("iteration %1 · epoch %2").arg(s->iteration).arg(s->epoch));
  m_rateLabel->setText(tr("%1 it/s · %2 Langevin steps/s")
                           .arg(s->itersPerSecond, 0, 'f', 2)
                           .arg(s->langevinStepsPerSecond, 0, 'f', 0));
  m_deviceLabel->setText(QString::fromStdString(s->device));
  m_memLabel->setText(tr("RSS %1").arg(human(s->residentBytes)));
}

QString MainWindow::statusText() const {
  return m_stateLabel->text() + " | " + m_msgLabel->text() + " | " + m_iterLabel->text();
}

void MainWindow::onError(const QString& message) {
  m_lastError = message;
  m_msgLabel->setStyleSheet("color: #c0392b;");
  m_msgLabel->setText(message);
  log(tr("error: %1").arg(message));
}

void MainWindow::log(const QString& line) {
  m_log->appendPlainText(QDateTime::currentDateTime().toString("hh:mm:ss  ") + line);
}

int MainWindow::traceLastStep() const {
  int last = 0;
  if (m_shownData)
    last = std::max(last, m_shownData->lastStep());
  if (m_shownLatent)
    last = std::max(last, m_shownLatent->lastStep());
  return last;
}

void MainWindow::setCursorStep(int step) {
  m_cursorStep = step < 0 ? -1 : std::min(step, traceLastStep());
  const int shown = m_cursorStep < 0 ? traceLastStep() : m_cursorStep;
  m_xGrid->setCursorStep(shown);
  m_zGrid->setCursorStep(shown);
  m_landscape->setCursorStep(m_cursorStep);
  m_latent->setCursorStep(m_cursorStep);
  m_energy->setCursor(shown);
  m_mse->setCursor(shown);
}

void MainWindow::stepCursor(int delta) {
  const int cur = m_cursorStep < 0 ? traceLastStep() : m_cursorStep;
  setCursorStep(std::clamp(cur + delta, 0, traceLastStep()));
}

void MainWindow::togglePlayback() {
  if (m_playback.isActive()) {
    m_playback.stop();
    return;
  }
  if (m_cursorStep < 0 || m_cursorStep >= traceLastStep())
    setCursorStep(0);
  m_playback.start();
}

void MainWindow::playbackTick() {
  if (m_cursorStep >= traceLastStep()) {
    m_playback.stop();
    return;
  }
  stepCursor(1);
}

void MainWindow::showPanel(const QString& objectName) {
  for (auto* d : m_docks)
    if (d->objectName() == objectName) {
      d->show();
      d->raise();
    }
}

void MainWindow::exportInterpolationGif() {
  const auto frames = m_interp->frames(96);
  if (frames.empty()) {
    onError(tr("no interpolation of images to export yet: press Interpolate first"));
    return;
  }
  const QString path =
      chooseSavePath(tr("Export GIF"), "interpolation.gif", tr("GIF animations (*.gif)"));
  if (path.isEmpty())
    return;
  std::vector<GifFrame> gif;
  for (const auto& f : frames) {
    const QImage img = f.convertToFormat(QImage::Format_RGB888);
    GifFrame g;
    g.width = img.width();
    g.height = img.height();
    g.rgb.resize(size_t(g.width) * g.height * 3);
    for (int y = 0; y < g.height; ++y)
      std::memcpy(g.rgb.data() + size_t(y) * g.width * 3, img.constScanLine(y), size_t(g.width) * 3);
    gif.push_back(std::move(g));
  }
  // Walk there and back so the loop is seamless.
  for (size_t i = gif.size() - 1; i-- > 1;)
    gif.push_back(gif[i]);
  try {
    writeGif(path.toStdString(), gif, 15);
    log(tr("wrote %1").arg(path));
  } catch (const std::exception& e) {
    onError(QString::fromUtf8(e.what()));
  }
}

void MainWindow::resetLayout() {
  restoreState(m_defaultState);
  for (auto* d : m_docks) {
    d->setFloating(false);
    d->show();
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  event->accept();
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

QString MainWindow::chooseSavePath(const QString& title, const QString& suggested,
                                   const QString& filter) {
  return QFileDialog::getSaveFileName(this, title, suggested, filter);
}

void MainWindow::exportPanelPng(QWidget* widget, const QString& name) {
  const QString path = chooseSavePath(tr("Export PNG"), name + ".png", tr("PNG images (*.png)"));
  if (path.isEmpty())
    return;
  const QPixmap pm = widget->grab();
  if (!pm.save(path, "PNG"))
    onError(tr("cannot write %1").arg(path));
  else
    log(tr("wrote %1").arg(path));
}

void MainWindow::exportCsv(CurvePlot* plot, const QString& name) {
  const QString path = chooseSavePath(tr("Export CSV"), name + ".csv", tr("CSV files (*.csv)"));
  if (path.isEmpty())
    return;
  QString error;
  if (!plot->exportCsv(path, &error))
    onError(error);
  else
    log(tr("wrote %1").arg(path));
}

void MainWindow::exportTrajectoryGif() {
  if (!m_shownData || m_shownData->snapshots.empty()) {
    onError(tr("no x-trajectory to export yet: run an x-revision first"));
    return;
  }
  const QString path =
      chooseSavePath(tr("Export GIF"), "x-trajectory.gif", tr("GIF animations (*.gif)"));
  if (!path.isEmpty())
    writeTrajectoryGif(path);
}

bool MainWindow::writeTrajectoryGif(const QString& path) {
  if (!m_shownData || m_shownData->snapshots.empty()) {
    onError(tr("no x-trajectory to export yet: run an x-revision first"));
    return false;
  }
  const bool twoD = m_xStack->currentWidget() == m_landscape;
  std::vector<GifFrame> frames;
  const int saved = m_cursorStep;
  QSize size;
  for (const auto& s : m_shownData->snapshots) {
    QImage img;
    if (twoD) {
      m_landscape->setCursorStep(s.step);
      img = m_landscape->grabFramebuffer();
    } else {
      img = m_xGrid->renderUpTo(s.step, 48);
    }
    img = img.convertToFormat(QImage::Format_RGB888);
    if (size.isEmpty())
      size = img.size();
    img = img.scaled(size);
    GifFrame f;
    f.width = img.width();
    f.height = img.height();
    f.rgb.resize(size_t(f.width) * f.height * 3);
    for (int y = 0; y < f.height; ++y)
      std::memcpy(f.rgb.data() + size_t(y) * f.width * 3, img.constScanLine(y),
                  size_t(f.width) * 3);
    frames.push_back(std::move(f));
  }
  setCursorStep(saved);
  try {
    writeGif(path.toStdString(), frames, 12);
    log(tr("wrote %1 (%2 frames)").arg(path).arg(frames.size()));
    return true;
  } catch (const std::exception& e) {
    onError(QString::fromUtf8(e.what()));
    return false;
  }
}

} // namespace ebm::ui
