// Pinned traces: the shown traces with their settings as the label, a fork's original shifted so
// both branches start at 0, and nothing pinned from nothing.
#include "pinned_traces.h"

#include <gtest/gtest.h>

namespace {

std::shared_ptr<ebm::Trace> trace(bool withMse) {
  auto t = std::make_shared<ebm::Trace>();
  t->steps = {0, 10, 20};
  t->energy = {{1}, {2}, {3}};
  if (withMse)
    t->mse = {{0.3f}, {0.2f}, {0.1f}};
  t->stepSize = {0.5, 0.5, 0.5};
  t->changes = {{10, "step_size 0.4 -> 0.5"}};
  return t;
}

TEST(PinnedTraces, PinsTheShownTracesWithTheirSettings) {
  ebm::ui::PinnedTraces p;
  p.pin(nullptr, nullptr);
  EXPECT_FALSE(p.any());
  const auto x = trace(false), z = trace(true);
  p.pin(x, z);
  EXPECT_TRUE(p.any());
  EXPECT_EQ(p.label, "s=0.5 20 steps");
  EXPECT_EQ(p.energy().x, (std::vector<double>{0, 10, 20}));
  EXPECT_EQ(p.mse().values.size(), 3u);
  p.clear();
  EXPECT_FALSE(p.any());
  EXPECT_TRUE(p.energy().x.empty());
}

TEST(PinnedTraces, AForksOriginalIsShiftedToStartAtTheFork) {
  ebm::ui::PinnedTraces p;
  p.pinFork(trace(false), 10);
  EXPECT_EQ(p.label, "original, from its step 10");
  const auto b = p.energy();
  EXPECT_EQ(b.x, (std::vector<double>{-10, 0, 10}));
  ASSERT_EQ(b.marks.size(), 1u);
  EXPECT_EQ(b.marks[0].first, 0);
  EXPECT_TRUE(p.mse().x.empty());
}

} // namespace
