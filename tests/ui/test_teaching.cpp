// The app as a teaching and tuning instrument, driven in the real window: single steps and the
// chain speed, the change from t = 0 beside the strip with per-chain numbers, the low-temperature
// explanation and its T = 1 button, pinned traces and Repeat turning itself off, the window at
// 1280x720, readouts that never outlive their model, and change markers that do not overlap.
#include "chain_insight_bar.h"
#include "controls_panel.h"
#include "curve_plot.h"
#include "image_grid_view.h"
#include "interpolation_panel.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTest>
#include <QToolBar>

namespace {

using ebm::RunState;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;
using ebm::ui::test::xTraceOf;

const QString kToy = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";
const QString kFmnist = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";

std::unique_ptr<MainWindow> teachingWindow(const QString& checkpoint, double speed = 0) {
  auto o = ebm::ui::test::windowOptions("teach");
  o.checkpoint = checkpoint;
  o.chainSpeed = speed;
  return ebm::ui::test::showWindow(o);
}

bool idle(MainWindow& w) {
  auto s = w.host().pollNow();
  return s && s->state == RunState::Idle && !s->revisionRunning;
}

int xLastStep(MainWindow& w) {
  auto t = xTraceOf(*w.host().pollNow());
  return t ? t->lastStep() : -1;
}

TEST(Teaching, SingleStepsAdvanceOneStepPerKeyAndTheSpeedCanBeRaisedMidChain) {
  auto w = teachingWindow(kFmnist, ebm::kSingleStep);
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  EXPECT_EQ(w->chainSpeedBox()->currentText(), "single steps");
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->revisionWaiting && xLastStep(*w) == 0; },
                      60));
  QApplication::setActiveWindow(w.get());
  QTest::keyClick(w.get(), Qt::Key_N);
  ASSERT_TRUE(waitFor([&] { return xLastStep(*w) == 1; }, 30));
  waitFor([] { return false; }, 0.3);
  EXPECT_EQ(xLastStep(*w), 1);  // one key, one step
  w->setChainSpeed(0);          // as fast as possible: the chain runs to its end
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  EXPECT_EQ(xLastStep(*w), w->controls()->chainGroup("x")->intBox("steps")->value());
}

TEST(Teaching, ChangeFromTheStartIsShownAmplifiedWithPerChainNumbers) {
  auto w = teachingWindow(kFmnist);
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return xLastStep(*w) > 0 && idle(*w); }, 60));
  ASSERT_TRUE(waitFor([&] { return w->xGrid()->insight().step > 0; }, 10));
  const auto& in = w->xGrid()->insight();
  EXPECT_EQ(in.displacement.size(), 8u);
  EXPECT_EQ(in.energyDrop.size(), 8u);
  EXPECT_GT(in.meanDisplacement, 0.0);
  // fmnist-small revises at n = 0.001, s = 0.5: a small change, amplified to be seen ...
  EXPECT_GT(in.amplification(), 1.0);
  EXPECT_TRUE(in.lowTemperature);
  // The sampler's diagnostics are on screen for the shown trace.
  EXPECT_TRUE(w->dataInsight()->diagnosticsText().contains("drift/noise"))
      << w->dataInsight()->diagnosticsText().toStdString();
  EXPECT_NE(w->dataInsight()->verdict(), ebm::ui::ChainDiagnostics::Verdict::None);
  // ... and explained, with a button that shows a chain at T = 1 and one that goes back.
  auto* bar = w->dataInsight();
  EXPECT_TRUE(bar->explanationText().contains("Low temperature")) << bar->explanationText().toStdString();
  ASSERT_TRUE(bar->temperatureButton()->isVisible());
  QTest::mouseClick(bar->temperatureButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] {
    return w->host().pollNow()->chains.at("x").settings.number("noise") == 0.5;
  }, 10));
  ASSERT_TRUE(waitFor([&] { return idle(*w) && xTraceOf(*w->host().pollNow())->noise.back() == 0.5; },
                      60));
  EXPECT_TRUE(bar->temperatureButton()->text().contains("Back to n = 0.001"));
  QTest::mouseClick(bar->temperatureButton(), Qt::LeftButton);
  EXPECT_TRUE(waitFor([&] {
    return w->host().pollNow()->chains.at("x").settings.number("noise") == 0.001;
  }, 10));
  // Moving the cursor to t = 0 shows no change.
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  w->setCursorStep(0);
  EXPECT_EQ(w->xGrid()->insight().step, 0);
  EXPECT_DOUBLE_EQ(w->xGrid()->insight().meanDisplacement, 0.0);
}

TEST(Teaching, APinnedTraceStaysUnderTheNextAndRepeatStopsWhenASettingChanges) {
  auto w = teachingWindow(kToy);
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  ASSERT_TRUE(w->repeatAction()->isChecked());
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return xLastStep(*w) > 0 && idle(*w); }, 60));
  const auto first = xTraceOf(*w->host().pollNow());
  w->pinTraces();
  EXPECT_TRUE(w->hasPinnedTrace());
  EXPECT_TRUE(w->energyPlot()->hasPinned());
  // A setting change: Repeat turns itself off so the trace that shows the change stays.
  w->controls()->chainGroup("x")->realBox("step_size")->setValue(0.2);
  EXPECT_FALSE(w->repeatAction()->isChecked());
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] {
    auto t = xTraceOf(*w->host().pollNow());
    return t && t != first && t->finished && idle(*w);
  }, 60));
  waitFor([] { return false; }, 0.3);
  bool pinnedDrawn = false;
  auto* plot = w->energyPlot()->plot();
  for (int i = 0; i < plot->graphCount(); ++i)
    pinnedDrawn |= plot->graph(i)->name().startsWith("pinned: s=0.5");
  EXPECT_TRUE(pinnedDrawn);
  EXPECT_EQ(xTraceOf(*w->host().pollNow())->stepSize.back(), 0.2);
  w->clearPins();
  EXPECT_FALSE(w->energyPlot()->hasPinned());
}

TEST(Teaching, TheMainActionsFitA1280x720Window) {
  auto w = teachingWindow(kFmnist);
  w->resize(1280, 720);
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  waitFor([] { return false; }, 0.5);
  const QRect inside = w->rect();
  auto visibleInWindow = [&](QWidget* widget) {
    if (!widget || !widget->isVisible())
      return false;
    const QRect r(widget->mapTo(w.get(), QPoint(0, 0)), widget->size());
    return inside.contains(r) && r.height() > 0;
  };
  auto* bar = w->findChild<QToolBar*>("toolbar.run");
  ASSERT_NE(bar, nullptr);
  for (QAction* a : {w->repeatAction(), w->pinAction()})
    EXPECT_TRUE(visibleInWindow(bar->widgetForAction(a))) << a->text().toStdString();
  EXPECT_TRUE(visibleInWindow(w->chainSpeedBox()));
  EXPECT_TRUE(visibleInWindow(w->statusBar()));
  EXPECT_TRUE(visibleInWindow(w->xGrid()));
  EXPECT_TRUE(visibleInWindow(w->dataInsight()));
  EXPECT_TRUE(visibleInWindow(w->latentInsight()));
  EXPECT_TRUE(visibleInWindow(w->energyPlot()));
  // Every chain's settings are a tab away, never below the fold of another chain.
  for (const char* chain : {"x", "z"})
    EXPECT_NE(w->controls()->chainGroup(chain), nullptr);
  EXPECT_GE(w->xGrid()->height(), 200);
}

TEST(Teaching, ReadoutsNeverOutliveTheirModel) {
  auto w = teachingWindow(kFmnist);
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return xLastStep(*w) > 0 && idle(*w); }, 60));
  auto* plot = w->energyPlot()->plot();
  QTest::mouseMove(plot, plot->axisRect()->rect().center());
  ASSERT_TRUE(waitFor([&] { return !w->energyPlot()->hoverText().isEmpty(); }, 5));
  // The state line says what runs; the interpolation tab knows a generator when it has one.
  EXPECT_EQ(w->statusText().section(" | ", 0, 0), "ready");
  EXPECT_FALSE(w->interpolationPanel()->findChild<QLabel*>()->text().contains("needs"));
  w->newFromPreset("toy2d");
  ASSERT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    return s->state == RunState::Idle && s->config.name == "toy2d";
  }, 60));
  ASSERT_TRUE(waitFor([&] { return w->energyPlot()->hoverText().isEmpty(); }, 5));
  auto* model = w->controls()->findChild<QComboBox*>();
  EXPECT_TRUE(model->currentText().contains("new toy2d")) << model->currentText().toStdString();
}

TEST(Teaching, ALadderChainsCurvesMarkWhereEachNoiseLevelBegins) {
  ebm::Trace t;
  t.chains = 2;
  const int levels[] = {2, 2, 2, 1, 1, 1, 0, 0, 0};
  for (int i = 0; i < 9; ++i) {
    t.steps.push_back(i);
    t.levels.push_back(levels[i]);
    t.energy.push_back({float(i), float(i)});
  }
  t.changes.push_back({4, "step_size 0.1 -> 0.05"});
  const auto b = ebm::ui::bundleOf(t, t.energy);
  std::vector<std::pair<double, std::string>> want{
      {0, "level 2"}, {3, "level 1"}, {4, "step_size 0.1 -> 0.05"}, {6, "level 0"}};
  EXPECT_EQ(b.marks, want);
}

TEST(Teaching, ChangeMarkersNeitherOverlapEachOtherNorTheLegend) {
  ebm::ui::CurvePlot p("step", "energy");
  p.resize(500, 300);
  p.show();
  ebm::ui::ChainBundle b;
  for (int i = 0; i <= 30; ++i) {
    b.x.push_back(i);
    b.values.push_back({float(i), float(i + 1), float(i + 2)});
  }
  b.marks = {{10, "step_size 0.5 -> 0.2"}, {11, "noise 0.001 -> 0.01"}, {12, "steps 30 -> 40"}};
  p.setBundle(b, "E(x)");
  p.plot()->replot();
  QList<QRectF> labels;
  for (int i = 0; i < p.plot()->itemCount(); ++i)
    if (auto* t = qobject_cast<QCPItemText*>(p.plot()->item(i)))
      if (t->text().contains("->")) {
        const QPointF tl = t->topLeft->pixelPosition(), br = t->bottomRight->pixelPosition();
        labels << QRectF(tl, br).normalized();
      }
  ASSERT_EQ(labels.size(), 3);
  const QRectF legend = p.plot()->legend->outerRect();
  for (int i = 0; i < labels.size(); ++i) {
    EXPECT_FALSE(labels[i].intersects(legend)) << i;
    for (int j = i + 1; j < labels.size(); ++j)
      EXPECT_FALSE(labels[i].intersects(labels[j])) << i << " " << j;
  }
}

TEST(Teaching, PresenterModeThemesAndExportsAtTheChosenSize) {
  auto w = teachingWindow(kFmnist);
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return xLastStep(*w) > 0 && idle(*w); }, 60));
  const double font = QApplication::font().pointSizeF();
  auto* controlsDock = w->findChild<QDockWidget*>("dock.controls");
  w->setPresenterMode(true);
  waitFor([] { return false; }, 0.3);
  EXPECT_TRUE(w->isFullScreen());
  EXPECT_FALSE(controlsDock->isVisible());
  EXPECT_NEAR(QApplication::font().pointSizeF(), font * 1.5, 0.01);
  w->setPresenterMode(false);
  waitFor([] { return false; }, 0.3);
  EXPECT_TRUE(controlsDock->isVisible());
  EXPECT_NEAR(QApplication::font().pointSizeF(), font, 0.01);
  // Dark theme: the plots are recoloured too.
  w->setTheme("dark");
  EXPECT_LT(w->energyPlot()->plot()->toPixmap(80, 60).toImage().pixelColor(1, 1).lightness(), 60);
  w->setTheme("light");
  EXPECT_GT(w->energyPlot()->plot()->toPixmap(80, 60).toImage().pixelColor(1, 1).lightness(), 200);
  // Exports are drawn for the file: the plot at the export size, the grid without the cursor.
  const QImage plot = w->renderForExport(w->energyPlot());
  EXPECT_EQ(plot.size(), QSize(1600, 900));
  w->setCursorStep(0);
  const QImage grid = w->renderForExport(w->xGrid());
  ASSERT_FALSE(grid.isNull());
  int cursorPixels = 0;
  for (int y = 0; y < grid.height(); ++y)
    for (int x = 0; x < grid.width(); ++x)
      cursorPixels += grid.pixel(x, y) == qRgb(255, 170, 0);
  EXPECT_EQ(cursorPixels, 0);
}

} // namespace
