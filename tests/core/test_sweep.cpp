// Comparing samplers through the session: variants and grid cells run from common random
// numbers (equal settings repeat each other; a different step size keeps x_0 and the noise),
// the grid's cost is chains x steps, bad requests are refused with a message naming what is
// wrong, a stop request ends a sweep early, and neither the chain's live settings nor the model
// change.
#include "session.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <cmath>
#include <functional>
#include <thread>

namespace ebm {
namespace {

RunConfig sweepToy() {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  test::DualEdit(cfg)->model.ebmWidth = 32;
  test::DualEdit(cfg)->model.genWidth = 32;
  test::DualEdit(cfg)->model.infWidth = 32;
  cfg.train.batchSize = 64;
  test::DualEdit(cfg)->x.steps = 6;
  test::DualEdit(cfg)->z.steps = 4;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 2;
  return cfg;
}

SweepVariant variantOf(std::map<std::string, double> numbers) {
  SweepVariant v;
  v.settings.numbers = std::move(numbers);
  return v;
}

bool sweepWait(Session& s, double seconds, const std::function<bool(const SessionSnapshot&)>& ok) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
    if (ok(*s.snapshot()))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return ok(*s.snapshot());
}

std::shared_ptr<const ComparisonResult> compare(Session& s, cmd::CompareSettings c) {
  s.post(std::move(c));
  EXPECT_TRUE(s.waitIdle(120));
  return s.snapshot()->comparison;
}

TEST(Sweep, VariantsWithEqualSettingsGiveEqualTraces) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  const auto r = compare(s, {"x", {variantOf({{"step_size", 0.05}}), variantOf({{"step_size", 0.05}})}, 8, "", 7});
  ASSERT_TRUE(r) << s.snapshot()->lastError;
  ASSERT_EQ(r->traces.size(), 2u);
  EXPECT_FALSE(r->running);
  EXPECT_EQ(r->traces[0]->energy, r->traces[1]->energy);
  ASSERT_EQ(r->traces[0]->snapshots.size(), r->traces[1]->snapshots.size());
  EXPECT_EQ(r->traces[0]->snapshots.back().state, r->traces[1]->snapshots.back().state);
  EXPECT_EQ(r->finalSamples[0], r->finalSamples[1]);
  EXPECT_NE(r->labels[0], r->labels[1]);  // equal settings, distinct names
}

TEST(Sweep, VariantsDifferingInStepSizeShareStartAndNoise) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  const auto r = compare(s, {"x", {variantOf({{"step_size", 0.02}}), variantOf({{"step_size", 0.2}})}, 8, "", 3});
  ASSERT_TRUE(r) << s.snapshot()->lastError;
  ASSERT_EQ(r->traces.size(), 2u);
  const Trace& a = *r->traces[0];
  const Trace& b = *r->traces[1];
  EXPECT_EQ(a.snapshots.front().step, 0);
  EXPECT_EQ(a.snapshots.front().state, b.snapshots.front().state);  // the same x_0
  // The same n and the same xi at every step: |n xi| agrees step by step.
  ASSERT_EQ(a.noiseNorm.size(), b.noiseNorm.size());
  for (size_t t = 0; t + 1 < a.noiseNorm.size(); ++t)
    EXPECT_EQ(a.noiseNorm[t], b.noiseNorm[t]) << "step " << t;
  EXPECT_NE(a.snapshots.back().state, b.snapshots.back().state);  // the step size mattered
  EXPECT_EQ(r->labels[0], "s=0.02");
  EXPECT_EQ(r->labels[1], "s=0.2");
  EXPECT_GT(r->summaries[1].rmsChange, r->summaries[0].rmsChange);
}

TEST(Sweep, LiveSettingsAndTheModelAreAsBefore) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  const SettingValues before = s.snapshot()->chains.at("x").settings;
  s.post(cmd::RunChain{"x", 8, "generator", 5, {}});
  ASSERT_TRUE(s.waitIdle(60));
  const auto shown = s.snapshot()->chains.at("x").trace;
  const cmd::CompareSettings a{"x", {variantOf({{"step_size", 0.3}}), variantOf({})}, 8, "", 5};
  const auto first = compare(s, a);
  ASSERT_TRUE(first) << s.snapshot()->lastError;
  compare(s, {"x", {variantOf({{"step_size", 0.3}, {"steps", 9}}), variantOf({{"noise", 0.5}})}, 8, "", 6});
  EXPECT_EQ(s.snapshot()->chains.at("x").settings, before);
  EXPECT_EQ(s.snapshot()->chains.at("x").trace, shown);  // the chain's own trace stays
  // Sweeps leave the model as they found it (buffers included): the first comparison repeats.
  const auto again = compare(s, a);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->traces[0]->energy, first->traces[0]->energy);
  EXPECT_EQ(again->traces[1]->energy, first->traces[1]->energy);
}

TEST(Sweep, GridCellsCostChainsTimesStepsAndCarryEnergyAndMmd) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::SweepGrid{"x", {0.02, 0.1}, {3, 7}, 8, "", 2});
  ASSERT_TRUE(s.waitIdle(120));
  const auto g = s.snapshot()->grid;
  ASSERT_TRUE(g) << s.snapshot()->lastError;
  ASSERT_EQ(g->cells.size(), 4u);
  EXPECT_TRUE(g->hasMmd);
  EXPECT_FALSE(g->hasMse);
  EXPECT_FALSE(g->stopped);
  for (size_t i = 0; i < 2; ++i)
    for (size_t j = 0; j < 2; ++j) {
      const auto& c = g->cell(i, j);
      EXPECT_TRUE(g->done[i * 2 + j]);
      EXPECT_EQ(c.steps, g->stepCounts[j]);
      EXPECT_EQ(c.gradientEvaluations, 8L * g->stepCounts[j]);
      EXPECT_TRUE(std::isfinite(c.finalEnergy));
      EXPECT_TRUE(std::isfinite(c.mmd));
      EXPECT_GE(c.mmd, 0.0);
    }
}

// What a published result looked like when first seen.
struct SeenResult {
  bool running;
  size_t filled;  // cells done, or variants summarised
};

TEST(Sweep, APublishedGridOrComparisonNeverChangesAfterwards) {
  // A view shows a result once per pointer: a result changed in place after it was published
  // would leave a view on its partial state, and be read while the worker writes it.
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  std::map<const GridResult*, std::pair<std::shared_ptr<const GridResult>, SeenResult>> grids;
  std::map<const ComparisonResult*,
           std::pair<std::shared_ptr<const ComparisonResult>, SeenResult>> comparisons;
  const auto doneCells = [](const GridResult& g) {
    return static_cast<size_t>(std::count(g.done.begin(), g.done.end(), true));
  };
  const auto watch = [&] {
    const auto snap = s.snapshot();
    if (snap->grid && !grids.count(snap->grid.get()))
      grids[snap->grid.get()] = {snap->grid, {snap->grid->running, doneCells(*snap->grid)}};
    if (snap->comparison && !comparisons.count(snap->comparison.get()))
      comparisons[snap->comparison.get()] = {
          snap->comparison, {snap->comparison->running, snap->comparison->summaries.size()}};
    return snap->comparison && !snap->comparison->running && !snap->revisionRunning;
  };
  // Cells and variants long enough (tens of milliseconds) to be seen while they run.
  s.post(cmd::SweepGrid{"x", {0.02, 0.1}, {60, 120}, 64, "", 2});
  s.post(cmd::CompareSettings{"x",
                              {variantOf({{"step_size", 0.05}, {"steps", 120}}),
                               variantOf({{"step_size", 0.1}, {"steps", 120}})},
                              64, "", 3});
  ASSERT_TRUE(sweepWait(s, 120, [&](const SessionSnapshot&) { return watch(); }));
  watch();
  ASSERT_GE(grids.size(), 2u);  // the first publication (running) and the finished grid
  ASSERT_GE(comparisons.size(), 2u);
  for (const auto& [ptr, seen] : grids) {
    EXPECT_EQ(seen.first->running, seen.second.running);
    EXPECT_EQ(doneCells(*seen.first), seen.second.filled);
  }
  for (const auto& [ptr, seen] : comparisons) {
    EXPECT_EQ(seen.first->running, seen.second.running);
    EXPECT_EQ(seen.first->summaries.size(), seen.second.filled);
  }
  const auto last = s.snapshot();
  EXPECT_FALSE(last->grid->running);
  EXPECT_EQ(doneCells(*last->grid), 4u);
  EXPECT_EQ(last->comparison->summaries.size(), 2u);
}

TEST(Sweep, GridOnAChainWithATargetReportsItsMse) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::SweepGrid{"z", {0.05}, {2, 4}, 8, "", 2});
  ASSERT_TRUE(s.waitIdle(120));
  const auto g = s.snapshot()->grid;
  ASSERT_TRUE(g) << s.snapshot()->lastError;
  EXPECT_TRUE(g->hasMse);
  EXPECT_TRUE(std::isfinite(g->cell(0, 1).finalMse));
  EXPECT_EQ(g->cell(0, 1).gradientEvaluations, 8L * 4);
}

TEST(Sweep, BadRequestsAreRefusedWithAMessage) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  auto refused = [&](Command c) {
    const auto n = s.snapshot()->errorCount;
    s.post(std::move(c));
    EXPECT_TRUE(s.waitIdle(60));
    const auto snap = s.snapshot();
    return snap->errorCount > n ? snap->lastError : std::string();
  };
  EXPECT_NE(refused(cmd::CompareSettings{"x", {variantOf({})}, 8, "", 1}).find("2 to 4"),
            std::string::npos);
  const auto bad = refused(cmd::CompareSettings{
      "x", {variantOf({}), variantOf({{"step_size", -1}})}, 8, "", 1});
  EXPECT_NE(bad.find("variant 2"), std::string::npos) << bad;
  EXPECT_NE(bad.find("step_size"), std::string::npos) << bad;
  EXPECT_NE(refused(cmd::CompareSettings{"w", {variantOf({}), variantOf({})}, 8, "", 1})
                .find("no chain named 'w'"),
            std::string::npos);
  EXPECT_NE(refused(cmd::SweepGrid{"x", {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}, {3}, 8, "", 1})
                .find("1 to 6"),
            std::string::npos);
  EXPECT_NE(refused(cmd::SweepGrid{"x", {0.1}, {-3}, 8, "", 1}).find("steps"), std::string::npos);
  EXPECT_NE(refused(cmd::SweepGrid{"x", {0.1}, {3}, 1, "", 1}).find("chains"), std::string::npos);
  EXPECT_FALSE(s.snapshot()->comparison);
  EXPECT_FALSE(s.snapshot()->grid);
}

TEST(Sweep, RefusedWhileTrainingRuns) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StartTraining{100000});
  ASSERT_TRUE(sweepWait(s, 30, [](const SessionSnapshot& sn) {
    return sn.state == RunState::Training;
  }));
  const auto n = s.snapshot()->errorCount;
  s.post(cmd::CompareSettings{"x", {variantOf({}), variantOf({})}, 8, "", 1});
  ASSERT_TRUE(sweepWait(s, 30, [&](const SessionSnapshot& sn) { return sn.errorCount > n; }));
  EXPECT_NE(s.snapshot()->lastError.find("pause training first"), std::string::npos);
  s.post(cmd::StopTraining{});
  ASSERT_TRUE(s.waitIdle(60));
  EXPECT_FALSE(s.snapshot()->comparison);
}

TEST(Sweep, AStopRequestEndsAComparisonAndAGrid) {
  Session s(sweepToy());
  ASSERT_TRUE(s.waitIdle(60));
  const auto longRun = variantOf({{"steps", 100000}});
  s.post(cmd::CompareSettings{"x", {longRun, longRun, longRun}, 8, "", 1});
  ASSERT_TRUE(sweepWait(s, 30, [](const SessionSnapshot& sn) {
    return sn.comparison && sn.comparison->running && !sn.comparison->traces.empty();
  }));
  s.post(cmd::StopRevision{});
  ASSERT_TRUE(s.waitIdle(60));
  auto r = s.snapshot()->comparison;
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->running);
  EXPECT_TRUE(r->stopped);
  ASSERT_EQ(r->summaries.size(), 1u);  // later variants never started
  EXPECT_TRUE(r->summaries[0].stopped);
  EXPECT_LT(r->summaries[0].steps, 100000);

  s.post(cmd::SweepGrid{"x", {0.01, 0.02}, {90000, 100000}, 8, "", 1});
  ASSERT_TRUE(sweepWait(s, 30, [](const SessionSnapshot& sn) {
    return sn.grid && sn.grid->running;
  }));
  s.post(cmd::StopRevision{});
  ASSERT_TRUE(s.waitIdle(60));
  auto g = s.snapshot()->grid;
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->stopped);
  EXPECT_FALSE(g->done.back());
}

TEST(Sweep, ALadderChainOfTheShippedRecoveryModelComparesFromCommonRandomNumbers) {
  // The seam is every method's: the level-by-level sampling chain of the shipped 2-D recovery
  // model, whose step size is a multiplier m, repeats itself at equal settings and shares its
  // start (the top-level noise) across multipliers; its grid varies m and the steps per level.
  SessionOptions o;
  o.checkpoint = std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/cdrl-toy2d.safetensors";
  RunConfig cfg;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 2;
  Session s(cfg, o);
  ASSERT_TRUE(s.waitIdle(120));
  ASSERT_TRUE(s.snapshot()->methodInfo) << s.snapshot()->lastError;
  const auto few = variantOf({{"steps", 3}});
  const auto r = compare(s, {"sample", {few, few, variantOf({{"steps", 3}, {"step_multiplier", 2}})}, 8, "", 4});
  ASSERT_TRUE(r) << s.snapshot()->lastError;
  ASSERT_EQ(r->traces.size(), 3u);
  EXPECT_EQ(r->traces[0]->energy, r->traces[1]->energy);
  EXPECT_EQ(r->finalSamples[0], r->finalSamples[1]);
  EXPECT_EQ(r->traces[0]->snapshots.front().state, r->traces[2]->snapshots.front().state);
  EXPECT_NE(r->finalSamples[0], r->finalSamples[2]);
  EXPECT_EQ(r->labels[2], "m=2");
  EXPECT_TRUE(std::isfinite(r->summaries[0].mmd));
  s.post(cmd::SweepGrid{"sample", {0.5, 1}, {2}, 4, "", 4});
  ASSERT_TRUE(s.waitIdle(120));
  const auto g = s.snapshot()->grid;
  ASSERT_TRUE(g) << s.snapshot()->lastError;
  EXPECT_FALSE(g->stopped);
  EXPECT_GT(g->cell(1, 0).gradientEvaluations, 0);
}

} // namespace
} // namespace ebm
