// MainWindow's lessons: View › Lessons (the shipped lessons and "Open lesson file…"), the lesson
// bar above the docks, the keys that step through a lesson (Space / Right next, Left back, Esc
// ends it; they belong to the lesson only while one is shown), and the player's clock, the
// session host's tick. WindowLessonStage does each action through the helpers at the end.
#include "main_window.h"

#include "chain_group.h"
#include "controls_panel.h"
#include "guidance_panel.h"
#include "lesson_bar.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QShortcut>
#include <QToolBar>

namespace ebm::ui {
namespace {

/// Whether a lesson ever raises the latent chain's panels (else their room goes to the others).
bool showsLatent(const Lesson& lesson) {
  for (const auto& step : lesson.steps)
    for (const auto& a : step.actions)
      if (a.kind == LessonAction::Kind::Panel && (a.text == "latent" || a.text == "mse"))
        return true;
  return false;
}

QString lessonMenuTitle(const std::string& path) {
  // The lesson's own title; a shipped file that does not parse is listed by its file name, and
  // opening it shows why.
  try {
    return QString::fromStdString(loadLesson(path).title);
  } catch (const std::exception&) {
    return QFileInfo(QString::fromStdString(path)).fileName();
  }
}

} // namespace

void MainWindow::buildLessonMenu(QMenu* view) {
  auto* menu = view->addMenu(tr("&Lessons"));
  menu->setObjectName("menu.lessons");
  for (const std::string& path : shippedLessons()) {
    const QString file = QString::fromStdString(path);
    menu->addAction(lessonMenuTitle(path), this, [this, file] { openLesson(file); });
  }
  menu->addSeparator();
  menu->addAction(tr("Open lesson file…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open lesson"), QString(),
                                                      tr("Lessons (*.toml);;All files (*)"));
    if (!path.isEmpty())
      openLesson(path);
  });
}

void MainWindow::buildLessonBar() {
  m_lessonBar = new LessonBar;
  addToolBarBreak(Qt::TopToolBarArea);
  m_lessonToolbar = addToolBar(tr("Lesson"));
  m_lessonToolbar->setObjectName("toolbar.lesson");
  m_lessonToolbar->setMovable(false);
  m_lessonToolbar->addWidget(m_lessonBar);
  m_lessonToolbar->toggleViewAction()->setVisible(false);  // shown by a lesson, not by hand
  m_lessonToolbar->hide();
  connect(m_lessonBar, &LessonBar::nextRequested, this, &MainWindow::lessonNext);
  connect(m_lessonBar, &LessonBar::backRequested, this, &MainWindow::lessonBack);
  connect(m_lessonBar, &LessonBar::endRequested, this, &MainWindow::endLesson);
  connect(m_host, &SessionHost::ticked, this, &MainWindow::lessonTick);
  buildLessonKeys();
}

void MainWindow::buildLessonKeys() {
  // Space is the playback key's, which hands it to the lesson while one plays.
  auto key = [this](Qt::Key k, void (MainWindow::*fn)()) {
    auto* s = new QShortcut(QKeySequence(k), this);
    s->setEnabled(false);
    connect(s, &QShortcut::activated, this, fn);
    m_lessonKeys.push_back(s);
  };
  key(Qt::Key_Right, &MainWindow::lessonNext);
  key(Qt::Key_Left, &MainWindow::lessonBack);
  key(Qt::Key_Escape, &MainWindow::endLesson);
}

void MainWindow::openLesson(const QString& path) {
  Lesson lesson;
  try {
    lesson = loadLesson(path.toStdString());
  } catch (const std::exception& e) {
    m_lesson.stop();
    onError(QString::fromUtf8(e.what()));
    m_lessonBar->presentError(QString::fromUtf8(e.what()));
    m_lessonToolbar->show();
    for (auto* k : m_lessonKeys)
      k->setEnabled(k->key() == QKeySequence(Qt::Key_Escape));
    return;
  }
  log(tr("lesson: %1 (%2)").arg(QString::fromStdString(lesson.title), path));
  // The lesson decides what runs: no repeated or automatic revisions beside its own.
  m_repeatAction->setChecked(false);
  m_lessonHidesLatent = !showsLatent(lesson);
  m_lesson.start(std::move(lesson));
  showLatentDocks(!m_latentChain.empty());
  m_lessonToolbar->show();
  for (auto* k : m_lessonKeys)
    k->setEnabled(true);
  lessonTick();
}

void MainWindow::endLesson() {
  if (m_lesson.active())
    log(tr("lesson ended: %1").arg(QString::fromStdString(m_lesson.lesson().title)));
  m_lesson.stop();
  m_lessonToolbar->hide();
  for (auto* k : m_lessonKeys)
    k->setEnabled(false);
  showLatentDocks(!m_latentChain.empty());
}

void MainWindow::lessonNext() {
  m_lesson.next();
  lessonTick();
}

void MainWindow::lessonBack() {
  m_lesson.back();
  lessonTick();
}

void MainWindow::lessonTick() {
  if (!m_lesson.active())
    return;
  const std::string before = m_lesson.error();
  m_lesson.tick(m_lessonStage, double(nowMs()) / 1000.0);
  if (m_lesson.error() != before && !m_lesson.error().empty())
    onError(QString::fromStdString(m_lesson.error()));
  showLessonState();
}

void MainWindow::showLessonState() {
  m_lessonBar->present(m_lesson);
}

void MainWindow::showLessonSettings(const std::string& chain, const SettingValues& values) {
  // The controls show what the lesson set; the log says it, as for a hand-made change.
  if (ChainGroup* g = m_controls->chainGroup(chain)) {
    SettingValues shown = g->values();
    shown.merge(values);
    g->setValues(shown);
    if (chain == m_ladderChain)  // the Noise levels panel's K' and its scaling
      m_guidance->showSteps(shown.integer("steps"), shown.number("step_multiplier", 1));
  }
  QStringList parts;
  for (const auto& [key, value] : values.numbers)
    parts << QString::fromStdString(key) + " = " + QString::number(value, 'g', 4);
  for (const auto& [key, value] : values.choices)
    parts << QString::fromStdString(key + " = " + value);
  log(tr("lesson: %1-chain settings: %2")
          .arg(QString::fromStdString(chain), parts.join(", ")));
}

void MainWindow::lessonRunChain(const std::string& chain, int chains, uint64_t seed,
                                const std::string& init) {
  ChainGroup* g = m_controls->chainGroup(chain);
  cmd::RunChain run = g ? g->runCommand() : cmd::RunChain{chain};
  if (chains > 0)
    run.chains = chains;
  if (seed > 0)
    run.seed = seed;
  if (!init.empty())
    run.init = init;
  m_cursor.follow();  // the views follow the new trace from its first snapshot
  m_host->post(run);
}

} // namespace ebm::ui
