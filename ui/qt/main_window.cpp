// MainWindow's composition: the docks and their default arrangement, the wiring between the
// panels, the status bar, and the window's saved layout.
#include "main_window.h"

#include "chain_insight_bar.h"
#include "compare_panel.h"
#include "controls_panel.h"
#include "curve_plot.h"
#include "image_grid_view.h"
#include "inpaint_panel.h"
#include "input_policy.h"
#include "interpolation_panel.h"
#include "landscape_view.h"
#include "latent_plane.h"
#include "loss_panel.h"
#include "shipped_models.h"
#include "unsaved_training_guard.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include <cmath>

namespace ebm::ui {
namespace {

/// A chain view with its insight bar above it.
QWidget* withInsight(ChainInsightBar* bar, QWidget* view) {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(bar);
  layout->addWidget(view, 1);
  return box;
}

/// A tool panel scrolls rather than force a large window on small screens.
QScrollArea* scrolled(QWidget* w) {
  auto* area = new QScrollArea;
  area->setWidget(w);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  return area;
}

} // namespace

MainWindow::MainWindow(const AppOptions& options, QWidget* parent)
    : QMainWindow(parent), m_options(options) {
  setWindowTitle(tr("EBM Lab"));
  setObjectName("MainWindow");
  setDockNestingEnabled(true);
  m_clock.start();
  m_host = new SessionHost(this);
  m_guard = new UnsavedTrainingGuard(m_host, this);
  new InputPolicy(this);
  buildDocks();
  buildMenus();
  buildRunToolbar();
  buildLessonBar();
  buildStatusBar();
  fitToScreen();
  applyDockProportions();
  m_defaultState = saveState();
  if (options.restoreLayout)
    restoreWindowLayout();
  m_lessonToolbar->hide();  // a saved layout may hold it shown; only a lesson shows it
  connect(m_host, &SessionHost::snapshotChanged, this, &MainWindow::onSnapshot);
  connect(m_host, &SessionHost::errorReported, this, &MainWindow::onError);
  startTimers();

  offerShippedModels();
  offerAutosaves();
  const StartModel start =
      startModel(options.preset.toStdString(), options.checkpoint.toStdString());
  if (start.kind == StartModel::Kind::Preset)
    newFromPreset(QString::fromStdString(start.what));
  else
    openCheckpoint(QString::fromStdString(start.what));
  if (!options.follow.isEmpty())
    if (const QString why = followRun(options.follow); !why.isEmpty())
      onError(why);
}

MainWindow::~MainWindow() = default;

void MainWindow::fitToScreen() {
  // Opens at the screen's available size (a laptop, a projector), never larger.
  if (const QScreen* s = screen())
    setGeometry(s->availableGeometry());
  else
    resize(1280, 720);
}

void MainWindow::restoreWindowLayout() {
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  // A layout saved on a larger screen is cut down to this one.
  if (const QScreen* s = screen()) {
    const QRect avail = s->availableGeometry();
    if (!avail.contains(frameGeometry()))
      setGeometry(geometry().intersected(avail).isEmpty() ? avail
                                                           : geometry().intersected(avail));
  }
}

void MainWindow::startTimers() {
  m_playback.setInterval(m_cursor.intervalMs());
  connect(&m_playback, &QTimer::timeout, this, &MainWindow::playbackTick);
  // Finished revisions publish nothing more, so the repeat check also runs on its own clock.
  auto* repeatTimer = new QTimer(this);
  repeatTimer->setInterval(400);
  connect(repeatTimer, &QTimer::timeout, this, [this] {
    if (m_snap && m_snap->state != RunState::Loading && m_snap->state != RunState::Failed)
      maybeRepeat(*m_snap);
  });
  repeatTimer->start();
}

void MainWindow::offerShippedModels() {
  // Every shipped checkpoint, the default first, then the recent files.
  for (const auto& m : shippedModels())
    m_controls->addModel(QString::fromStdString(m.label), QString::fromStdString(m.path));
  for (const auto& r : QSettings().value("recent").toStringList())
    m_controls->addModel(QFileInfo(r).fileName(), r);
  rebuildRecentMenu();
}

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

QDockWidget* MainWindow::dock(const QString& objectName) const {
  for (auto* d : m_docks)
    if (d->objectName() == objectName)
      return d;
  return nullptr;
}

void MainWindow::buildDocks() {
  // Creation order is the View menu's order and the base of the default layout.
  buildControlsDock();
  buildChainDocks();
  buildPlotDocks();
  buildLogDock();
  buildToolDocks();
  buildLevelDock();
  arrangeDocks();
  connectViews();
  connectToolPanels();
  connectControls();
}

void MainWindow::buildControlsDock() {
  m_controls = new ControlsPanel;
  auto* scroll = new QScrollArea;
  scroll->setWidget(m_controls);
  scroll->setWidgetResizable(true);
  scroll->setMinimumWidth(300);
  addPanel(tr("Controls"), "dock.controls", scroll, Qt::LeftDockWidgetArea);
}

void MainWindow::buildChainDocks() {
  // Each chain view is an image grid, or on 2-D data a landscape / latent plane, under the
  // chain's insight bar.
  m_xStack = new QStackedWidget;
  m_xGrid = new ImageGridView;
  m_landscape = new LandscapeView;
  m_xStack->addWidget(m_xGrid);
  m_xStack->addWidget(m_landscape);
  // The heatmap follows the view: a moved view asks for its square at once.
  connect(m_landscape, &LandscapeView::landscapeRangeWanted, this, [this](double lo, double hi) {
    m_landscapeRefresh.setRange(lo, hi);
    if (m_snap && m_snap->landscape && m_snap->state != RunState::Loading &&
        m_snap->state != RunState::Failed)
      if (auto request = m_landscapeRefresh.next(*m_snap, nowMs()))
        m_host->post(*request);
  });
  m_dataInsight = new ChainInsightBar;
  m_dataDock = addPanel(tr("Samples"), "dock.xrevision", withInsight(m_dataInsight, m_xStack),
                        Qt::RightDockWidgetArea);

  m_zStack = new QStackedWidget;
  m_zGrid = new ImageGridView;
  m_latent = new LatentPlane;
  m_zStack->addWidget(m_zGrid);
  m_zStack->addWidget(m_latent);
  m_latentInsight = new ChainInsightBar;
  m_latentDock = addPanel(tr("Latent chain"), "dock.zrevision",
                          withInsight(m_latentInsight, m_zStack), Qt::RightDockWidgetArea);
}

void MainWindow::buildPlotDocks() {
  m_energy = new CurvePlot(tr("Langevin step"), tr("energy"));
  addPanel(tr("Energy over steps"), "dock.energy", m_energy, Qt::RightDockWidgetArea);
  m_mse = new CurvePlot(tr("z-step"), tr("MSE of G(z)"));
  addPanel(tr("MSE over z-steps"), "dock.mse", m_mse, Qt::RightDockWidgetArea);
  m_losses = new LossPanel;
  addPanel(tr("Training losses"), "dock.losses", m_losses, Qt::RightDockWidgetArea);
}

void MainWindow::buildLogDock() {
  m_log = new QPlainTextEdit;
  m_log->setReadOnly(true);
  m_log->setMaximumBlockCount(2000);
  m_log->setToolTip(tr("Run log: messages, errors and live setting changes, newest last."));
  addPanel(tr("Run log"), "dock.log", m_log, Qt::RightDockWidgetArea);
}

void MainWindow::buildToolDocks() {
  m_interp = new InterpolationPanel;
  addPanel(tr("Interpolation"), "dock.interpolation", scrolled(m_interp),
           Qt::RightDockWidgetArea);
  m_inpaint = new InpaintPanel;
  addPanel(tr("Inpainting"), "dock.inpainting", scrolled(m_inpaint), Qt::RightDockWidgetArea);
  m_compare = new ComparePanel;
  addPanel(tr("Compare"), "dock.compare", scrolled(m_compare), Qt::RightDockWidgetArea);
}

void MainWindow::arrangeDocks() {
  // The chain views side by side with their plots under them; the tools tab with the samples.
  auto* controls = dock("dock.controls");
  auto* x = dock("dock.xrevision");
  auto* z = dock("dock.zrevision");
  auto* energy = dock("dock.energy");
  splitDockWidget(x, z, Qt::Horizontal);
  splitDockWidget(x, energy, Qt::Vertical);
  splitDockWidget(z, dock("dock.mse"), Qt::Vertical);
  tabifyDockWidget(energy, dock("dock.losses"));
  tabifyDockWidget(energy, dock("dock.log"));  // the log is a tab, not a column's 40 %
  energy->raise();
  tabifyDockWidget(x, dock("dock.interpolation"));
  tabifyDockWidget(x, dock("dock.inpainting"));
  tabifyDockWidget(x, dock("dock.compare"));  // it needs the room of the samples' tab group
  tabifyDockWidget(z, dock("dock.levels"));
  x->raise();
  applyDockProportions();
}

void MainWindow::applyDockProportions() {
  // Of whatever the window gives: the controls a fixed column, the two chains share the rest
  // 55:45, chains over plots 62:38.
  auto* x = dock("dock.xrevision");
  const int rest = std::max(600, width() - 320);
  resizeDocks({dock("dock.controls"), x, dock("dock.zrevision")},
              {310, rest * 55 / 100, rest * 45 / 100}, Qt::Horizontal);
  const int tall = std::max(400, height() - 120);
  resizeDocks({x, dock("dock.energy")}, {tall * 62 / 100, tall * 38 / 100}, Qt::Vertical);
}

void MainWindow::connectViews() {
  connect(m_dataInsight, &ChainInsightBar::showChangeToggled, m_xGrid,
          &ImageGridView::setShowChange);
  connect(m_latentInsight, &ChainInsightBar::showChangeToggled, m_zGrid,
          &ImageGridView::setShowChange);
  connect(m_dataInsight, &ChainInsightBar::noiseRequested, this,
          [this](double n) { raiseTemperature(m_dataInsight, m_dataChain, n); });
  connect(m_latentInsight, &ChainInsightBar::noiseRequested, this,
          [this](double n) { raiseTemperature(m_latentInsight, m_latentChain, n); });
  // Clicking a plot or a grid column moves the shared cursor.
  auto cursorFromPlot = [this](double x) { setCursorStep(int(std::lround(x))); };
  connect(m_energy, &CurvePlot::cursorPicked, this, cursorFromPlot);
  connect(m_mse, &CurvePlot::cursorPicked, this, cursorFromPlot);
  connect(m_xGrid, &ImageGridView::stepClicked, this, &MainWindow::setCursorStep);
  connect(m_zGrid, &ImageGridView::stepClicked, this, &MainWindow::setCursorStep);
  connectLandscapeTools();
}

void MainWindow::connectToolPanels() {
  auto postCommand = [this](const Command& command) { m_host->post(command); };
  connect(m_interp, &InterpolationPanel::post, this, postCommand);
  connect(m_inpaint, &InpaintPanel::post, this, postCommand);
  connect(m_inpaint, &InpaintPanel::error, this, &MainWindow::onError);
  connect(m_compare, &ComparePanel::post, this, postCommand);
  connect(m_compare, &ComparePanel::error, this, &MainWindow::onError);
  connect(m_compare, &ComparePanel::maximiseRequested, this,
          [this] { maximisePanel("dock.compare"); });
  connect(m_interp, &InterpolationPanel::exportPng, this, &MainWindow::exportInterpolationPng);
  connect(m_interp, &InterpolationPanel::exportGif, this, &MainWindow::exportInterpolationGif);
}

void MainWindow::connectControls() {
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
  connect(c, &ControlsPanel::pauseTraining, this, &MainWindow::requestPause);
  connect(c, &ControlsPanel::resumeTraining, this, [this] { m_host->post(cmd::Resume{}); });
  connect(c, &ControlsPanel::stepTraining, this, [this] { m_host->post(cmd::StepOnce{}); });
  connect(c, &ControlsPanel::stopTraining, this, [this] { m_host->post(cmd::StopTraining{}); });
  connect(c, &ControlsPanel::saveNow, this, [this] { m_host->post(cmd::SaveCheckpoint{}); });
  connect(c, &ControlsPanel::chainSettingsEdited, this,
          [this](const QString& chain, const SettingValues& v) {
            if (!m_host->setChainSettings(chain.toStdString(), v))
              return;
            noteSettingEdited();
            QStringList parts;
            for (const auto& [key, value] : v.numbers)
              parts << QString::fromStdString(key) + " = " + QString::number(value, 'g', 4);
            log(tr("%1-chain settings: %2 (live ones from the next step)")
                    .arg(chain, parts.join(", ")));
          });
  connect(c, &ControlsPanel::runChainRequested, this, [this](const QString& chain) {
    m_cursor.follow();  // the views follow the new trace from its first snapshot
    if (auto* g = m_controls->chainGroup(chain.toStdString()))
      m_host->post(withPlacedStarts(g->runCommand()));
  });
  connect(c, &ControlsPanel::stopRevisionRequested, this,
          [this] { m_host->post(cmd::StopRevision{}); });
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

QString MainWindow::statusText() const {
  return m_stateLabel->text() + " | " + m_msgLabel->text() + " | " + m_iterLabel->text();
}

void MainWindow::showPanel(const QString& objectName) {
  for (auto* d : m_docks)
    if (d->objectName() == objectName) {
      d->show();
      d->raise();
    }
}

void MainWindow::resetLayout() {
  restoreState(m_defaultState);
  for (auto* d : m_docks) {
    d->setFloating(false);
    d->show();
  }
  m_levelDock->setVisible(!m_ladderChain.empty());  // only a model with noise levels has one
  showLatentDocks(!m_latentChain.empty());
  m_lessonToolbar->setVisible(m_lesson.active());  // the default layout has no lesson bar
}

void MainWindow::showLatentDocks(bool shown) {
  // A model without a latent chain has nothing to show there: its room goes to the others; so
  // has one whose lesson never shows it.
  shown = shown && !(m_lesson.active() && m_lessonHidesLatent);
  m_latentDock->setVisible(shown);
  dock("dock.mse")->setVisible(shown);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirmClose()) {
    event->ignore();
    return;
  }
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  event->accept();
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

} // namespace ebm::ui
