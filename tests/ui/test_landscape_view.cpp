// The 2-D landscape in the real window with the shipped toy2d model: the colour bar spans the
// energy shown, the fitted view holds the data and every chain position, the heatmap follows a
// moved view, the chains outside the view are counted from the snapshot shown, F / Esc / L act
// while the view has focus without taking the window's shortcuts, and an interpolation path is
// drawn with its ends marked.
#include "chain_group.h"
#include "controls_panel.h"
#include "landscape_view.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDateTime>
#include <QPushButton>
#include <QTest>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace {

using ebm::RunState;
using ebm::ui::LandscapeView;
using ebm::ui::MainWindow;
using ebm::ui::PlaneRect;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;
using ebm::ui::test::xTraceOf;

const QString kToyModel = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";

/// The toy2d window, loaded, with one finished x-revision shown on the landscape.
std::unique_ptr<MainWindow> toyWindowWithChains() {
  auto o = ebm::ui::test::windowOptions("landscape");
  o.checkpoint = kToyModel;
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
  EXPECT_TRUE(ebm::ui::test::clickWhenEnabled(w->controls()->chainGroup("x")->runButton(), 30));
  EXPECT_TRUE(waitFor([&] {
    auto s = w->host().pollNow();
    auto t = xTraceOf(*s);
    return t && t->finished && !s->revisionRunning && w->landscapeView()->trace() == t;
  }, 60));
  return w;
}

/// The landscape shown covers the whole view (the heatmap followed it).
bool landscapeCoversView(const LandscapeView& v) {
  const auto l = v.landscape();
  const PlaneRect view = v.view();
  const double eps = 1e-6 * (view.width() + 1);
  return l && l->lo <= view.xLo + eps && l->lo <= view.yLo + eps && l->hi >= view.xHi - eps &&
         l->hi >= view.yHi - eps;
}

bool sameView(const PlaneRect& a, const PlaneRect& b) {
  const double eps = 1e-9 * (std::abs(a.width()) + 1);
  return std::abs(a.xLo - b.xLo) < eps && std::abs(a.xHi - b.xHi) < eps &&
         std::abs(a.yLo - b.yLo) < eps && std::abs(a.yHi - b.yHi) < eps;
}

/// Chains of snapshot `index` whose position lies outside `view`.
int outsideAt(const ebm::Trace& t, size_t index, const PlaneRect& view) {
  const auto& s = t.snapshots.at(index).state;
  int n = 0;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    n += !(s[i] >= view.xLo && s[i] <= view.xHi && s[i + 1] >= view.yLo && s[i + 1] <= view.yHi);
  return n;
}

TEST(LandscapeWindow, ColourBarSpansTheShownEnergyAndTheFitHoldsDataAndChains) {
  auto w = toyWindowWithChains();
  ASSERT_FALSE(HasFailure());
  LandscapeView* v = w->landscapeView();
  v->fitView();
  const PlaneRect view = v->view();
  // The data: 8 Gaussians on a circle of radius 0.8.
  ASSERT_TRUE(v->dataRange());
  EXPECT_LT(v->dataRange()->xLo, -0.6);
  EXPECT_GT(v->dataRange()->yHi, 0.6);
  EXPECT_TRUE(view.contains(*v->dataRange()));
  const auto trace = v->trace();
  for (const auto& snap : trace->snapshots)
    for (size_t i = 0; i + 1 < snap.state.size(); i += 2)
      ASSERT_TRUE(view.contains(snap.state[i], snap.state[i + 1]))
          << "step " << snap.step << ": " << snap.state[i] << ", " << snap.state[i + 1];
  EXPECT_EQ(v->chainsOutsideView(), 0);
  // The heatmap follows the fitted view; the colour bar then spans the energies it shows.
  ASSERT_TRUE(waitFor([&] { return landscapeCoversView(*v); }, 60));
  const auto l = v->landscape();
  const double cell = (l->hi - l->lo) / (l->res - 1);
  float lo = INFINITY, hi = -INFINITY;
  for (int r = 0; r < l->res; ++r)
    for (int k = 0; k < l->res; ++k) {
      const double x = l->lo + cell * k, y = l->hi - cell * r;
      if (x < view.xLo - cell / 2 || x > view.xHi + cell / 2 || y < view.yLo - cell / 2 ||
          y > view.yHi + cell / 2)
        continue;
      lo = std::min(lo, l->energy[r * l->res + k]);
      hi = std::max(hi, l->energy[r * l->res + k]);
    }
  ASSERT_TRUE(v->colorBarRange());
  EXPECT_FLOAT_EQ(v->colorBarRange()->lo, lo);
  EXPECT_FLOAT_EQ(v->colorBarRange()->hi, hi);
  EXPECT_LT(lo, hi);
  // A view moved off the landscape gets a new one that covers it.
  v->setView({view.xLo + 2, view.xHi + 2, view.yLo + 1, view.yHi + 1});
  EXPECT_TRUE(waitFor([&] { return landscapeCoversView(*v); }, 60));
  v->grabFramebuffer().save(tmpPath("landscape-moved.png"));
}

TEST(LandscapeWindow, ChainsOutsideTheViewAreCountedFromTheSnapshotShown) {
  auto w = toyWindowWithChains();
  ASSERT_FALSE(HasFailure());
  LandscapeView* v = w->landscapeView();
  const auto trace = v->trace();
  const int chains = trace->chains;
  ASSERT_GT(chains, 1);
  v->setView({100, 101, 100, 101});
  EXPECT_EQ(v->chainsOutsideView(), chains);
  // A view whose right edge is the median x of the latest positions leaves out about half.
  const auto& last = trace->snapshots.back().state;
  std::vector<float> xs;
  for (size_t i = 0; i + 1 < last.size(); i += 2)
    xs.push_back(last[i]);
  std::sort(xs.begin(), xs.end());
  const double median = 0.5 * (xs[xs.size() / 2 - 1] + xs[xs.size() / 2]);
  v->setView({median - 40, median, -20, 20});
  const PlaneRect half = v->view();
  const int expected = outsideAt(*trace, trace->snapshots.size() - 1, half);
  ASSERT_GT(expected, 0);
  ASSERT_LT(expected, chains);
  EXPECT_EQ(v->chainsOutsideView(), expected);
  // At step 0 the count is the start positions'.
  w->setCursorStep(0);
  EXPECT_EQ(v->chainsOutsideView(), outsideAt(*trace, 0, half));
  v->grabFramebuffer().save(tmpPath("landscape-outside.png"));
}

TEST(LandscapeWindow, KeysActWhenTheViewHasFocusAndWindowShortcutsStillFire) {
  auto w = toyWindowWithChains();
  ASSERT_FALSE(HasFailure());
  LandscapeView* v = w->landscapeView();
  QApplication::setActiveWindow(w.get());
  ASSERT_TRUE(waitFor([&] { return QApplication::activeWindow() == w.get(); }, 10));
  QTest::mouseClick(v, Qt::LeftButton, {}, v->rect().center());
  ASSERT_TRUE(waitFor([&] { return v->hasFocus(); }, 5));
  QTest::keyClick(v, Qt::Key_F);
  const PlaneRect fitted = v->view();
  EXPECT_TRUE(sameView(fitted, v->fittedView()));
  EXPECT_TRUE(fitted.contains(*v->dataRange()));
  // The wheel zooms in; Esc goes back to the fitted view.
  const QPointF at = v->rect().center();
  QWheelEvent wheel(at, v->mapToGlobal(at), {}, {0, 240}, Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(v, &wheel);
  EXPECT_LT(v->view().width(), fitted.width() * 0.9);
  QTest::keyClick(v, Qt::Key_Escape);
  EXPECT_TRUE(sameView(v->view(), fitted));
  // F fits again after the view was moved away.
  v->setView({50, 52, 50, 52});
  QTest::keyClick(v, Qt::Key_F);
  EXPECT_TRUE(sameView(v->view(), fitted));
  // L toggles the legend.
  ASSERT_TRUE(v->legendVisible());
  QTest::keyClick(v, Qt::Key_L);
  EXPECT_FALSE(v->legendVisible());
  QTest::keyClick(v, Qt::Key_L);
  EXPECT_TRUE(v->legendVisible());
  // The window's playback keys still work while the landscape has focus.
  ASSERT_TRUE(v->hasFocus());
  EXPECT_EQ(w->cursorStep(), -1);
  QTest::keyClick(v, Qt::Key_Home);
  EXPECT_EQ(w->cursorStep(), 0);
  QTest::keyClick(v, Qt::Key_Period);
  EXPECT_EQ(w->cursorStep(), 1);
  QTest::keyClick(v, Qt::Key_End);
  EXPECT_EQ(w->cursorStep(), -1);
}

TEST(LandscapeWindow, AnInterpolationPathIsDrawnWithItsEndsMarked) {
  auto w = toyWindowWithChains();
  ASSERT_FALSE(HasFailure());
  LandscapeView* v = w->landscapeView();
  ebm::InterpolationSettings settings;
  settings.points = 12;
  w->host().post(ebm::cmd::Interpolate{settings});
  ASSERT_TRUE(waitFor([&] { return v->path().size() == 2u * 12u; }, 60))
      << w->host().pollNow()->lastError;
  const std::vector<float> path = v->path();
  v->fitView();
  const PlaneRect view = v->view();
  for (size_t i = 0; i + 1 < path.size(); i += 2)
    EXPECT_TRUE(view.contains(path[i], path[i + 1])) << "path point " << i / 2;
  // Each end carries a disc in the path's colour, drawn over the chains.
  const QImage img = v->grabFramebuffer();
  img.save(tmpPath("landscape-path.png"));
  const double dpr = v->devicePixelRatioF();
  for (size_t end : {size_t(0), path.size() - 2}) {
    const QPoint at = (v->widgetPosition(path[end], path[end + 1]) * dpr).toPoint();
    const QColor c = img.pixelColor(at);
    EXPECT_TRUE(c.blue() > 200 && c.green() > 170 && c.red() < 120)
        << "end " << end / 2 << " at " << at.x() << "," << at.y() << " is " << c.name().toStdString();
  }
}

} // namespace
