// The training losses in the real window: a few iterations of the toy2d preset started with the
// Start button give one plot per headline loss group of the method and a point per iteration;
// EMA smoothing changes the bold line and never the raw values; and in a dock-sized panel the
// headline plots fit without scrolling, their legends are not clipped and one spike does not
// stretch a plot's y axis.
#include "controls_panel.h"
#include "loss_panel.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QDateTime>
#include <QFile>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>

#include <algorithm>
#include <cmath>

namespace {

using ebm::RunState;
using ebm::ui::LossLine;
using ebm::ui::LossPanel;
using ebm::ui::MainWindow;
using ebm::ui::test::clickWhenEnabled;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;

constexpr int kIterations = 15;

std::unique_ptr<MainWindow> openPreset(const QString& preset) {
  auto o = ebm::ui::test::windowOptions("losses");
  o.preset = preset;
  return ebm::ui::test::showWindow(o);
}

RunState stateOf(MainWindow& w) {
  const auto s = w.host().pollNow();
  return s ? s->state : RunState::Loading;
}

QPushButton* startButton(QWidget* controls) {
  for (auto* b : controls->findChildren<QPushButton*>())
    if (b->text() == "Start")
      return b;
  return nullptr;
}

QSpinBox* iterationsBox(QWidget* controls) {
  for (auto* b : controls->findChildren<QSpinBox*>())
    if (b->toolTip() == "Iterations a Start runs")
      return b;
  return nullptr;
}

// One window trained kIterations with the Start button, shared by the tests that read it.
class TrainedWindow : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_window = openPreset("toy2d").release();
    MainWindow& w = *s_window;
    if (!waitFor([&] { return stateOf(w) == RunState::Idle; }, 60) || !iterationsBox(w.controls()))
      return;
    iterationsBox(w.controls())->setValue(kIterations);
    if (!clickWhenEnabled(startButton(w.controls())))
      return;
    s_trained = waitFor([&] {
      const auto s = w.host().pollNow();
      return s && s->iteration == kIterations && s->state == RunState::Idle;
    }, 180);
    w.showPanel("dock.losses");
  }
  static void TearDownTestSuite() {
    delete s_window;
    s_window = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(s_trained) << "the toy2d preset did not train " << kIterations
                           << " iterations from the Start button";
    ASSERT_TRUE(waitFor([] {
      return panel()->plotCount() > 0 &&
             panel()->drawnValues(0, 0, LossLine::Raw).size() == kIterations;
    }, 10));
  }
  static LossPanel* panel() { return s_window->lossPanel(); }

  static MainWindow* s_window;
  static bool s_trained;
};

MainWindow* TrainedWindow::s_window = nullptr;
bool TrainedWindow::s_trained = false;

TEST_F(TrainedWindow, LossPanelShowsOnePlotPerHeadlineGroupWithAPointPerIteration) {
  panel()->setShowAll(false);
  const auto snap = s_window->host().pollNow();
  std::vector<ebm::LossGroup> headline;
  for (const auto& g : snap->methodInfo->lossGroups)
    if (g.headline)
      headline.push_back(g);
  ASSERT_FALSE(headline.empty());
  ASSERT_EQ(panel()->plotCount(), int(headline.size()));
  const auto& names = snap->losses->names;
  for (int p = 0; p < panel()->plotCount(); ++p) {
    EXPECT_EQ(panel()->plotTitle(p).toStdString(), headline[size_t(p)].title);
    ASSERT_EQ(panel()->termCount(p), int(headline[size_t(p)].terms.size()));
    for (int t = 0; t < panel()->termCount(p); ++t) {
      // The raw line is the history's column, a point per iteration although log_every is 10.
      const auto& term = headline[size_t(p)].terms[size_t(t)];
      const auto column = size_t(std::find(names.begin(), names.end(), term) - names.begin());
      ASSERT_LT(column, names.size()) << term;
      const auto raw = panel()->drawnValues(p, t, LossLine::Raw);
      ASSERT_EQ(raw.size(), kIterations);
      for (int i = 0; i < kIterations; ++i)
        EXPECT_EQ(raw[i], snap->losses->rows[size_t(i)][column]);
    }
  }
  panel()->setShowAll(true);
  EXPECT_EQ(panel()->plotCount(), int(snap->methodInfo->lossGroups.size()));
  panel()->setShowAll(false);
  EXPECT_EQ(panel()->plotCount(), int(headline.size()));
}

double totalVariation(const QVector<double>& v) {
  double s = 0;
  for (int i = 1; i < v.size(); ++i)
    s += std::abs(v[i] - v[i - 1]);
  return s;
}

TEST_F(TrainedWindow, LossPanelSmoothingChangesTheDrawnLineButNotTheRawData) {
  panel()->setSmoothing(false);
  const auto raw = panel()->drawnValues(0, 0, LossLine::Raw);
  EXPECT_EQ(panel()->drawnValues(0, 0, LossLine::Smoothed), raw) << "no smoothing: the raw line";
  panel()->setSmoothing(true);
  panel()->setHalfLife(3);
  const auto quick = panel()->drawnValues(0, 0, LossLine::Smoothed);
  panel()->setHalfLife(30);
  const auto slow = panel()->drawnValues(0, 0, LossLine::Smoothed);
  EXPECT_NE(quick, raw);
  EXPECT_NE(slow, quick);
  EXPECT_EQ(panel()->drawnValues(0, 0, LossLine::Raw), raw);
  // A longer half-life moves less.
  EXPECT_LT(totalVariation(slow), totalVariation(quick));
  EXPECT_LT(totalVariation(quick), totalVariation(raw));
  // The hover readout names the iteration and both values: under the mouse, and at a given
  // iteration.
  QCPAxisRect* first = panel()->plot()->axisRects().front();
  QTest::mouseMove(panel()->plot(), first->rect().center());
  EXPECT_TRUE(waitFor([] { return panel()->readout().startsWith("iteration "); }, 2))
      << panel()->readout().toStdString();
  panel()->hoverAt(0, 12);
  EXPECT_TRUE(panel()->readout().contains("iteration 12")) << panel()->readout().toStdString();
  EXPECT_TRUE(panel()->readout().contains("EMA")) << panel()->readout().toStdString();
  // The export has every recorded row.
  const QString csv = tmpPath("losses-export.csv");
  QString error;
  ASSERT_TRUE(panel()->exportCsv(csv, &error)) << error.toStdString();
  QFile f(csv);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  EXPECT_EQ(QString(f.readAll()).trimmed().split('\n').size(), kIterations + 1);
  panel()->setHalfLife(20);
}

// A long history of the method's losses: slow drifts with noise, and one spike in the first term
// of the first headline group.
std::shared_ptr<ebm::LossHistory> syntheticHistory(const ebm::MethodInfo& info, int rows) {
  auto h = std::make_shared<ebm::LossHistory>();
  h->names = info.lossNames;
  for (int i = 0; i < rows; ++i) {
    h->iterations.push_back(i + 1);
    std::vector<double> row;
    for (size_t k = 0; k < h->names.size(); ++k)
      row.push_back(1.0 + 0.5 * std::sin(i / 500.0 + double(k)) + 0.1 * std::sin(i * 1.7 + k));
    h->rows.push_back(row);
  }
  return h;
}

// Legends get all the room they ask for, inside the plot; headline plots need no scrolling; the
// spike (one row in 20 000) leaves the first plot's y axis far below it.
void expectReadable(LossPanel& panel, bool noScrolling) {
  auto* scroll = panel.findChild<QScrollArea*>();
  ASSERT_NE(scroll, nullptr);
  if (noScrolling)
    EXPECT_EQ(scroll->verticalScrollBar()->maximum(), 0)
        << "headline plots need scrolling at " << panel.width() << "x" << panel.height();
  QCustomPlot* plot = panel.plot();
  int legends = 0;
  for (auto* element : plot->plotLayout()->elements(true)) {
    auto* legend = qobject_cast<QCPLegend*>(element);
    if (!legend)
      continue;
    ++legends;
    const QSize need = legend->minimumOuterSizeHint();
    EXPECT_GE(legend->outerRect().height(), need.height()) << "a legend is cut at the bottom";
    EXPECT_GE(legend->outerRect().width(), need.width()) << "a legend is cut at the side";
    EXPECT_TRUE(plot->rect().contains(legend->outerRect()))
        << "a legend leaves the plot at " << panel.width() << "x" << panel.height() << ": plot "
        << plot->width() << " wide, the legend ends at " << legend->outerRect().right();
  }
  EXPECT_EQ(legends, panel.plotCount());
  const QCPRange y = plot->axisRects().front()->axis(QCPAxis::atLeft)->range();
  EXPECT_LT(y.upper, 10.0);
  EXPECT_GT(y.upper, 1.4);
}

TEST_F(TrainedWindow, LossPanelFitsADockWithoutClippingAndIgnoresASpike) {
  const auto info = s_window->host().pollNow()->methodInfo;
  auto history = syntheticHistory(*info, 20000);
  const auto& spiked = info->lossGroups.front().terms.front();
  const size_t col = size_t(std::find(info->lossNames.begin(), info->lossNames.end(), spiked) -
                            info->lossNames.begin());
  history->rows[10000][col] = 5e5;
  // A dock at 1280x720 (plots side by side), the brief's 550x300, and a roomy one at 1920x1080;
  // the headline groups, then all of them (which may scroll).
  const QSize sizes[] = {QSize(480, 250), QSize(550, 300), QSize(900, 420)};
  for (const bool all : {false, true})
    for (const QSize size : sizes) {
      LossPanel panel;
      panel.resize(size);
      panel.show();
      panel.setShowAll(all);
      panel.setHistory(history, info);
      waitFor([] { return false; }, 0.3);
      const QString name = QString("loss-panel-%1-%2x%3.png")
                               .arg(all ? "all" : "headline")
                               .arg(size.width())
                               .arg(size.height());
      panel.grab().toImage().save(tmpPath(name));
      expectReadable(panel, !all);
    }
  LossPanel restore;  // the choice is remembered: leave the default behind
  restore.setShowAll(false);
}

} // namespace
