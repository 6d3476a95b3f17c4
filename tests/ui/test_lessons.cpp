// Lessons in the real window: every shipped lesson plays to its end (Next whenever a step waits
// for a key), leaving the chain settings it set in the session and the traces of the chains it
// ran; Space / Left / Esc step through a lesson and end it (the latent chain's docks hidden while
// a lesson that never shows them plays); a malformed lesson shows the parser's message in the
// lesson bar and the window stays up.
#include "controls_panel.h"
#include "lesson.h"
#include "lesson_bar.h"
#include "main_window.h"

#include "lesson_outcome.h"
#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QPushButton>
#include <QTest>

#include <cmath>
#include <map>
#include <set>

namespace {

using ebm::RunState;
using ebm::SettingValues;
using ebm::ui::Lesson;
using ebm::ui::LessonAction;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::traceOf;
using ebm::ui::test::waitFor;

const QString kToy = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";

std::unique_ptr<MainWindow> lessonWindow() {
  // Automatic revisions off, as under --lesson, where the lesson holds them back from the start.
  auto o = ebm::ui::test::windowOptions("lesson");
  o.checkpoint = kToy;
  o.chainSpeed = 0;  // as fast as the model computes: the lessons' chains are short anyway
  return ebm::ui::test::showWindow(o);
}

bool ready(MainWindow& w) {
  const auto s = w.host().pollNow();
  return s && s->state == RunState::Idle && !s->revisionRunning;
}

/// Plays the window's lesson to its end, pressing Next whenever a step waits for a key.
bool playToTheEnd(MainWindow& w, double seconds) {
  return waitFor([&] {
    const auto& p = w.lessonPlayer();
    if (p.waitingForKey())
      w.lessonNext();
    return p.finished() || !p.error().empty();
  }, seconds);
}

TEST(Lessons, EveryShippedLessonPlaysToItsEnd) {
  const auto paths = ebm::ui::shippedLessons();
  ASSERT_GE(paths.size(), 3u);
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    auto w = lessonWindow();
    ASSERT_TRUE(waitFor([&] { return ready(*w); }, 120));
    w->openLesson(QString::fromStdString(path));
    ASSERT_TRUE(w->lessonPlayer().active());
    EXPECT_TRUE(w->lessonBar()->isVisible());
    ASSERT_TRUE(playToTheEnd(*w, 600)) << "step " << w->lessonPlayer().stepIndex() + 1;
    ASSERT_EQ(w->lessonPlayer().error(), "");
    ASSERT_TRUE(waitFor([&] { return ready(*w); }, 120));
    const auto e = ebm::test::lessonOutcome(ebm::ui::loadLesson(path));
    const auto s = w->host().pollNow();
    ebm::test::expectOutcome(*s, e);
    for (const auto& chain : e.ran)
      EXPECT_TRUE(s->chains.at(chain).fromRevision) << chain;
    EXPECT_EQ(w->hasPinnedTrace(), e.pinned);
    EXPECT_EQ(w->lastErrorShown(), "");
    // The controls show what the lesson set, as for a hand-made change.
    for (const auto& [chain, values] : e.settings)
      if (auto* g = w->controls()->chainGroup(chain))
        for (const auto& [key, value] : values.numbers)
          EXPECT_NEAR(g->values().number(key), value, 1e-6 * (1 + std::abs(value))) << key;
  }
}

const char* kShortLesson = R"(title = "Two steps"
[[step]]
title = "first"
caption = "c"
do = [ { set = "x", steps = 5, step_size = 0.25 }, { run = "x", chains = 4, seed = 3 } ]
[[step]]
title = "second"
caption = "c"
do = [ { set = "x", steps = 7 }, { run = "x", chains = 4, seed = 3 }, { cursor = 2 } ]
)";

QString writeLesson(const QString& name, const char* text) {
  const QString path = tmpPath(name);
  QFile f(path);
  f.open(QIODevice::WriteOnly | QIODevice::Truncate);
  f.write(text);
  return path;
}

// A key typed where the keyboard focus is, as a user types it.
void type(Qt::Key key) {
  QTest::keyClick(static_cast<QWidget*>(nullptr), key);
}

TEST(Lessons, SpaceLeftAndEscStepThroughALessonAndEndIt) {
  auto w = lessonWindow();
  ASSERT_TRUE(waitFor([&] { return ready(*w); }, 120));
  QApplication::setActiveWindow(w.get());
  ASSERT_TRUE(waitFor([&] { return QApplication::activeWindow() == w.get(); }, 5));
  w->openLesson(writeLesson("two-steps.toml", kShortLesson));
  const auto& p = w->lessonPlayer();
  ASSERT_TRUE(waitFor([&] { return p.waitingForKey(); }, 60));
  EXPECT_EQ(w->lessonBar()->titleText(), "first");
  EXPECT_NE(w->lessonBar()->headerText().indexOf("step 1 / 2"), -1);
  // The lesson never shows the latent chain: its docks give their room to the others.
  auto* latent = w->findChild<QDockWidget*>("dock.zrevision");
  ASSERT_TRUE(latent);
  EXPECT_FALSE(latent->isVisible());
  EXPECT_EQ(w->host().pollNow()->chains.at("x").settings.integer("steps"), 5);
  ASSERT_TRUE(traceOf(*w->host().pollNow(), "x"));
  EXPECT_EQ(traceOf(*w->host().pollNow(), "x")->lastStep(), 5);  // the step waits for its chain
  type(Qt::Key_Space);  // the lesson's, not playback's
  ASSERT_TRUE(waitFor([&] { return p.stepIndex() == 1 && p.waitingForKey(); }, 60));
  EXPECT_EQ(w->cursorStep(), 2);
  auto trace = traceOf(*w->host().pollNow(), "x");
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->lastStep(), 7);
  type(Qt::Key_Left);  // replays the first step
  ASSERT_TRUE(waitFor([&] { return p.stepIndex() == 0 && p.waitingForKey(); }, 60));
  EXPECT_EQ(traceOf(*w->host().pollNow(), "x")->lastStep(), 5);
  type(Qt::Key_Escape);
  EXPECT_FALSE(p.active());
  EXPECT_FALSE(w->lessonBar()->isVisible());
  EXPECT_TRUE(latent->isVisible());
  type(Qt::Key_Space);  // without a lesson Space plays the trace again
  EXPECT_GE(w->cursorStep(), 0);
}

TEST(Lessons, TheViewMenuListsTheShippedLessonsByTitleAndPlaysThem) {
  auto w = lessonWindow();
  ASSERT_TRUE(waitFor([&] { return ready(*w); }, 120));
  auto* menu = w->findChild<QMenu*>("menu.lessons");
  ASSERT_TRUE(menu);
  QStringList titles;
  for (QAction* a : menu->actions())
    if (!a->isSeparator())
      titles << a->text();
  EXPECT_TRUE(titles.contains("Langevin on an energy landscape")) << titles.join("|").toStdString();
  EXPECT_TRUE(titles.contains("From noise to data with recovery likelihood"));
  EXPECT_EQ(titles.size(), int(ebm::ui::shippedLessons().size()) + 1);
  EXPECT_EQ(titles.last(), "Open lesson file…");
  for (QAction* a : menu->actions())
    if (a->text() == "Langevin on an energy landscape")
      a->trigger();
  EXPECT_TRUE(w->lessonPlayer().active());
  EXPECT_EQ(w->lessonPlayer().lesson().title, "Langevin on an energy landscape");
  EXPECT_NE(w->lessonBar()->headerText().indexOf("step 1 / "), -1);
  w->endLesson();
  EXPECT_FALSE(w->lessonBar()->isVisible());
}

TEST(Lessons, AMalformedLessonShowsTheParsersMessageAndTheWindowStaysUp) {
  auto w = lessonWindow();
  ASSERT_TRUE(waitFor([&] { return ready(*w); }, 120));
  const QString bad = writeLesson("bad.toml", "title = \"t\"\n[[step]]\ntitle = \"s\"\n"
                                              "caption = \"c\"\ndo = [ { jump = 3 } ]\n");
  w->openLesson(bad);
  EXPECT_FALSE(w->lessonPlayer().active());
  EXPECT_TRUE(w->lessonBar()->isVisible());
  EXPECT_NE(w->lessonBar()->errorText().indexOf("line 5: step 1: unknown action \"jump\""), -1)
      << w->lessonBar()->errorText().toStdString();
  EXPECT_NE(w->lastErrorShown().indexOf("bad.toml line 5"), -1);
  w->openLesson(tmpPath("no-such-lesson.toml"));
  EXPECT_NE(w->lessonBar()->errorText().indexOf("cannot read lesson"), -1);
  // The window still works: a chain runs as before.
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  EXPECT_TRUE(waitFor([&] {
    const auto t = traceOf(*w->host().pollNow(), "x");
    return t && t->finished;
  }, 60));
  EXPECT_TRUE(w->isVisible());
}

TEST(Lessons, ASettingTheModelRefusesStopsTheLessonNamingItsLine) {
  auto w = lessonWindow();
  ASSERT_TRUE(waitFor([&] { return ready(*w); }, 120));
  w->openLesson(writeLesson("refused.toml", "title = \"t\"\n[[step]]\ntitle = \"s\"\n"
                                            "caption = \"c\"\ndo = [\n  { panel = \"energy\" },\n"
                                            "  { set = \"x\", step_size = -1 },\n"
                                            "  { run = \"x\" },\n]\n"));
  const auto& p = w->lessonPlayer();
  ASSERT_TRUE(waitFor([&] { return !p.error().empty(); }, 60));
  EXPECT_NE(p.error().find("refused.toml line 7: step 1: x.step_size = -1"), std::string::npos)
      << p.error();
  EXPECT_NE(w->lessonBar()->errorText().indexOf("line 7"), -1);
  EXPECT_NE(w->host().pollNow()->chains.at("x").settings.number("step_size"), -1);
}

} // namespace
