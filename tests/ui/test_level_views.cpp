// The noise-level views driven through the real window with the shipped CDRL models: the level
// x step strip has one column per level, the level slider changes the landscape's level, the
// pull arrows and proposals are drawn on 2-D, guidance and composition reach the sample chain's
// settings, and K' with scaling sets the step multiplier to sqrt(K/K').
#include "curve_plot.h"
#include "guidance_panel.h"
#include "landscape_view.h"
#include "level_controls.h"
#include "level_strip_view.h"
#include "main_window.h"
#include "ui_test_support.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QSlider>
#include <QSpinBox>

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <cmath>
#include <set>

namespace ebm::ui {
namespace {

using test::tmpPath;
using test::waitFor;

std::unique_ptr<MainWindow> openShipped(const QString& file, const QString& run) {
  auto o = test::windowOptions(run);
  o.chainSpeed = 0;  // as fast as possible: the tests wait for whole chains
  o.checkpoint = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/" + file;
  auto w = test::showWindow(o);
  EXPECT_TRUE(waitFor([&] { return w->host().pollNow()->state == RunState::Idle; }, 120));
  return w;
}

SettingValues sampleSettings(MainWindow& w) {
  return w.host().pollNow()->chains.at(w.ladderChain()).settings;
}

// The window at a screen size, as the README shows it (written to the test's scratch folder).
void grabAt(MainWindow& w, int width, int height, const QString& name) {
  w.resize(width, height);
  waitFor([] { return false; }, 0.5);
  EXPECT_TRUE(w.grab().save(tmpPath(name)));
}

// Runs the ladder chain with `steps` per level and waits until the window shows it finished.
std::shared_ptr<const Trace> runLadder(MainWindow& w, int steps, int chains) {
  SettingValues v;
  v.numbers["steps"] = steps;
  EXPECT_TRUE(w.host().setChainSettings(w.ladderChain(), v));
  w.host().post(cmd::RunChain{w.ladderChain(), chains});
  std::shared_ptr<const Trace> t;
  EXPECT_TRUE(waitFor(
      [&] {
        t = test::traceOf(*w.host().pollNow(), w.ladderChain());
        return t && t->finished;
      },
      240));
  return t;
}

TEST(LevelViews, TheStripHasOneColumnPerLevelAndExpandsALevel) {
  auto w = openShipped("cdrl-fmnist.safetensors", "levels-fmnist-run");
  ASSERT_EQ(w->ladderChain(), "sample");
  const int levels = w->host().pollNow()->methodInfo->capabilities.noiseLevels;
  const auto trace = runLadder(*w, 5, 4);
  ASSERT_TRUE(trace);
  auto* strip = w->levelStrip();
  ASSERT_TRUE(waitFor([&] { return strip->columnCount() == levels; }, 10));
  const auto cols = strip->columnLevels();
  ASSERT_EQ(int(cols.size()), levels);
  for (int i = 0; i < levels; ++i)
    EXPECT_EQ(cols[size_t(i)], levels - 1 - i);  // noise on the left, data on the right
  EXPECT_TRUE(strip->showsProposals());           // the initializer's proposal row
  grabAt(*w, 1920, 1080, "levels-strip-1920.png");  // as opened on a 1920 x 1080 screen
  grabAt(*w, 1280, 720, "levels-strip-1280.png");
  QTest::mouseClick(strip, Qt::LeftButton, {}, QPoint(strip->width() / 2, strip->height() / 2));
  ASSERT_GE(strip->expandedColumn(), 0);
  EXPECT_EQ(strip->columnCount(), 6);  // steps 0..5 of that level
  QTest::keyClick(strip, Qt::Key_Escape);
  EXPECT_EQ(strip->expandedColumn(), -1);
  EXPECT_EQ(strip->columnCount(), levels);
  // The energy plot names the levels along its top axis.
  EXPECT_TRUE(w->energyPlot()->plot()->xAxis2->visible());
}

TEST(LevelViews, TheLevelSliderChangesTheLandscapesLevel) {
  auto w = openShipped("cdrl-toy2d.safetensors", "levels-toy-run");
  auto* controls = w->levelControls();
  ASSERT_GT(controls->levels(), 2);
  ASSERT_TRUE(waitFor([&] { return w->landscapeView()->landscape() != nullptr; }, 60));
  EXPECT_EQ(w->landscapeView()->landscape()->level, 0);  // the data's level
  controls->slider()->setValue(controls->slider()->minimum() + 1);  // one level from noise
  const int wanted = controls->levels() - 2;
  EXPECT_EQ(controls->level(), wanted);
  ASSERT_TRUE(waitFor(
      [&] {
        auto l = w->landscapeView()->landscape();
        return l && l->level == wanted;
      },
      60));
}

TEST(LevelViews, PullArrowsAndProposalsAreDrawnAtTheCursorLevel) {
  auto w = openShipped("cdrl-toy2d.safetensors", "levels-pull-run");
  const auto trace = runLadder(*w, 4, 16);
  ASSERT_TRUE(trace && !trace->levelStates.empty());
  w->levelControls()->pullBox()->setChecked(true);
  EXPECT_TRUE(w->landscapeView()->showsPullArrows());
  // A step inside level 2, which pulls toward x~.
  const auto& states = trace->levelStates[trace->levelStates.size() - 3];
  ASSERT_EQ(states.level, 2);
  w->setCursorStep(states.firstStep + 2);
  EXPECT_EQ(w->levelControls()->level(), 2);  // follow chain: the cursor's level
  ASSERT_TRUE(waitFor([&] { return w->landscapeView()->pullArrowScale() > 0; }, 10));
  ASSERT_TRUE(waitFor([&] { return w->landscapeView()->landscape()->level == 2; }, 60));
  grabAt(*w, 1280, 720, "levels-landscape-1280.png");
}

TEST(LevelViews, GuidanceAndCompositionReachTheChainSettings) {
  auto w = openShipped("cdrl-grid2d-cond.safetensors", "levels-guided-run");
  auto* g = w->guidancePanel();
  ASSERT_TRUE(g->guidanceSlider()->isVisibleTo(w.get()));
  g->guidanceSlider()->setValue(15);
  ASSERT_TRUE(waitFor([&] { return std::abs(sampleSettings(*w).number("guidance") - 1.5) < 1e-9; },
                      10));
  ASSERT_TRUE(g->classBox(1) && g->classBox(7));  // a row and a column of the grid
  g->classBox(1)->setChecked(true);
  g->classBox(7)->setChecked(true);
  g->classWeight(7)->setValue(0.5);
  ASSERT_TRUE(waitFor([&] { return sampleSettings(*w).choice("label_2") == "7"; }, 10));
  const SettingValues s = sampleSettings(*w);
  EXPECT_EQ(s.choice("label"), "1");
  EXPECT_DOUBLE_EQ(s.number("weight_2"), 0.5);
  ASSERT_TRUE(runLadder(*w, 6, 64));  // the composed, guided chains on the landscape
  w->showPanel("dock.levels");
  grabAt(*w, 1280, 720, "guidance-1280.png");
  g->classBox(1)->setChecked(false);
  g->classBox(7)->setChecked(false);
  ASSERT_TRUE(waitFor([&] { return sampleSettings(*w).choice("label") == "each"; }, 10));
  EXPECT_EQ(sampleSettings(*w).choice("label_2"), "none");
}

TEST(LevelViews, FewerStepsPerLevelScaleTheStep) {
  auto w = openShipped("cdrl-toy2d.safetensors", "levels-steps-run");
  auto* g = w->guidancePanel();
  const int k = g->baseSteps();
  ASSERT_GT(k, 5);
  EXPECT_FALSE(g->guidanceSlider()->isVisibleTo(w.get()));  // unconditional: no guidance
  ASSERT_TRUE(g->scaleBox()->isChecked());
  g->stepsBox()->setValue(5);
  const double m = std::sqrt(double(k) / 5.0);
  ASSERT_TRUE(waitFor([&] { return sampleSettings(*w).integer("steps") == 5; }, 10));
  EXPECT_NEAR(sampleSettings(*w).number("step_multiplier"), m, 1e-9);
  g->scaleBox()->setChecked(false);
  ASSERT_TRUE(
      waitFor([&] { return sampleSettings(*w).number("step_multiplier") == 1.0; }, 10));
}

} // namespace
} // namespace ebm::ui
