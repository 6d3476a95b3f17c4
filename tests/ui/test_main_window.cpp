// Drives the real main window under Xvfb: the shipped models load, revisions run, a live
// step-size change lands in the trace from the next step on, bad checkpoints are reported
// without losing the model, training pauses and resumes, and the event loop keeps running
// while the core trains.
#include "blas_kernels.h"
#include "controls_panel.h"
#include "curve_plot.h"
#include "image_grid_view.h"
#include "landscape_view.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QImageReader>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <functional>

#ifndef EBM_SOURCE_DIR
#error "EBM_SOURCE_DIR must name the source tree"
#endif
#ifndef EBM_TEST_TMP
#error "EBM_TEST_TMP must name a scratch directory"
#endif

namespace {

using ebm::RunState;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;
using ebm::ui::test::xTraceOf;

const QString kToy = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";
const QString kFmnist = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";



std::unique_ptr<MainWindow> openWindow(const QString& checkpoint, bool autoRevise = false) {
  auto o = ebm::ui::test::windowOptions("run");
  o.chainSpeed = 0;  // as fast as possible: the tests wait for whole chains
  o.checkpoint = checkpoint;
  o.autoRevise = autoRevise;
  return ebm::ui::test::showWindow(o);
}

RunState state(MainWindow& w) {
  auto s = w.host().pollNow();
  return s ? s->state : RunState::Loading;
}

bool loaded(MainWindow& w) {
  const auto s = state(w);
  return s == RunState::Idle;
}

TEST(MainWindow, DefaultModelLoadsAndRevisesOnItsOwn) {
  auto w = openWindow(kFmnist, /*autoRevise=*/true);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60)) << w->statusText().toStdString();
  // Within seconds a chain is visibly revising: the x-grid fills in.
  ASSERT_TRUE(waitFor([&] { return w->xGrid()->columnCount() >= 3; }, 30));
  auto s = w->host().pollNow();
  ASSERT_TRUE(xTraceOf(*s));
  EXPECT_EQ(xTraceOf(*s)->stateShape, (std::vector<int64_t>{1, 32, 32}));
  const QImage shot = w->grab().toImage();
  const QString artifact = tmpPath("main_window.png");
  ASSERT_TRUE(shot.save(artifact));
  EXPECT_GT(QFile(artifact).size(), 20000);
}

TEST(MainWindow, StepSizeChangedMidChainAppliesFromTheNextStep) {
  auto w = openWindow(kToy);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  auto* controls = w->controls();
  // A long chain so that the change lands in the middle of it.
  controls->chainGroup("x")->intBox("steps")->setValue(4000);
  controls->chainGroup("x")->realBox("step_size")->setValue(0.5);
  QTest::mouseClick(controls->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return s->revisionRunning && xTraceOf(*s) && xTraceOf(*s)->lastStep() >= 20;
  }, 30));
  controls->chainGroup("x")->realBox("step_size")->setValue(0.3);  // what a user typing a value does
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return xTraceOf(*s) && !xTraceOf(*s)->changes.empty();
  }, 30));
  w->host().post(ebm::cmd::StopRevision{});
  ASSERT_TRUE(waitFor([&] { return !w->host().pollNow()->revisionRunning; }, 30));
  auto s = w->host().pollNow();
  const auto& t = *xTraceOf(*s);
  ASSERT_EQ(t.changes.size(), 1u);
  const int k = t.changes[0].step;
  EXPECT_NE(t.changes[0].what.find("step_size"), std::string::npos);
  bool sawOld = false, sawNew = false;
  for (size_t i = 0; i < t.steps.size(); ++i) {
    if (t.steps[i] < k) {
      EXPECT_DOUBLE_EQ(t.stepSize[i], 0.5) << "step " << t.steps[i];
      sawOld = true;
    } else {
      EXPECT_DOUBLE_EQ(t.stepSize[i], 0.3) << "step " << t.steps[i];
      sawNew = true;
    }
  }
  EXPECT_TRUE(sawOld && sawNew);
  // The core reports the change as used, and the energy plot marks it.
  EXPECT_EQ(s->chains.at("x").settingsUsed, s->chains.at("x").settingsVersion);
  EXPECT_GE(s->chains.at("x").setToUseSeconds, 0.0);
  EXPECT_NE(w->energyPlot()->csvText().count('\n'), 0);
}

TEST(MainWindow, CorruptCheckpointIsReportedAndTheModelSurvives) {
  auto w = openWindow(kToy);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  const QString bad = tmpPath("corrupt.safetensors");
  {
    QFile f(bad);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("\x10\x00\x00\x00\x00\x00\x00\x00{\"not\": json", 20);
  }
  const auto errorsBefore = w->host().pollNow()->errorCount;
  w->loadCheckpoint(bad);
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->errorCount > errorsBefore; }, 30));
  EXPECT_TRUE(w->lastErrorShown().contains("corrupt.safetensors")) << w->lastErrorShown().toStdString();
  EXPECT_EQ(state(*w), RunState::Idle);
  EXPECT_EQ(w->host().pollNow()->config.name, "toy2d");
  // Still working: a revision runs on the model that was there.
  auto before = xTraceOf(*w->host().pollNow());
  // The window re-enables Run once it has shown the failed load's last snapshot.
  ASSERT_TRUE(ebm::ui::test::clickWhenEnabled(w->controls()->chainGroup("x")->runButton()));
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return xTraceOf(*s) && xTraceOf(*s) != before && xTraceOf(*s)->finished;
  }, 30));
}

TEST(MainWindow, AbsurdStepSizeIsReportedAndTheAppKeepsWorking) {
  auto w = openWindow(kToy);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  w->controls()->chainGroup("x")->realBox("step_size")->setValue(100.0);
  const auto errorsBefore = w->host().pollNow()->errorCount;
  auto run = w->controls()->chainGroup("x")->runCommand();
  run.init = "uniform";
  w->host().post(run);
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return xTraceOf(*s) && (xTraceOf(*s)->finished || xTraceOf(*s)->diverged) && !s->revisionRunning;
  }, 60));
  auto s = w->host().pollNow();
  if (xTraceOf(*s)->diverged) {
    EXPECT_GT(s->errorCount, errorsBefore);
    EXPECT_FALSE(w->lastErrorShown().isEmpty());
  }
  // Whatever the chain did, the model is untouched and training still starts.
  w->controls()->chainGroup("x")->realBox("step_size")->setValue(0.5);
  w->host().post(ebm::cmd::StepOnce{});
  ASSERT_TRUE(waitFor([&] { return state(*w) == RunState::Paused; }, 60));
  EXPECT_EQ(w->host().pollNow()->iteration, 3001);
}

TEST(MainWindow, TrainingPausesAndResumesFromTheButtons) {
  auto w = openWindow(kToy);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  auto* start = w->findChild<QPushButton*>();
  ASSERT_NE(start, nullptr);
  w->host().post(ebm::cmd::StartTraining{100000});
  ASSERT_TRUE(waitFor([&] { return state(*w) == RunState::Training; }, 30));
  w->host().post(ebm::cmd::Pause{});
  ASSERT_TRUE(waitFor([&] { return state(*w) == RunState::Paused; }, 30));
  const long at = w->host().pollNow()->iteration;
  waitFor([] { return false; }, 0.5);
  EXPECT_EQ(w->host().pollNow()->iteration, at);  // paused means no iterations
  w->host().post(ebm::cmd::Resume{});
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->iteration > at + 2; }, 30));
  w->host().post(ebm::cmd::StopTraining{});
  ASSERT_TRUE(waitFor([&] { return state(*w) == RunState::Idle; }, 30));
  // The loss plot got curves from the iterations that ran.
  EXPECT_TRUE(w->host().pollNow()->losses);
}

TEST(MainWindow, TrajectoryExportsAsAnAnimatedGif) {
  auto w = openWindow(kFmnist, /*autoRevise=*/true);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return xTraceOf(*s) && xTraceOf(*s)->finished;
  }, 60));
  const auto snaps = xTraceOf(*w->host().pollNow())->snapshots.size();
  const QString path = tmpPath("trajectory.gif");
  ASSERT_TRUE(w->writeTrajectoryGif(path)) << w->lastErrorShown().toStdString();
  QImageReader reader(path);
  ASSERT_TRUE(reader.canRead()) << reader.errorString().toStdString();
  EXPECT_EQ(size_t(reader.imageCount()), snaps);
  EXPECT_FALSE(w->writeTrajectoryGif("/nonexistent-dir/t.gif"));
  EXPECT_TRUE(w->lastErrorShown().contains("nonexistent-dir"));
}

TEST(MainWindow, LandscapeViewDrawsTheEnergyWithShaders) {
  auto w = openWindow(kToy, /*autoRevise=*/true);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  ASSERT_TRUE(waitFor([&] { return w->landscapeView()->landscapeIteration() == 3000; }, 30));
  ASSERT_TRUE(waitFor([&] { return xTraceOf(*w->host().pollNow()) != nullptr; }, 30));
  EXPECT_TRUE(w->landscapeView()->glError().isEmpty()) << w->landscapeView()->glError().toStdString();
  const QImage img = w->landscapeView()->grabFramebuffer();
  ASSERT_FALSE(img.isNull());
  // A heatmap has many colours; an empty or failed view has one or two.
  QSet<QRgb> colours;
  for (int y = 0; y < img.height(); y += 7)
    for (int x = 0; x < img.width(); x += 7)
      colours.insert(img.pixel(x, y));
  EXPECT_GT(colours.size(), 50);
  img.save(tmpPath("landscape.png"));
}

/// The finished x-trace of the window's session when it starts from other states than every
/// trace in `rounds` (a new round of revisions, with a new seed); null otherwise.
std::shared_ptr<const ebm::Trace> newRound(MainWindow& w,
                                           const std::vector<std::shared_ptr<const ebm::Trace>>& rounds) {
  auto s = w.host().pollNow();
  auto t = xTraceOf(*s);
  if (!t || !t->finished || s->revisionRunning || t->snapshots.empty())
    return nullptr;
  for (const auto& r : rounds)
    if (r == t || r->snapshots.front().state == t->snapshots.front().state)
      return nullptr;
  return t;
}

TEST(MainWindow, RevisionsRepeatWithNewSeedsUntilTheCursorIsParked) {
  auto w = openWindow(kToy, /*autoRevise=*/true);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  // Three rounds, each from other start states: the first and two repeats with seed + n.
  std::vector<std::shared_ptr<const ebm::Trace>> rounds;
  ASSERT_TRUE(waitFor([&] {
    if (auto t = newRound(*w, rounds))
      rounds.push_back(t);
    return rounds.size() >= 3;
  }, 60)) << rounds.size() << " rounds";
  // A parked cursor holds the repeats back: the user is looking at one step.
  w->setCursorStep(0);
  EXPECT_EQ(w->cursorStep(), 0);
  ASSERT_TRUE(waitFor([&] { return !w->host().pollNow()->revisionRunning; }, 30));
  const auto parkedOn = xTraceOf(*w->host().pollNow());
  waitFor([] { return false; }, 3.0);
  EXPECT_EQ(xTraceOf(*w->host().pollNow()), parkedOn);
  // Following the live chain again lets them resume.
  w->setCursorStep(-1);
  rounds.push_back(parkedOn);
  EXPECT_TRUE(waitFor([&] { return newRound(*w, rounds) != nullptr; }, 30));
}

TEST(MainWindow, SpacePlaysTheTraceToItsLastStepAndKeysStepTheCursor) {
  auto w = openWindow(kToy);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return xTraceOf(*s) && xTraceOf(*s)->finished && !s->revisionRunning;
  }, 30));
  const int last = xTraceOf(*w->host().pollNow())->lastStep();
  ASSERT_GT(last, 5);
  QApplication::setActiveWindow(w.get());
  w->xGrid()->setFocus();
  ASSERT_TRUE(waitFor([&] { return QApplication::activeWindow() == w.get(); }, 5));
  EXPECT_EQ(w->cursorStep(), -1);  // following the live chain
  QTest::keyClick(w.get(), Qt::Key_Space);
  EXPECT_GE(w->cursorStep(), 0);
  EXPECT_LT(w->cursorStep(), last);  // playback starts from the first step
  ASSERT_TRUE(waitFor([&] { return w->cursorStep() == last; }, 30));
  waitFor([] { return false; }, 0.3);
  EXPECT_EQ(w->cursorStep(), last);  // and stops there
  QTest::keyClick(w.get(), Qt::Key_Comma);
  EXPECT_EQ(w->cursorStep(), last - 1);
  QTest::keyClick(w.get(), Qt::Key_Home);
  EXPECT_EQ(w->cursorStep(), 0);
  QTest::keyClick(w.get(), Qt::Key_Period);
  EXPECT_EQ(w->cursorStep(), 1);
  QTest::keyClick(w.get(), Qt::Key_End);
  EXPECT_EQ(w->cursorStep(), -1);
}

TEST(MainWindow, EventLoopNeverStallsWhileTrainingFmnist) {
  auto w = openWindow(kFmnist);
  ASSERT_TRUE(waitFor([&] { return loaded(*w); }, 60));
  w->host().post(ebm::cmd::StartTraining{100000});
  ASSERT_TRUE(waitFor([&] { return state(*w) == RunState::Training; }, 30));
  QElapsedTimer clock;
  clock.start();
  qint64 last = clock.nsecsElapsed();
  double worst = 0;
  QTimer probe;
  probe.setInterval(5);
  QObject::connect(&probe, &QTimer::timeout, [&] {
    const qint64 now = clock.nsecsElapsed();
    worst = std::max(worst, (now - last) * 1e-6);
    last = now;
  });
  probe.start();
  // Measure for 8 s, and on a loaded machine until training has finished an iteration.
  QElapsedTimer window;
  window.start();
  QEventLoop loop;
  QTimer check;
  check.setInterval(100);
  QObject::connect(&check, &QTimer::timeout, [&] {
    if (window.elapsed() >= 8000 &&
        (w->host().pollNow()->iteration > 4000 || window.elapsed() > 120000))
      loop.quit();
  });
  check.start();
  loop.exec();
  probe.stop();
  const long iterations = w->host().pollNow()->iteration;
  w->host().post(ebm::cmd::StopTraining{});
  EXPECT_LT(worst, 200.0) << "the GUI thread stalled for " << worst << " ms";
  EXPECT_GT(iterations, 4000);  // training really ran meanwhile
}

} // namespace

int main(int argc, char** argv) {
  ebm::useFastBlasKernels(argv);  // as the programs under test do
  ebm::releaseSignalsHeldForRestart();  // no handlers of its own
  ::testing::InitGoogleTest(&argc, argv);
  qputenv("OPENBLAS_NUM_THREADS", "1");
  QSurfaceFormat fmt;
  fmt.setVersion(3, 3);
  fmt.setProfile(QSurfaceFormat::CoreProfile);
  QSurfaceFormat::setDefaultFormat(fmt);
  // The application lives until the process exits, never destroyed: destroying it closes the
  // X display and unloads Mesa's driver, whose allocations then reach LeakSanitizer without a
  // module name that scripts/sanitizers/lsan.supp could match (as for GLFW in the GL tests).
  static QApplication* app = new QApplication(argc, argv);
  (void)app;
  QApplication::setOrganizationName("EBM Lab Tests");
  QApplication::setApplicationName("ebm-lab-tests");
  return RUN_ALL_TESTS();
}

