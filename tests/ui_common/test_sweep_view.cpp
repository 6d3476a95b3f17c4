// The comparison panel's plain logic: typed number lists are checked with a message, the grid's
// best cell is the lowest finished, finite and not diverged one, and the colour scale spans the
// finished cells.
#include "sweep_view.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm::ui {
namespace {

GridResult twoByTwo() {
  GridResult g;
  g.stepSizes = {0.1, 0.2};
  g.stepCounts = {5, 10};
  g.cells.resize(4);
  g.done = {true, true, true, false};
  const double energies[] = {3, 1, 0.5, -9};
  for (int i = 0; i < 4; ++i) {
    g.cells[i].finalEnergy = energies[i];
    g.cells[i].finalMse = g.cells[i].mmd = std::nan("");  // as the core fills cells without them
  }
  g.cells[2].diverged = true;
  return g;
}

TEST(SweepView, NumberListsAreCheckedWithAMessage) {
  auto ok = parseNumberList("0.01, 0.03 0.1", "step sizes", false, 0, 10, 6);
  EXPECT_TRUE(ok.error.empty());
  EXPECT_EQ(ok.values, (std::vector<double>{0.01, 0.03, 0.1}));
  EXPECT_NE(parseNumberList("5, x", "steps", true, 1, 100, 6).error.find("'x'"), std::string::npos);
  EXPECT_NE(parseNumberList("2.5", "steps", true, 1, 100, 6).error.find("whole"), std::string::npos);
  EXPECT_NE(parseNumberList("", "steps", true, 1, 100, 6).error.find("1 to 6"), std::string::npos);
  EXPECT_FALSE(parseNumberList("1 2 3 4 5 6 7", "steps", true, 1, 100, 6).error.empty());
}

TEST(SweepView, BestCellSkipsUnfinishedAndDivergedCells) {
  const auto g = twoByTwo();
  EXPECT_EQ(bestCell(g, GridMetric::Energy), 1);
  EXPECT_EQ(bestCell(g, GridMetric::Mmd), -1);  // no MMD in any cell
  const auto scale = heatScale(g, GridMetric::Energy);
  EXPECT_DOUBLE_EQ(scale.lo, 1);
  EXPECT_DOUBLE_EQ(scale.hi, 3);
  EXPECT_DOUBLE_EQ(scale.position(2), 0.5);
  EXPECT_TRUE(std::isnan(scale.position(std::nan(""))));
}

TEST(SweepView, SummaryLineSaysWhatTheVariantDid) {
  SweepSummary s;
  s.finalEnergy = -0.153;
  s.finalMse = std::nan("");
  s.mmd = 0.004;
  s.rmsChange = 0.02;
  s.steps = 30;
  s.gradientEvaluations = 480;
  s.diverged = true;
  const auto line = summaryLine(s);
  EXPECT_NE(line.find("final E -0.153"), std::string::npos) << line;
  EXPECT_EQ(line.find("MSE"), std::string::npos) << line;
  EXPECT_NE(line.find("480 grad evals"), std::string::npos) << line;
  EXPECT_NE(line.find("diverged"), std::string::npos) << line;
}

} // namespace
} // namespace ebm::ui
