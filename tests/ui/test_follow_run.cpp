// File > Follow run folder: a run that trains elsewhere (here a second session in this process)
// is followed; each checkpoint it writes is loaded into the window within a few seconds, with
// the iteration and the run's losses up to it; training here puts the following off rather than
// lose it; Stop following stops the reloads; a missing folder is refused by name.
#include "main_window.h"
#include "session.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QDir>
#include <QFile>

namespace {

using ebm::RunState;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;

const QString kToy = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";

long iterationOf(MainWindow& w) {
  const auto s = w.host().pollNow();
  return s ? s->iteration : -1;
}

// The "cluster": trains the followed run `n` more iterations and writes its checkpoint.
long trainElsewhere(const QString& runDir, int n) {
  ebm::SessionOptions o;
  o.runDir = runDir.toStdString();
  o.checkpoint = (runDir + "/checkpoint.safetensors").toStdString();
  ebm::RunConfig cfg;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 1;
  ebm::Session s(cfg, o);
  EXPECT_TRUE(s.waitIdle(60));
  s.post(ebm::cmd::StartTraining{n});
  EXPECT_TRUE(s.waitIdle(120));
  return s.snapshot()->savedIteration;
}

TEST(FollowRun, EachCheckpointTheRunWritesIsLoadedHereUntilFollowingStops) {
  const QString runDir =
      tmpPath("followed-" + QString::number(QDateTime::currentMSecsSinceEpoch()));
  QDir().mkpath(runDir);
  ASSERT_TRUE(QFile::copy(kToy, runDir + "/checkpoint.safetensors"));
  auto o = ebm::ui::test::windowOptions("follower-own");
  o.checkpoint = kToy;
  o.follow = runDir;
  MainWindow w(o);
  w.show();
  EXPECT_TRUE(w.following());
  const QString followed = QDir(runDir).absoluteFilePath("checkpoint.safetensors");
  ASSERT_TRUE(waitFor([&] {
    const auto s = w.host().pollNow();
    return s && s->state == RunState::Idle && QString::fromStdString(s->checkpointPath) == followed;
  }, 60)) << "the followed run's checkpoint was not loaded";
  const long first = iterationOf(w);

  const long next = trainElsewhere(runDir, 3);
  ASSERT_EQ(next, first + 3);
  EXPECT_TRUE(waitFor([&] { return iterationOf(w) == next; }, 20))
      << "the new checkpoint did not reach the window: iteration " << iterationOf(w);
  const auto s = w.host().pollNow();
  ASSERT_TRUE(s->losses);
  EXPECT_FALSE(s->losses->rows.empty()) << "the run's losses.csv came with it";

  w.followRun({});
  EXPECT_FALSE(w.following());
  trainElsewhere(runDir, 2);
  waitFor([] { return false; }, 2.5);
  EXPECT_EQ(iterationOf(w), next) << "reloaded after following stopped";

  EXPECT_TRUE(w.followRun("/no/such/run").contains("/no/such/run"));
  EXPECT_FALSE(w.following());
}

} // namespace
