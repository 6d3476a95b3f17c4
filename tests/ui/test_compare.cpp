// The Compare panel in the real window: three variants prefilled s/2, s, 2s from the chain's live
// settings run on the shipped toy2d and fmnist-small models give three overlaid energy curves
// named by their settings, a summary line each and (on 2-D data) three sets of final particles,
// and leave the chain's live settings as they were; a 2 x 2 step size x steps grid fills every
// cell with its value and cost and marks the best one.
#include "compare_grid_view.h"
#include "compare_panel.h"
#include "compare_particles.h"
#include "curve_plot.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>

namespace {

using ebm::RunState;
using ebm::ui::ComparePanel;
using ebm::ui::MainWindow;
using ebm::ui::test::clickWhenEnabled;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;

const QString kCompareToy = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";
const QString kCompareFmnist =
    QString(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";

std::unique_ptr<MainWindow> openForCompare(const QString& checkpoint) {
  auto o = ebm::ui::test::windowOptions("compare");
  o.checkpoint = checkpoint;
  auto w = std::make_unique<MainWindow>(o);
  w->resize(1280, 720);
  w->show();
  w->showPanel("dock.compare");
  return w;
}

bool compareReady(MainWindow& w) {
  const auto s = w.host().pollNow();
  return s && s->state == RunState::Idle && w.comparePanel()->runButton()->isEnabled();
}

// Runs the prefilled three variants of the panel's chain and checks what the window shows.
void runThreeVariants(MainWindow& w, int chains) {
  ComparePanel* p = w.comparePanel();
  ASSERT_TRUE(waitFor([&] { return compareReady(w); }, 120));
  const std::string chain = p->chainBox()->currentData().toString().toStdString();
  const auto before = w.host().pollNow()->chains.at(chain).settings;
  const double s = p->rowStepSize(1)->value();
  EXPECT_NEAR(p->rowStepSize(0)->value(), s / 2, 1e-5);
  EXPECT_NEAR(p->rowStepSize(2)->value(), 2 * s, 1e-5);
  EXPECT_TRUE(p->rowEnabled(2)->isChecked());
  EXPECT_FALSE(p->rowEnabled(3)->isChecked());
  p->chainsBox()->setValue(chains);
  ASSERT_TRUE(clickWhenEnabled(p->runButton()));
  ASSERT_TRUE(waitFor([&] {
    const auto snap = w.host().pollNow();
    return snap->comparison && !snap->comparison->running && p->summaries().size() == 3 &&
           !p->summaries().join("").contains("running");
  }, 240)) << w.statusText().toStdString();
  const auto r = w.host().pollNow()->comparison;
  ASSERT_EQ(r->summaries.size(), 3u);
  // Three curves, one per variant, named by the setting that differs.
  QCustomPlot* plot = p->curves()->plot();
  ASSERT_EQ(plot->graphCount(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(plot->graph(i)->name().toStdString(), r->labels[size_t(i)]);
    EXPECT_TRUE(plot->graph(i)->name().startsWith("s=")) << plot->graph(i)->name().toStdString();
    EXPECT_GT(plot->graph(i)->dataCount(), 1);
    EXPECT_TRUE(p->summaries()[i].contains("final E")) << p->summaries()[i].toStdString();
  }
  EXPECT_NE(plot->graph(0)->pen().color(), plot->graph(1)->pen().color());
  EXPECT_TRUE(plot->legend->visible());
  // The chain's live settings are what they were.
  EXPECT_EQ(w.host().pollNow()->chains.at(chain).settings, before);
}

TEST(Compare, ThreeVariantsOnToy2dOverlayCurvesAndParticles) {
  auto w = openForCompare(kCompareToy);
  runThreeVariants(*w, 16);
  EXPECT_EQ(w->comparePanel()->particles()->shownSets(), 3);
  EXPECT_TRUE(w->comparePanel()->results()->isTabEnabled(1));
}

TEST(Compare, ThreeVariantsOnFmnistSmall) {
  auto w = openForCompare(kCompareFmnist);
  runThreeVariants(*w, 4);
  EXPECT_FALSE(w->comparePanel()->results()->isTabEnabled(1));  // no particles on images
}

TEST(Compare, TwoByTwoGridFillsEveryCellAndMarksTheBest) {
  auto w = openForCompare(kCompareToy);
  ComparePanel* p = w->comparePanel();
  ASSERT_TRUE(waitFor([&] { return compareReady(*w); }, 120));
  p->stepSizesEdit()->setText("0.02, 0.1");
  p->stepCountsEdit()->setText("3 6");
  p->chainsBox()->setValue(8);
  ASSERT_TRUE(clickWhenEnabled(p->gridButton()));
  // Wait for what the view shows, the finished grid (each published grid is a result of its own).
  ASSERT_TRUE(waitFor([&] {
    const auto& g = p->gridView()->shownGrid();
    return g && !g->running && p->gridView()->table()->rowCount() == 2;
  }, 120));
  QTableWidget* t = p->gridView()->table();
  ASSERT_EQ(t->columnCount(), 2);
  EXPECT_EQ(t->horizontalHeaderItem(1)->text(), "K = 6");
  EXPECT_EQ(t->verticalHeaderItem(0)->text(), "s = 0.02");
  int stars = 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      ASSERT_TRUE(t->item(i, j));
      const QString text = t->item(i, j)->text();
      EXPECT_TRUE(text.contains(QString("%1 grad evals").arg(8 * (j ? 6 : 3))))
          << text.toStdString();
      stars += text.contains("★") ? 1 : 0;
    }
  EXPECT_EQ(stars, 1);
  EXPECT_EQ(p->gridView()->metricBox()->count(), 2);  // final energy and MMD² on 2-D data
  EXPECT_EQ(p->gridView()->metric(), ebm::ui::GridMetric::Mmd);  // quality first
}

TEST(Compare, ABadGridListIsRefusedWithAMessage) {
  auto w = openForCompare(kCompareToy);
  ComparePanel* p = w->comparePanel();
  ASSERT_TRUE(waitFor([&] { return compareReady(*w); }, 120));
  p->stepCountsEdit()->setText("3, ten");
  QTest::mouseClick(p->gridButton(), Qt::LeftButton);
  EXPECT_TRUE(w->lastErrorShown().contains("'ten'")) << w->lastErrorShown().toStdString();
  EXPECT_FALSE(w->host().pollNow()->grid);
}

} // namespace
