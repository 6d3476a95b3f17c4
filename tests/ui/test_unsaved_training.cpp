// Training is never lost without a question: choosing a model (the loaded one again too) or
// closing the window with unsaved iterations asks Save / Discard / Cancel, and each answer does
// what it says; the loaded model chosen with nothing unsaved is not reloaded; a short autosave
// interval writes autosave.safetensors, which the next window offers; Pause says "pausing…" at
// once and training pauses at the next Langevin step. A save that cannot be written shows its
// cause, keeps the model and its training, and still counts the iterations as unsaved.
#include "checkpoint_info.h"
#include "controls_panel.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>

namespace {

using ebm::RunState;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;

const QString kToyModel = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";

std::unique_ptr<MainWindow> windowIn(const QString& runDir) {
  auto o = ebm::ui::test::windowOptions("unsaved");
  o.runDir = runDir;  // the tests reopen a run folder of their choosing
  o.checkpoint = kToyModel;
  return ebm::ui::test::showWindow(o);
}

QString freshRunDir(const QString& name) {
  return tmpPath(name + "-" + QString::number(QDateTime::currentMSecsSinceEpoch()));
}

ebm::RunState stateOf(MainWindow& w) {
  const auto s = w.host().pollNow();
  return s ? s->state : RunState::Loading;
}

long iterationOf(MainWindow& w) { return w.host().pollNow()->iteration; }

// `n` training iterations, then paused (StepOnce writes no checkpoint).
bool trainSteps(MainWindow& w, int n) {
  for (int i = 0; i < n; ++i) {
    const long at = iterationOf(w);
    w.host().post(ebm::cmd::StepOnce{});
    if (!waitFor([&] { return iterationOf(w) == at + 1 && stateOf(w) == RunState::Paused; }, 30)) {
      const auto s = w.host().pollNow();
      ADD_FAILURE() << "after StepOnce from iteration " << at << ": iteration " << s->iteration
                    << ", " << ebm::toString(s->state) << ", " << s->lastMessage << " / "
                    << s->lastError;
      return false;
    }
  }
  return true;
}

QMessageBox* unsavedQuestion() {
  for (QWidget* top : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(top);
        box && box->objectName() == "unsavedTraining" && box->isVisible())
      return box;
  return nullptr;
}

// Chooses `path` in the Model box as a user does.
void chooseModel(MainWindow& w, const QString& path) {
  auto* box = w.controls()->findChild<QComboBox*>("model");
  ASSERT_NE(box, nullptr);
  const int i = box->findData(QFileInfo(path).absoluteFilePath());
  ASSERT_GE(i, 0) << path.toStdString();
  box->setCurrentIndex(i);
  Q_EMIT box->activated(i);
}

void answer(QMessageBox::StandardButton button) {
  QMessageBox* box = nullptr;
  ASSERT_TRUE(waitFor([&] { return (box = unsavedQuestion()) != nullptr; }, 5))
      << "no question about the unsaved training";
  QTest::mouseClick(box->button(button), Qt::LeftButton);
}

TEST(UnsavedTraining, ChoosingTheLoadedModelAgainAsksAndEachAnswerDoesWhatItSays) {
  const QString runDir = freshRunDir("unsaved");
  auto w = windowIn(runDir);
  ASSERT_TRUE(waitFor([&] { return stateOf(*w) == RunState::Idle; }, 60));
  const long shipped = iterationOf(*w);

  // Nothing unsaved: choosing the loaded model again does nothing at all.
  const auto losses = w->host().pollNow()->losses;
  chooseModel(*w, kToyModel);
  waitFor([] { return false; }, 0.5);
  EXPECT_EQ(unsavedQuestion(), nullptr);
  EXPECT_EQ(w->host().pollNow()->losses, losses) << "the model was reloaded";

  ASSERT_TRUE(trainSteps(*w, 3));
  chooseModel(*w, kToyModel);
  answer(QMessageBox::Cancel);
  waitFor([] { return false; }, 0.3);
  EXPECT_EQ(iterationOf(*w), shipped + 3) << "Cancel kept the iterations";
  EXPECT_EQ(w->controls()->findChild<QComboBox*>("model")->currentData().toString(),
            QFileInfo(kToyModel).absoluteFilePath());

  chooseModel(*w, kToyModel);
  answer(QMessageBox::Discard);
  EXPECT_TRUE(waitFor([&] {
    return stateOf(*w) == RunState::Idle && iterationOf(*w) == shipped;
  }, 60)) << "Discard reloads the model";
  EXPECT_FALSE(QFileInfo::exists(runDir + "/checkpoint.safetensors"));

  ASSERT_TRUE(trainSteps(*w, 2));
  chooseModel(*w, kToyModel);
  answer(QMessageBox::Save);
  const QString saved = runDir + "/checkpoint.safetensors";
  EXPECT_TRUE(waitFor([&] {
    return QFileInfo::exists(saved) && stateOf(*w) == RunState::Idle && iterationOf(*w) == shipped;
  }, 60)) << "Save writes the checkpoint, then reloads";
  ASSERT_TRUE(QFileInfo::exists(saved));
  EXPECT_EQ(ebm::readCheckpointInfo(saved.toStdString()).iteration, shipped + 2);
}

TEST(UnsavedTraining, ClosingTheWindowAsksFirst) {
  auto w = windowIn(freshRunDir("closing"));
  ASSERT_TRUE(waitFor([&] { return stateOf(*w) == RunState::Idle; }, 60));
  ASSERT_TRUE(trainSteps(*w, 1));
  EXPECT_FALSE(w->close());
  EXPECT_TRUE(w->isVisible());
  answer(QMessageBox::Cancel);
  EXPECT_TRUE(w->isVisible());
  EXPECT_FALSE(w->close());
  answer(QMessageBox::Discard);
  EXPECT_TRUE(waitFor([&] { return !w->isVisible(); }, 5));
}

TEST(UnsavedTraining, AShortAutosaveIntervalWritesTheRunsAutosaveAndTheNextWindowOffersIt) {
  const QString runDir = freshRunDir("autosave");
  {
    auto w = windowIn(runDir);
    ASSERT_TRUE(waitFor([&] { return stateOf(*w) == RunState::Idle; }, 60));
    struct RestoreInterval {  // the interval is remembered: later tests get the default back
      MainWindow& w;
      ~RestoreInterval() { w.setAutosaveMinutes(10); }
    } restore{*w};
    w->setAutosaveMinutes(0.002);  // about 0.1 s
    ASSERT_TRUE(trainSteps(*w, 2));
    const QString autosave = runDir + "/autosave.safetensors";
    EXPECT_TRUE(waitFor([&] { return QFileInfo::exists(autosave); }, 30));
    EXPECT_TRUE(waitFor([&] {
      return w->host().pollNow()->autosavedIteration == iterationOf(*w);
    }, 30));
    EXPECT_FALSE(QFileInfo::exists(runDir + "/checkpoint.safetensors"));
  }
  auto next = windowIn(freshRunDir("after-autosave"));
  auto* box = next->controls()->findChild<QComboBox*>("model");
  EXPECT_GE(box->findData(QFileInfo(runDir + "/autosave.safetensors").absoluteFilePath()), 0)
      << "the autosave newer than its (missing) checkpoint is offered";
}

TEST(UnsavedTraining, PauseSaysPausingAtOnceAndTakesEffectWithinTwoSeconds) {
  auto w = windowIn(freshRunDir("pausing"));
  ASSERT_TRUE(waitFor([&] { return stateOf(*w) == RunState::Idle; }, 60));
  QPushButton* pause = nullptr;
  for (auto* b : w->controls()->findChildren<QPushButton*>())
    if (b->text() == "Pause")
      pause = b;
  ASSERT_NE(pause, nullptr);
  w->host().post(ebm::cmd::StartTraining{100000});
  ASSERT_TRUE(ebm::ui::test::clickWhenEnabled(pause, 30));
  EXPECT_TRUE(w->statusText().contains("pausing")) << w->statusText().toStdString();
  EXPECT_EQ(pause->text(), QString("Pausing…"));
  EXPECT_TRUE(waitFor([&] { return stateOf(*w) == RunState::Paused; }, 2));
  EXPECT_TRUE(waitFor([&] { return w->statusText().startsWith("paused"); }, 2))
      << w->statusText().toStdString();
  EXPECT_EQ(pause->text(), QString("Pause"));
  const long at = iterationOf(*w);
  waitFor([] { return false; }, 0.3);
  EXPECT_EQ(iterationOf(*w), at);
}

TEST(UnsavedTraining, ASaveThatCannotBeWrittenShowsWhyAndKeepsTheTraining) {
  const QString runDir = freshRunDir("unwritable");
  auto w = windowIn(runDir);
  ASSERT_TRUE(waitFor([&] { return stateOf(*w) == RunState::Idle; }, 60));
  ASSERT_TRUE(trainSteps(*w, 2));
  const long trained = iterationOf(*w);
  // A folder that is a file cannot be written, even by root (where permissions do not bind).
  const QString blocker = runDir + "-blocker";
  {
    QFile f(blocker);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  }
  const uint64_t errors = w->host().pollNow()->errorCount;
  w->host().post(ebm::cmd::SaveCheckpoint{(blocker + "/model.safetensors").toStdString()});
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->errorCount > errors; }, 30));
  EXPECT_TRUE(waitFor([&] { return w->lastErrorShown().contains("model.safetensors"); }, 5))
      << "the error names the file: " << w->lastErrorShown().toStdString();
  EXPECT_NE(stateOf(*w), RunState::Failed);
  EXPECT_EQ(iterationOf(*w), trained) << "the model stays as trained";
  ASSERT_TRUE(trainSteps(*w, 1)) << "training goes on after the failed save";
  w->close();
  answer(QMessageBox::Cancel);
  EXPECT_TRUE(w->isVisible()) << "the iterations still count as unsaved";
}

} // namespace
