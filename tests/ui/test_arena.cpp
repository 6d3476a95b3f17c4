// The arena and the point editor, driven in the real window: the shipped 2-D models side by side
// from the same noise (every pane that starts at the shared noise has the same x_0), MMD² series
// that appear and fall, Repeat with new noise for every pane at once, Stop; the point editor draws
// and erases points, saves and loads a CSV, shows the core's message for a bad one, and trains a
// new model on the points in the main window, after the unsaved-training question.
#include "arena_pane.h"
#include "arena_view.h"
#include "curve_plot.h"
#include "main_window.h"
#include "point_canvas.h"
#include "point_editor.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPushButton>
#include <QTest>

namespace {

using ebm::RunState;
using ebm::ui::ArenaPane;
using ebm::ui::ArenaView;
using ebm::ui::MainWindow;
using ebm::ui::NoiseUse;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;

const QString kToy = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";

std::unique_ptr<MainWindow> toyWindow() {
  auto o = ebm::ui::test::windowOptions("arena");
  o.checkpoint = kToy;
  o.threads = 1;
  return ebm::ui::test::showWindow(o);
}

bool roundDone(const ArenaView& arena) {
  if (arena.anyRunning())
    return false;
  for (auto* p : arena.panes())
    if (!p->trace() || p->pendingMeasures() > 0)
      return false;
  return true;
}

ArenaPane* paneWith(const ArenaView& arena, NoiseUse use, bool shortRun) {
  for (auto* p : arena.panes())
    if (p->sampler().use == use && p->spec().shortRun == shortRun)
      return p;
  return nullptr;
}

TEST(Arena, ShippedModelsRunFromTheSameNoiseAndTheirMmdFalls) {
  auto w = toyWindow();
  ArenaView* arena = w->openArena();
  ASSERT_FALSE(arena->dataSets().empty());
  EXPECT_EQ(arena->dataSets().front(), "toy2d/8gaussians");
  ASSERT_TRUE(waitFor([&] { return arena->allReady(); }, 90));
  // The latent-variable model, a level sampler from noise, one through its learned proposal,
  // and the first model's energy short-run.
  ASSERT_EQ(arena->panes().size(), 4u);
  ArenaPane* own = paneWith(*arena, NoiseUse::OwnStart, false);
  ArenaPane* fromNoise = paneWith(*arena, NoiseUse::Start, false);
  ArenaPane* proposed = paneWith(*arena, NoiseUse::ThroughProposal, false);
  ArenaPane* shortRun = paneWith(*arena, NoiseUse::Start, true);
  ASSERT_TRUE(own && fromNoise && proposed && shortRun);
  EXPECT_NE(own->findChild<QLabel*>("arenaPaneNote")->text().indexOf("cannot start from given"),
            -1);

  arena->setChains(64);
  arena->start();
  EXPECT_TRUE(arena->anyRunning());
  ASSERT_TRUE(waitFor([&] { return roundDone(*arena); }, 180));
  const std::vector<float> noise = arena->noise();  // a copy: the next round replaces it
  ASSERT_EQ(noise.size(), 128u);
  for (ArenaPane* p : {fromNoise, shortRun}) {
    const auto& first = p->trace()->snapshots.front();
    EXPECT_EQ(first.step, 0);
    EXPECT_EQ(first.state, noise) << p->title().toStdString();  // the same x_0, bit for bit
  }
  EXPECT_NE(own->trace()->snapshots.front().state, noise);
  EXPECT_NE(proposed->trace()->snapshots.front().state, noise);

  // Every pane has an MMD² series; from the shared noise toward the data it falls.
  for (auto* p : arena->panes()) {
    EXPECT_GE(p->mmd().points().size(), 3u) << p->title().toStdString();
    EXPECT_TRUE(p->trace()->finished) << p->title().toStdString();
  }
  for (ArenaPane* p : {shortRun, proposed})
    EXPECT_LT(p->mmd().points().back().mmd2, p->mmd().points().front().mmd2)
        << p->title().toStdString();
  ASSERT_TRUE(waitFor([&] { return arena->mmdPlot()->plot()->graphCount() == 4; }, 5));

  // Repeat: a new round with new noise, the same for every pane.
  arena->setRepeat(true);
  ASSERT_TRUE(waitFor([&] { return arena->rounds() == 2; }, 30));
  arena->setRepeat(false);
  EXPECT_NE(arena->noise(), noise);
  ASSERT_TRUE(waitFor([&] { return roundDone(*arena); }, 180));
  EXPECT_EQ(shortRun->trace()->snapshots.front().state, arena->noise());
  EXPECT_EQ(fromNoise->trace()->snapshots.front().state, arena->noise());

  // Stop ends every pane's chain at once, at the shared pace.
  arena->setChainSpeed(5);
  arena->start();
  ASSERT_TRUE(waitFor([&] {
    for (auto* p : arena->panes())
      if (!p->trace() || p->trace()->lastStep() < 1)
        return false;
    return true;
  }, 60));
  QTest::mouseClick(arena->findChild<QPushButton*>("arenaStop"), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return !arena->anyRunning(); }, 30));
  for (auto* p : arena->panes())
    EXPECT_TRUE(p->trace()->stopped) << p->title().toStdString();

  // Single steps: every pane waits, and Next step moves them all.
  arena->setChainSpeed(ebm::kSingleStep);
  auto* next = arena->findChild<QPushButton*>("arenaNextStep");
  ASSERT_TRUE(next && next->isVisible());
  arena->start();
  auto allAt = [&](int step) {
    for (auto* p : arena->panes())
      if (!p->trace() || p->trace()->lastStep() < step)
        return false;
    return true;
  };
  ASSERT_TRUE(waitFor([&] { return allAt(0); }, 30));
  QTest::qWait(500);
  EXPECT_FALSE(allAt(2));  // nobody ran ahead
  for (int i = 0; i < 3; ++i)
    QTest::mouseClick(next, Qt::LeftButton);
  EXPECT_TRUE(waitFor([&] { return allAt(2); }, 30));
  arena->stop();
  ASSERT_TRUE(waitFor([&] { return !arena->anyRunning(); }, 30));
}

QMessageBox* pointsUnsavedQuestion() {
  for (QWidget* top : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(top);
        box && box->objectName() == "unsavedTraining" && box->isVisible())
      return box;
  return nullptr;
}

void dragOn(QWidget* w, const QPointF& from, const QPointF& to, int moves) {
  QTest::mousePress(w, Qt::LeftButton, Qt::NoModifier, from.toPoint());
  for (int i = 1; i <= moves; ++i) {
    const QPointF at = from + (to - from) * (double(i) / moves);
    QMouseEvent move(QEvent::MouseMove, at, w->mapToGlobal(at), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(w, &move);
  }
  QTest::mouseRelease(w, Qt::LeftButton, Qt::NoModifier, to.toPoint());
}

TEST(PointEditor, DrawsErasesSavesLoadsAndTrainsOnThePoints) {
  auto w = toyWindow();
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return s && s->state == RunState::Idle;
  }, 60));
  auto* editor = w->openPointEditor();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(editor));
  auto* canvas = editor->canvas();
  canvas->setBrushRadius(0.1);
  canvas->setPointsPerDab(5);
  QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier,
                    canvas->widgetPosition(0.5, 0.5).toPoint());
  ASSERT_EQ(canvas->points().size(), 5u);
  for (size_t i = 0; i < 5; ++i)
    EXPECT_LE(std::hypot(canvas->points().xy[2 * i] - 0.5, canvas->points().xy[2 * i + 1] - 0.5),
              0.1 + 1e-6);
  // A drag from (-1, -1) to (1, -1) sprays all along the way.
  dragOn(canvas, canvas->widgetPosition(-1, -1), canvas->widgetPosition(1, -1), 40);
  const size_t drawn = canvas->points().size();
  EXPECT_GE(drawn, 5u + 5u * 8u);
  // The eraser removes the points under it, and only those.
  canvas->setEraser(true);
  QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier,
                    canvas->widgetPosition(0.5, 0.5).toPoint());
  EXPECT_EQ(canvas->points().size(), drawn - 5);
  canvas->setEraser(false);

  // A CSV round trip keeps every point exactly.
  const QString csv = tmpPath("drawn.csv");
  ASSERT_TRUE(editor->saveCsv(csv));
  const auto saved = canvas->points().xy;
  canvas->clearPoints();
  ASSERT_TRUE(editor->loadCsv(csv));
  EXPECT_EQ(canvas->points().xy, saved);
  // A bad CSV: the core's message, naming the file and the line; the points stay.
  const QString bad = tmpPath("bad-points.csv");
  QFile f(bad);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write("x,y\n0.1,0.2\n0.3,oops\n");
  f.close();
  EXPECT_FALSE(editor->loadCsv(bad));
  EXPECT_NE(editor->message().indexOf("bad-points.csv:3"), -1) << editor->message().toStdString();
  EXPECT_EQ(canvas->points().xy, saved);

  // With unsaved iterations the usual question comes first: Cancel keeps the model and its
  // training, Discard goes on.
  w->host().post(ebm::cmd::StepOnce{});  // one iteration, then paused (no checkpoint written)
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return s && s->state == RunState::Paused && ebm::unsavedIterations(*s) == 1;
  }, 60));
  ASSERT_TRUE(editor->trainButton()->isEnabled());
  QTest::mouseClick(editor->trainButton(), Qt::LeftButton);
  QMessageBox* box = nullptr;
  ASSERT_TRUE(waitFor([&] { return (box = pointsUnsavedQuestion()) != nullptr; }, 5));
  QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
  QTest::qWait(300);
  EXPECT_EQ(w->host().pollNow()->config.data.kind, "toy2d");
  EXPECT_EQ(ebm::unsavedIterations(*w->host().pollNow()), 1);
  QTest::mouseClick(editor->trainButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return (box = pointsUnsavedQuestion()) != nullptr; }, 5));
  QTest::mouseClick(box->button(QMessageBox::Discard), Qt::LeftButton);

  // Then a new session on data.kind "points" with the CSV in its run folder, training.
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return s && s->config.data.kind == "points" && s->iteration > 0;
  }, 90));
  auto s = w->host().pollNow();
  EXPECT_EQ(QFileInfo(QString::fromStdString(s->config.data.path)).fileName(), "points.csv");
  EXPECT_TRUE(QFileInfo::exists(QString::fromStdString(s->config.data.path)));
  EXPECT_EQ(ebm::readPointFile(s->config.data.path).size(), saved.size() / 2);
  w->host().post(ebm::cmd::StopTraining{});
}

} // namespace
