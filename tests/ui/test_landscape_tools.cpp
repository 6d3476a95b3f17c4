// The landscape's teaching tools in the real window with the shipped toy2d model: clicked and
// shift-clicked particles get drift and noise arrows whose lengths are the trace's, the A key
// picks random chains; starts placed by clicks in S mode are exactly the next revision's x_0;
// "Fork here" continues the chain from the original's state at the cursor with the original
// pinned; the MALA acceptance row and the autocorrelation plot are there and sensible.
#include "autocorrelation_plot.h"
#include "chain_group.h"
#include "chain_insight_bar.h"
#include "controls_panel.h"
#include "landscape_tools.h"
#include "landscape_view.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QAction>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QImage>
#include <QPushButton>
#include <QTest>
#include <QToolButton>

#include <cmath>

namespace landscape_tools_test {

using ebm::RunState;
using ebm::Trace;
using ebm::ui::LandscapeTools;
using ebm::ui::LandscapeView;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;
using ebm::ui::test::xTraceOf;

const QString kToolsModel = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";

/// Waits until the window shows a finished x-trace other than `old`; returns it.
std::shared_ptr<const Trace> nextShownTrace(MainWindow& w, const std::shared_ptr<const Trace>& old) {
  std::shared_ptr<const Trace> shown;
  waitFor([&] {
    auto s = w.host().pollNow();
    auto t = s ? xTraceOf(*s) : nullptr;
    if (t && t != old && t->finished && !s->revisionRunning && w.landscapeView()->trace() == t)
      shown = t;
    return shown != nullptr;
  }, 60);
  return shown;
}

std::unique_ptr<MainWindow> toolsWindow() {
  auto o = ebm::ui::test::windowOptions("landscape-tools");
  o.checkpoint = kToolsModel;
  auto w = std::make_unique<MainWindow>(o);
  w->resize(1280, 720);
  w->show();
  const bool idle = waitFor([&] {
    auto s = w->host().pollNow();
    return s && s->state == RunState::Idle && s->landscape;
  }, 90);
  EXPECT_TRUE(idle);
  if (!idle)
    return w;
  w->repeatAction()->setChecked(false);
  EXPECT_TRUE(ebm::ui::test::clickWhenEnabled(w->controls()->chainGroup("x")->runButton(), 30));
  EXPECT_NE(nextShownTrace(*w, nullptr), nullptr);
  return w;
}

QPoint particleAt(const LandscapeView& v, const Trace& t, int snapshot, int chain) {
  const auto& s = t.snapshots.at(size_t(snapshot)).state;
  return v.widgetPosition(s[size_t(2 * chain)], s[size_t(2 * chain + 1)]).toPoint();
}

/// Pixels of the drift arrows' colour within `radius` of `at` in the view's framebuffer.
int driftPixelsNear(LandscapeView& v, QPoint at, int radius) {
  const QImage img = v.grabFramebuffer();
  const double dpr = img.width() / double(v.width());
  const QColor want = ebm::ui::landscape_tool_colors::kDrift;
  int n = 0;
  for (int y = at.y() - radius; y <= at.y() + radius; ++y)
    for (int x = at.x() - radius; x <= at.x() + radius; ++x) {
      const QPoint px(int(x * dpr), int(y * dpr));
      if (!img.rect().contains(px) || std::hypot(x - at.x(), y - at.y()) > radius)
        continue;
      const QColor c = img.pixelColor(px);
      n += std::abs(c.red() - want.red()) < 40 && std::abs(c.green() - want.green()) < 40 &&
           std::abs(c.blue() - want.blue()) < 40;
    }
  return n;
}

TEST(LandscapeTools, ClickedParticlesGetArrowsWithTheTracesLengths) {
  auto w = toolsWindow();
  ASSERT_FALSE(HasFailure());
  LandscapeView* v = w->landscapeView();
  v->fitView();
  const auto trace = v->trace();
  w->setCursorStep(5);
  const int snap = ebm::ui::snapshotAt(*trace, 5);
  ASSERT_GE(snap, 0);
  const int row = trace->snapshots[size_t(snap)].step;  // steps are recorded from 0 one by one
  ASSERT_EQ(trace->steps.at(size_t(row)), row);
  // Click the particle nearest chain 3's position, then shift-click another.
  const QPoint first = particleAt(*v, *trace, snap, 3);
  QTest::mouseClick(v, Qt::LeftButton, Qt::NoModifier, first);
  ASSERT_EQ(v->tools()->selected().size(), 1u);
  const int a = v->tools()->selected()[0];
  int other = -1;
  for (int c = 0; c < trace->chains && other < 0; ++c)
    if (c != a && (particleAt(*v, *trace, snap, c) - first).manhattanLength() > 30)
      other = c;
  ASSERT_GE(other, 0);
  QTest::mouseClick(v, Qt::LeftButton, Qt::ShiftModifier, particleAt(*v, *trace, snap, other));
  ASSERT_EQ(v->tools()->selected().size(), 2u);
  const auto arrows = v->tools()->arrows(trace.get(), w->cursorStep());
  ASSERT_EQ(arrows.size(), 2u);
  for (const auto& arrow : arrows) {
    const int c = arrow.chain;
    EXPECT_EQ(arrow.step, row);
    EXPECT_FLOAT_EQ(arrow.driftNorm, trace->driftNorm[size_t(row)][size_t(c)]);
    EXPECT_FLOAT_EQ(arrow.noiseNorm, trace->noiseNorm[size_t(row)][size_t(c)]);
    EXPECT_NEAR(std::hypot(arrow.drift[0], arrow.drift[1]), arrow.driftNorm, 1e-5);
    EXPECT_NEAR(std::hypot(arrow.noise[0], arrow.noise[1]), arrow.noiseNorm, 1e-6);
    // The arrow starts at the particle and x + drift + noise is its next position.
    const auto& next = trace->snapshots.at(size_t(snap) + 1);
    if (next.step == row + 1) {
      EXPECT_NEAR(arrow.x + arrow.drift[0] + arrow.noise[0], next.state[size_t(2 * c)], 1e-5);
      EXPECT_NEAR(arrow.y + arrow.drift[1] + arrow.noise[1], next.state[size_t(2 * c + 1)], 1e-5);
    }
  }
  // They are drawn: the drift colour appears round the particle, and goes with the selection.
  const QPoint at = particleAt(*v, *trace, snap, arrows[0].chain);
  const int radius = int(0.14 * v->width());
  QApplication::processEvents();
  EXPECT_GT(driftPixelsNear(*v, at, radius), 10);
  v->setFocus();
  QTest::keyClick(v, Qt::Key_D);
  EXPECT_TRUE(v->tools()->selected().empty());
  EXPECT_EQ(driftPixelsNear(*v, at, 12), 0);
  QTest::keyClick(v, Qt::Key_A);
  EXPECT_EQ(int(v->tools()->selected().size()), LandscapeTools::kRandomPick);
}

TEST(LandscapeTools, ClickedStartsAreTheNextRunsStartStates) {
  auto w = toolsWindow();
  ASSERT_FALSE(HasFailure());
  LandscapeView* v = w->landscapeView();
  v->fitView();
  const auto before = v->trace();
  v->setFocus();
  QTest::keyClick(v, Qt::Key_S);
  ASSERT_TRUE(v->tools()->placingStarts());
  const std::vector<std::array<double, 2>> wanted{{-0.5, 0.5}, {0.3, -0.2}, {0.6, 0.6}};
  for (const auto& p : wanted)
    QTest::mouseClick(v, Qt::LeftButton, Qt::NoModifier, v->widgetPosition(p[0], p[1]).toPoint());
  QTest::keyClick(v, Qt::Key_S);
  EXPECT_FALSE(v->tools()->placingStarts());
  const auto starts = v->tools()->starts();
  ASSERT_EQ(starts.size(), 3u);
  const double pixel = v->view().width() / 200.0;  // the plot is wider than 200 px
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(starts[i][0], wanted[i][0], pixel);
    EXPECT_NEAR(starts[i][1], wanted[i][1], pixel);
  }
  EXPECT_TRUE(v->trace() == before) << "clicks in start mode select nothing and run nothing";
  ASSERT_TRUE(ebm::ui::test::clickWhenEnabled(w->controls()->chainGroup("x")->runButton(), 30));
  const auto run = nextShownTrace(*w, before);
  ASSERT_NE(run, nullptr);
  ASSERT_EQ(run->chains, 3);
  const auto& x0 = run->snapshots.front();
  EXPECT_EQ(x0.step, 0);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(x0.state[2 * i], starts[i][0]);
    EXPECT_EQ(x0.state[2 * i + 1], starts[i][1]);
  }
  QTest::keyClick(v, Qt::Key_C);
  EXPECT_TRUE(v->tools()->starts().empty());
}

TEST(LandscapeTools, ForkContinuesFromTheOriginalsStateAtTheCursor) {
  auto w = toolsWindow();
  ASSERT_FALSE(HasFailure());
  const auto original = w->landscapeView()->trace();
  w->setCursorStep(12);
  const int snap = ebm::ui::snapshotAt(*original, 12);
  const auto& at = original->snapshots.at(size_t(snap));
  ASSERT_LE(at.step, 12);
  ASSERT_TRUE(w->forkAction()->isEnabled());
  w->forkAction()->trigger();
  const auto branch = nextShownTrace(*w, original);
  ASSERT_NE(branch, nullptr);
  EXPECT_EQ(branch->chains, original->chains);
  EXPECT_EQ(branch->snapshots.front().state, at.state);
  EXPECT_TRUE(w->hasPinnedTrace());
  EXPECT_EQ(w->forkStep(), at.step);
  EXPECT_TRUE(w->statusText().contains(QString("at step %1").arg(at.step))) << w->statusText().toStdString();
}

TEST(LandscapeTools, AcceptanceAndAutocorrelationAreShown) {
  auto w = toolsWindow();
  ASSERT_FALSE(HasFailure());
  const auto trace = w->landscapeView()->trace();
  const auto* row = trace->extra(Trace::kMalaAccept);
  ASSERT_NE(row, nullptr);
  ASSERT_EQ(row->values.size(), trace->steps.size());
  int finite = 0;
  for (const auto& r : row->values)
    for (float a : r)
      if (std::isfinite(a)) {
        EXPECT_GE(a, 0.0f);
        EXPECT_LE(a, 1.0f);
        ++finite;
      }
  EXPECT_GE(finite, trace->chains * (int(trace->steps.size()) - 3));
  auto* bar = w->dataInsight();
  ASSERT_TRUE(waitFor([&] { return bar->diagnosticsText().contains("MALA accept"); }, 5))
      << bar->diagnosticsText().toStdString();
  EXPECT_GE(bar->diagnostics().malaAccept, 0.0);
  EXPECT_LE(bar->diagnostics().malaAccept, 1.0);
  EXPECT_FALSE(bar->autocorrelationPlot()->isVisible());
  bar->autocorrelationToggle()->click();
  EXPECT_TRUE(bar->autocorrelationPlot()->isVisible());
  ASSERT_FALSE(bar->autocorrelationPlot()->values().empty());
  EXPECT_NEAR(bar->autocorrelationPlot()->values()[0], 1.0, 1e-9);
  EXPECT_TRUE(bar->autocorrelationPlot()->caption().contains("ESS"));
  // The histogram inset toggles with H.
  auto* v = w->landscapeView();
  v->setFocus();
  QTest::keyClick(v, Qt::Key_H);
  EXPECT_TRUE(v->tools()->histogramShown());
}

} // namespace landscape_tools_test

namespace landscape_tools_test {

/// `count` chains far apart at snapshot `index` (greedy: each farthest from those chosen).
std::vector<int> spreadChains(const Trace& t, int index, int count) {
  const auto& s = t.snapshots.at(size_t(index)).state;
  std::vector<int> chosen{0};
  while (int(chosen.size()) < count) {
    int best = -1;
    double far = -1;
    for (int c = 0; c < t.chains; ++c) {
      double nearest = 1e30;
      for (int k : chosen)
        nearest = std::min<double>(nearest, std::hypot(s[size_t(2 * c)] - s[size_t(2 * k)],
                                               s[size_t(2 * c + 1)] - s[size_t(2 * k + 1)]));
      if (nearest > far) {
        far = nearest;
        best = c;
      }
    }
    chosen.push_back(best);
  }
  return chosen;
}

/// The README's pictures of the tools, written when EBM_SHOTS_DIR names a folder (skipped
/// otherwise): arrows at 1280x720 and 1920x1080, a fork, the position histogram.
class LandscapeToolsShots : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = qEnvironmentVariable("EBM_SHOTS_DIR");
    if (m_dir.isEmpty())
      GTEST_SKIP() << "set EBM_SHOTS_DIR to write the README's screenshots";
  }
  void save(MainWindow& w, const QString& name) {
    for (int i = 0; i < 20; ++i) {
      QApplication::processEvents();
      QThread::msleep(20);
    }
    ASSERT_TRUE(w.grab().save(m_dir + "/" + name));
  }
  QString m_dir;
};

TEST_F(LandscapeToolsShots, ArrowsForkAndHistogram) {
  for (QSize size : {QSize(1920, 1080), QSize(1280, 720)}) {
    auto w = toolsWindow();
    ASSERT_FALSE(HasFailure());
    w->resize(size);
    waitFor([] { return false; }, 1.0);
    LandscapeView* v = w->landscapeView();
    // The x-chain's panel maximised (M), as a lecturer shows the landscape.
    v->setFocus();
    for (QAction* a : w->findChildren<QAction*>())
      if (a->shortcut() == QKeySequence(Qt::Key_M))
        a->trigger();
    waitFor([] { return false; }, 0.5);
    v->fitView();
    w->setCursorStep(3);
    v->tools()->setSelected(spreadChains(*v->trace(), ebm::ui::snapshotAt(*v->trace(), 3), 4));
    save(*w, QString("landscape-arrows-%1.png").arg(size.width()));
    if (size.width() != 1280)
      continue;
    v->tools()->clearSelection();
    v->tools()->setHistogramShown(true);
    w->setCursorStep(-1);
    save(*w, "histogram-1280.png");
    v->tools()->setHistogramShown(false);
    for (QAction* a : w->findChildren<QAction*>())
      if (a->shortcut() == QKeySequence(Qt::Key_M))
        a->trigger();  // back to the whole window, with the energy plot
    waitFor([] { return false; }, 0.5);
    w->setCursorStep(12);
    auto* noise = w->controls()->chainGroup("x")->realBox("noise");
    ASSERT_NE(noise, nullptr);
    noise->setValue(0.03);  // the branch runs hotter than the original (T = 0.0036)
    const auto original = v->trace();
    w->forkAction()->trigger();
    ASSERT_NE(nextShownTrace(*w, original), nullptr);
    save(*w, "fork-1280.png");
  }
}

} // namespace landscape_tools_test
