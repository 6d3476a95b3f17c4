// Each method's loss groups (how the front ends plot its losses) against the losses it emits:
// every term a group names is a loss of the row an iteration produces, no term is in two groups,
// some group is a headline, and the registration and the built method describe the same groups.
#include "session.h"

#include "methods/method.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace ebm {
namespace {

struct MethodCase {
  std::string preset;
  std::string mode;                    // Dual-MCMC's training mode ("" = the preset's)
  std::vector<std::string> overrides;  // key=value
};

void PrintTo(const MethodCase& c, std::ostream* os) { *os << c.preset << " " << c.mode; }

class LossGroups : public ::testing::TestWithParam<MethodCase> {
protected:
  RunConfig config() const {
    RunConfig cfg = RunConfig::fromPreset(GetParam().preset);
    for (const auto& o : GetParam().overrides)
      cfg.applyOverride(o);
    cfg.train.batchSize = 32;
    cfg.runtime.device = "cpu";
    cfg.runtime.threads = 2;
    cfg.validate();
    return cfg;
  }
};

TEST_P(LossGroups, EveryGroupTermIsAnEmittedLoss) {
  Session s(config());
  ASSERT_TRUE(s.waitIdle(60));
  s.post(cmd::StepOnce{});
  ASSERT_TRUE(s.waitIdle(120));
  const auto snap = s.snapshot();
  ASSERT_EQ(snap->iteration, 1) << snap->lastError;
  ASSERT_TRUE(snap->losses && snap->methodInfo);
  const auto& emitted = snap->losses->names;
  ASSERT_EQ(snap->losses->rows.size(), 1u);
  ASSERT_EQ(snap->losses->rows.back().size(), emitted.size());
  const auto& groups = snap->methodInfo->lossGroups;
  ASSERT_FALSE(groups.empty()) << snap->method << " declares no loss groups";
  std::set<std::string> seen, titles;
  bool headline = false;
  for (const auto& g : groups) {
    EXPECT_FALSE(g.terms.empty()) << g.title;
    EXPECT_FALSE(g.tooltip.empty()) << g.title;
    EXPECT_TRUE(titles.insert(g.title).second) << "two groups titled " << g.title;
    headline = headline || g.headline;
    for (const auto& t : g.terms) {
      EXPECT_NE(std::find(emitted.begin(), emitted.end(), t), emitted.end())
          << snap->method << " group \"" << g.title << "\" names " << t << ", not a loss it emits";
      EXPECT_TRUE(seen.insert(t).second) << t << " is in two groups";
    }
  }
  EXPECT_TRUE(headline) << snap->method << " has no headline group";
}

TEST_P(LossGroups, RegistrationAndBuiltMethodDescribeTheSameGroups) {
  const RunConfig cfg = config();
  const auto described = describeMethod(cfg)->lossGroups;
  const auto built = makeMethod(cfg, torch::kCPU)->info().lossGroups;
  ASSERT_EQ(described.size(), built.size());
  for (size_t i = 0; i < built.size(); ++i) {
    EXPECT_EQ(described[i].title, built[i].title);
    EXPECT_EQ(described[i].terms, built[i].terms);
    EXPECT_EQ(described[i].headline, built[i].headline);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Methods, LossGroups,
    ::testing::Values(
        MethodCase{"toy2d", "dual", {}},
        MethodCase{"toy2d", "cooperative", {"dual_mcmc.train.mode=cooperative"}},
        MethodCase{"toy2d", "short_run",
                   {"dual_mcmc.x.init=gaussian", "dual_mcmc.train.mode=short-run"}},
        MethodCase{"drl-toy2d", "", {}}, MethodCase{"cdrl-toy2d", "", {}},
        MethodCase{"cdrl-grid2d-cond", "", {}}),
    [](const auto& info) {
      std::string name = info.param.preset + (info.param.mode.empty() ? "" : "_" + info.param.mode);
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

} // namespace
} // namespace ebm
