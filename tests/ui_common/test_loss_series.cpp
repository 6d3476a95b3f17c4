// Loss plots without a toolkit: the method's groups with an "other" plot for ungrouped terms and
// the headline filter, the EMA over iterations (bias-corrected, gaps of a thinned history
// counted by length), robust y ranges that one spike does not stretch, and the hover's row.
#include "loss_series.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using ebm::LossGroup;
using ebm::ui::emaSmooth;
using ebm::ui::lossPlotGroups;
using ebm::ui::nearestRow;
using ebm::ui::robustRange;

const std::vector<std::string> kNames = {"loss", "E_data", "E_neg", "lr", "extra"};

std::vector<LossGroup> groups() {
  return {{"energy", {"E_data", "E_neg"}, true, "energies"},
          {"loss", {"loss", "missing"}, false, "the loss"},
          {"learning rate", {"lr"}, true, "lr"}};
}

TEST(LossPlotGroups, HeadlineGroupsByDefaultAndEveryGroupPlusOtherOnRequest) {
  const auto headline = lossPlotGroups(groups(), kNames, false);
  ASSERT_EQ(headline.size(), 2u);
  EXPECT_EQ(headline[0].title, "energy");
  EXPECT_EQ(headline[0].columns, (std::vector<int>{1, 2}));
  EXPECT_EQ(headline[1].title, "learning rate");

  const auto all = lossPlotGroups(groups(), kNames, true);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1].columns, (std::vector<int>{0}));  // "missing" is not in the history
  EXPECT_EQ(all[3].title, "other");
  EXPECT_EQ(all[3].columns, (std::vector<int>{4}));
}

TEST(LossPlotGroups, WithoutGroupsOrHeadlinesEveryTermIsShown) {
  const auto none = lossPlotGroups({}, kNames, false);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].title, "other");
  EXPECT_EQ(none[0].columns.size(), kNames.size());
  auto quiet = groups();
  for (auto& g : quiet)
    g.headline = false;
  EXPECT_EQ(lossPlotGroups(quiet, kNames, false).size(), 4u);
}

TEST(EmaSmooth, ConstantStaysConstantFromTheFirstRow) {
  const std::vector<long> its = {1, 2, 3, 4, 5};
  const auto s = emaSmooth(its, {3, 3, 3, 3, 3}, 10);
  for (double v : s)
    EXPECT_NEAR(v, 3.0, 1e-12);
  EXPECT_EQ(emaSmooth(its, {1, 2, 3, 4, 5}, 0), (std::vector<double>{1, 2, 3, 4, 5}));
}

TEST(EmaSmooth, AStepIsHalfwayAfterOneHalfLife) {
  std::vector<long> its;
  std::vector<double> v;
  for (long i = 1; i <= 2000; ++i) {
    its.push_back(i);
    v.push_back(i <= 1000 ? 0.0 : 1.0);
  }
  const auto s = emaSmooth(its, v, 10);
  EXPECT_NEAR(s[999 + 10], 0.5, 1e-9);  // iteration 1010
  EXPECT_NEAR(s[999 + 20], 0.75, 1e-9);
}

TEST(EmaSmooth, AThinnedHistoryWeighsItsGapsByTheirLength) {
  // A signal constant within blocks of 10 iterations, recorded at every iteration and at the
  // first iteration and every block's end: where both have a row, the averages agree.
  std::vector<long> dense, sparse;
  std::vector<double> dv, sv;
  for (long i = 1; i <= 300; ++i) {
    dense.push_back(i);
    dv.push_back(std::floor((i - 1) / 10.0));
    if (i == 1 || i % 10 == 0) {
      sparse.push_back(i);
      sv.push_back(dv.back());
    }
  }
  const auto ds = emaSmooth(dense, dv, 25);
  const auto ss = emaSmooth(sparse, sv, 25);
  for (size_t k = 0; k < sparse.size(); ++k)
    EXPECT_NEAR(ss[k], ds[size_t(sparse[k] - 1)], 1e-9) << "iteration " << sparse[k];
  EXPECT_GT(ss.back(), 20.0);  // it follows the rise
}

TEST(EmaSmooth, NonFiniteValuesAreSkipped) {
  const auto s = emaSmooth({1, 2, 3}, {2, std::nan(""), 2}, 5);
  EXPECT_NEAR(s[1], 2.0, 1e-12);
  EXPECT_NEAR(s[2], 2.0, 1e-12);
}

TEST(RobustRange, OneSpikeDoesNotStretchTheRange) {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i)
    v.push_back(i / 1000.0);
  v.push_back(5e5);
  v.push_back(std::nan(""));
  const auto r = robustRange(v, 0.01);
  ASSERT_TRUE(r.valid());
  EXPECT_NEAR(r.lo, 0.01, 0.002);
  EXPECT_NEAR(r.hi, 0.99, 0.002);
}

TEST(RobustRange, FlatAndEmptySets) {
  const auto flat = robustRange({2, 2, 2}, 0.01);
  ASSERT_TRUE(flat.valid());
  EXPECT_LT(flat.lo, 2);
  EXPECT_GT(flat.hi, 2);
  EXPECT_FALSE(robustRange({std::nan("")}, 0.01).valid());
  EXPECT_FALSE(robustRange({}, 0.01).valid());
}

TEST(NearestRow, PicksTheClosestIteration) {
  const std::vector<long> its = {10, 20, 40};
  EXPECT_EQ(nearestRow(its, 0), 0u);
  EXPECT_EQ(nearestRow(its, 14), 0u);
  EXPECT_EQ(nearestRow(its, 16), 1u);
  EXPECT_EQ(nearestRow(its, 31), 2u);
  EXPECT_EQ(nearestRow(its, 99), 2u);
}

} // namespace
