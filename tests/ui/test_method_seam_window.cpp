// The method seam in the real window: a test-only method registered from this binary (one chain,
// one live setting, an analytic 2-D energy) gets its controls built from its schema, its chain
// revised and plotted, and the panels it cannot serve disabled with the reason, with no change to
// the GUI's code. A model whose energy is NaN from the first step shows the step where its chain
// stopped and where training diverged, and the window keeps working.
#include "analytic_method.h"

#include "chain_group.h"
#include "controls_panel.h"
#include "curve_plot.h"
#include "interpolation_panel.h"
#include "main_window.h"
#include "session.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QTest>

#include <qcustomplot.h>

namespace {

using ebm::RunState;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::traceOf;
using ebm::ui::test::waitFor;

// A checkpoint of the test method, trained a few iterations through the session.
std::string analyticCheckpoint() {
  ebm::test::registerAnalyticMethod();
  ebm::RunConfig cfg = ebm::RunConfig::fromPreset("toy2d");
  cfg.setMethod(ebm::test::kAnalyticMethod);
  cfg.runtime.device = "cpu";
  const std::string dir = tmpPath("seam-run").toStdString();
  ebm::SessionOptions opts;
  opts.runDir = dir;
  ebm::Session s(cfg, opts);
  EXPECT_TRUE(s.waitIdle(60));
  s.post(ebm::cmd::StartTraining{5});
  EXPECT_TRUE(s.waitIdle(60));
  EXPECT_EQ(s.snapshot()->iteration, 5) << s.snapshot()->lastError;
  return dir + "/checkpoint.safetensors";
}

TEST(MethodSeamWindow, ATestMethodGetsItsControlsChainAndPlotsFromItsSchema) {
  const QString checkpoint = QString::fromStdString(analyticCheckpoint());
  auto o = ebm::ui::test::windowOptions("seam-window");
  o.chainSpeed = 0;  // as fast as possible: the tests wait for whole chains
  o.checkpoint = checkpoint;
  MainWindow w(o);
  w.show();
  ASSERT_TRUE(waitFor([&] { return w.host().pollNow()->state == RunState::Idle; }, 60))
      << w.statusText().toStdString();
  ASSERT_TRUE(waitFor([&] { return w.controls()->chainGroup("walk") != nullptr; }, 10));

  // The controls come from the schema: the chain's two settings, nothing of Dual-MCMC's.
  auto* walk = w.controls()->chainGroup("walk");
  EXPECT_EQ(w.controls()->chainGroups().size(), 1u);
  EXPECT_EQ(walk->title().toStdString(), "Langevin walk on the analytic energy");
  ASSERT_NE(walk->realBox("step_size"), nullptr);
  EXPECT_DOUBLE_EQ(walk->realBox("step_size")->value(), 0.2);
  EXPECT_NE(walk->intBox("steps"), nullptr);
  EXPECT_EQ(walk->settingWidget("noise"), nullptr);
  EXPECT_EQ(w.controls()->chainGroup("x"), nullptr);

  // Its live setting reaches the core, and its Run button revises the chain.
  walk->realBox("step_size")->setValue(0.1);
  ASSERT_TRUE(waitFor(
      [&] { return w.host().pollNow()->chains.at("walk").settings.number("step_size") == 0.1; },
      10))
      << w.host().pollNow()->lastError;
  ASSERT_TRUE(ebm::ui::test::clickWhenEnabled(walk->runButton()));
  ASSERT_TRUE(waitFor(
      [&] {
        const auto t = traceOf(*w.host().pollNow(), "walk");
        return t && t->finished;
      },
      60));
  const auto trace = traceOf(*w.host().pollNow(), "walk");
  EXPECT_DOUBLE_EQ(trace->stepSize.front(), 0.1);

  // Its energy is plotted per step, one faint line per chain among the graphs.
  ASSERT_TRUE(waitFor([&] { return w.energyPlot()->plot()->graphCount() > 1; }, 10));
  EXPECT_NE(w.energyPlot()->csvText().indexOf("E(x)"), -1);
  // Interpolation needs a latent space: the panel says why it is off.
  for (auto* b : w.interpolationPanel()->findChildren<QPushButton*>())
    if (b->text() == "Interpolate")
      EXPECT_FALSE(b->isEnabled());
  bool explained = false;
  for (auto* label : w.interpolationPanel()->findChildren<QLabel*>())
    explained = explained || label->text().contains("latent space");
  EXPECT_TRUE(explained);
  QApplication::processEvents();
  QDir().mkpath(tmpPath(""));
  w.grab().save(tmpPath("method_seam_window.png"));
}

TEST(MethodSeamWindow, AModelWithNanEnergyShowsWhereItStoppedAndTheWindowGoesOn) {
  ebm::test::registerPoisonedMethod();
  ebm::RunConfig cfg = ebm::RunConfig::fromPreset("toy2d");
  cfg.setMethod(ebm::test::kPoisonedMethod);
  cfg.runtime.device = "cpu";
  QDir().mkpath(tmpPath(""));
  const QString config = tmpPath("poisoned.toml");
  cfg.writeFile(config.toStdString());
  auto o = ebm::ui::test::windowOptions("poisoned");
  o.chainSpeed = 0;
  o.preset = config;
  MainWindow w(o);
  w.show();
  ASSERT_TRUE(waitFor([&] { return w.host().pollNow()->state == RunState::Idle; }, 60))
      << w.host().pollNow()->lastError;
  auto* walk = w.controls()->chainGroup("walk");
  ASSERT_NE(walk, nullptr);
  ASSERT_TRUE(ebm::ui::test::clickWhenEnabled(walk->runButton()));
  ASSERT_TRUE(waitFor([&] { return w.lastErrorShown().contains("walk-step"); }, 30))
      << "shown: " << w.lastErrorShown().toStdString();
  EXPECT_TRUE(w.lastErrorShown().contains("non-finite"));

  w.host().post(ebm::cmd::StartTraining{5});
  ASSERT_TRUE(waitFor([&] { return w.host().pollNow()->state == RunState::Diverged; }, 30));
  EXPECT_TRUE(waitFor([&] { return w.lastErrorShown().contains("iteration 1"); }, 5))
      << "shown: " << w.lastErrorShown().toStdString();
  EXPECT_FALSE(QFileInfo::exists(o.runDir + "/checkpoint.safetensors"));
  // Still alive: a revision is taken (and refused the same way) after the divergence.
  const uint64_t errors = w.host().pollNow()->errorCount;
  w.host().post(ebm::cmd::RunChain{"walk", 4, "", 9, {}});
  EXPECT_TRUE(waitFor([&] { return w.host().pollNow()->errorCount > errors; }, 30));
  EXPECT_TRUE(w.isVisible());
}

} // namespace
