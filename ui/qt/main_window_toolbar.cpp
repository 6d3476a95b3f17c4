// MainWindow's run toolbar: what a lecturer and a researcher reach for most, visible at any
// window size — training, revisions of every chain, Repeat, the chain speed (which paces
// running revisions and playback alike), single steps, the step cursor and pinned traces.
#include "main_window.h"

#include "chain_insight_bar.h"
#include "controls_panel.h"
#include "curve_plot.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QSettings>
#include <QToolBar>

namespace ebm::ui {

void MainWindow::buildRunToolbar() {
  auto* bar = addToolBar(tr("Run"));
  bar->setObjectName("toolbar.run");
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  m_trainAction = bar->addAction(tr("Train"), this, &MainWindow::toggleTraining);
  m_trainAction->setToolTip(tr("Start, pause or resume training (Ctrl+Space)"));
  m_runChainsAction = bar->addAction(tr("Run chains"), this, [this] { startRevisions(); });
  m_runChainsAction->setToolTip(tr("Run a revision of every chain of the model (X / Z run one)"));
  m_stopChainAction = bar->addAction(tr("Stop chain"), this,
                                     [this] { m_host->post(cmd::StopRevision{}); });
  m_stopChainAction->setToolTip(tr("Stop the running revision at its next step"));
  m_repeatAction = bar->addAction(tr("Repeat"));
  m_repeatAction->setCheckable(true);
  m_repeatAction->setChecked(true);
  m_repeatAction->setShortcut(QKeySequence(Qt::Key_R));
  m_repeatAction->setToolTip(tr("Start the next revision with the next seed when one finishes "
                                "(R). Turns itself off when you change a setting, so the trace "
                                "that shows the change stays on screen."));
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" chain speed ")));
  m_speedBox = new QComboBox;
  m_speedBox->setObjectName("chainSpeed");
  m_speedBox->setAccessibleName(tr("chain speed"));
  m_speedBox->setFocusPolicy(Qt::StrongFocus);
  for (double v : ChainSpeed::choices())
    m_speedBox->addItem(QString::fromStdString(ChainSpeed::label(v)), v);
  m_speedBox->setToolTip(tr("Langevin steps per second of a running revision and of playback, "
                            "from single steps (N takes the next) to as fast as the model "
                            "computes. - / = : slower / faster"));
  bar->addWidget(m_speedBox);
  connect(m_speedBox, qOverload<int>(&QComboBox::activated), this,
          [this](int i) { setChainSpeed(m_speedBox->itemData(i).toDouble()); });
  m_nextStepAction = bar->addAction(tr("Next step"), this, [this] { m_host->stepRevision(1); });
  m_nextStepAction->setShortcut(QKeySequence(Qt::Key_N));
  m_nextStepAction->setToolTip(tr("Single steps: let the running revision take one step (N)"));
  auto* slower = new QAction(this);
  slower->setShortcut(QKeySequence(Qt::Key_Minus));
  connect(slower, &QAction::triggered, this, [this] {
    ChainSpeed s = m_speed;
    s.slower();
    setChainSpeed(s.stepsPerSecond());
  });
  auto* faster = new QAction(this);
  faster->setShortcuts({QKeySequence(Qt::Key_Equal), QKeySequence(Qt::Key_Plus)});
  connect(faster, &QAction::triggered, this, [this] {
    ChainSpeed s = m_speed;
    s.faster();
    setChainSpeed(s.stepsPerSecond());
  });
  addAction(slower);
  addAction(faster);
  bar->addSeparator();
  addPlaybackTools(bar);
  setChainSpeed(m_options.chainSpeed != -2
                    ? m_options.chainSpeed
                    : QSettings().value("chain/speed", ChainSpeed::kDefault).toDouble(),
                false);
}

void MainWindow::addPlaybackTools(QToolBar* bar) {
  auto tool = [this, bar](const QString& text, const QString& tip, auto fn) {
    auto* a = bar->addAction(text, this, fn);
    a->setToolTip(tip);
    return a;
  };
  tool(QString::fromUtf8("|◀"), tr("First step (Home)"), [this] { setCursorStep(0); });
  tool(QString::fromUtf8("◀"), tr("One step back (,)"), [this] { stepCursor(-1); });
  m_playAction = tool(tr("Play"), tr("Play the trace at the chain speed / pause (Space)"),
                      [this] { togglePlayback(); });
  tool(QString::fromUtf8("▶"), tr("One step forward (.)"), [this] { stepCursor(1); });
  tool(QString::fromUtf8("▶|"), tr("Follow the live chain (End)"), [this] { setCursorStep(-1); });
  m_stepLabel = new QLabel;
  m_stepLabel->setMinimumWidth(110);
  m_stepLabel->setAlignment(Qt::AlignCenter);
  bar->addWidget(m_stepLabel);
  bar->addSeparator();
  m_pinAction = tool(tr("Pin"), tr("Keep the shown traces and draw the next ones over them (P)"),
                     [this] { pinTraces(); });
  m_pinAction->setShortcut(QKeySequence(Qt::Key_P));
  m_clearPinAction = tool(tr("Unpin"), tr("Drop the pinned traces"), [this] { clearPins(); });
  addForkTool(bar);
}

void MainWindow::setChainSpeed(double stepsPerSecond, bool remember) {
  m_speed.set(stepsPerSecond);
  const double v = m_speed.stepsPerSecond();
  m_host->setRevisionPace(v);
  m_cursor.setSpeed(m_speed.playbackStepsPerTick(), m_speed.playbackIntervalMs());
  if (m_playback.isActive())
    m_playback.start(m_cursor.intervalMs());
  m_speedBox->setCurrentIndex(m_speedBox->findData(v));
  if (remember)
    QSettings().setValue("chain/speed", v);
  if (m_snap)
    updateToolbar(*m_snap);
}

void MainWindow::updateToolbar(const SessionSnapshot& s) {
  const bool ready = s.state != RunState::Loading && s.state != RunState::Failed;
  m_trainAction->setEnabled(ready && s.state != RunState::Diverged);
  m_trainAction->setText(s.state == RunState::Training ? tr("Pause training")
                         : s.state == RunState::Paused ? tr("Resume training")
                                                       : tr("Train"));
  m_runChainsAction->setEnabled(ready && !s.revisionRunning);
  m_stopChainAction->setEnabled(s.revisionRunning);
  m_nextStepAction->setEnabled(m_speed.singleStep() && s.revisionRunning);
  m_playAction->setText(m_cursor.playing() ? tr("Pause") : tr("Play"));
  m_clearPinAction->setEnabled(m_pinned.any());
  const int last = m_cursor.lastStep();
  m_stepLabel->setText(s.revisionWaiting ? tr("step %1 · press N").arg(last)
                                         : tr("step %1 / %2").arg(m_cursor.shownStep()).arg(last));
}

void MainWindow::pinTraces(const QString& label) {
  if (!m_shownData && !m_shownLatent)
    return;
  m_pinned.pin(m_shownData, m_shownLatent);
  if (!label.isEmpty())
    m_pinned.label = label.toStdString();
  log(tr("pinned the shown traces (%1): the next ones are drawn over them")
          .arg(QString::fromStdString(m_pinned.label)));
  showPinned();
}

void MainWindow::clearPins() {
  m_pinned.clear();
  showPinned();
}

void MainWindow::showPinned() {
  const QString label = QString::fromStdString(m_pinned.label);
  m_energy->setPinned(m_pinned.energy(), label);
  m_mse->setPinned(m_pinned.mse(), label);
  plotShownTraces();
  if (m_snap)
    updateToolbar(*m_snap);
}

void MainWindow::noteSettingEdited() {
  // A changed setting is what the user wants to watch: keep the trace that shows it.
  if (!m_repeatAction->isChecked())
    return;
  m_repeatAction->setChecked(false);
  log(tr("Repeat is off so the trace with your change stays on screen (R turns it on)"));
}

void MainWindow::raiseTemperature(ChainInsightBar* bar, const std::string& chain, double noise) {
  // "Show a chain at T = 1" sets n = s (or back) and runs the chain at once.
  if (!m_snap)
    return;
  const auto current = m_snap->chains.find(chain);
  if (current == m_snap->chains.end())
    return;
  const double before = current->second.settings.number("noise", -1);
  SettingValues v;
  v.numbers["noise"] = noise;
  if (!m_host->setChainSettings(chain, v))
    return;
  if (auto* g = m_controls->chainGroup(chain)) {
    SettingValues all = g->values();
    all.numbers["noise"] = noise;
    g->setValues(all);
    m_cursor.follow();
    m_host->post(g->runCommand());
  }
  bar->setRaisedFrom(noise > before ? before : -1);
  log(tr("%1-chain noise n = %2 (training uses it too until you change it back)")
          .arg(QString::fromStdString(chain), QString::fromStdString(shortNumber(noise))));
}

} // namespace ebm::ui
