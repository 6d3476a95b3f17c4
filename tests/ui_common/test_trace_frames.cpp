// GIF frames without a toolkit: an image trace as a grid of its chains at a step, a 2-D trace as
// dots over the heatmap; traces of the other kind get no renderer.
#include "trace_frames.h"

#include <gtest/gtest.h>

namespace {

std::shared_ptr<ebm::Trace> imageTrace() {
  auto t = std::make_shared<ebm::Trace>();
  t->chains = 4;
  t->stateShape = {1, 3, 3};
  for (int i = 0; i < 2; ++i) {
    ebm::TraceSnapshot s;
    s.step = 5 * i;
    s.state.assign(4 * 9, i == 0 ? -1.0f : 1.0f);
    t->snapshots.push_back(s);
    t->steps.push_back(5 * i);
  }
  return t;
}

TEST(TraceFrames, AnImageTraceIsAGridOfItsChainsAtTheStep) {
  const auto render = ebm::ui::imageTraceRenderer(imageTrace(), false, 16);
  ASSERT_TRUE(render);
  const ebm::GifFrame first = render(0), last = render(7);
  EXPECT_EQ(first.width, 2 * 3 + 3 * 2);  // 2 x 2 tiles of 3 px, 2 px padding
  EXPECT_EQ(first.width, last.width);
  const size_t inside = (size_t(2) * size_t(first.width) + 2) * 3;  // a pixel of the first tile
  EXPECT_EQ(first.rgb[inside], 0);
  EXPECT_EQ(last.rgb[inside], 255);
  EXPECT_FALSE(ebm::ui::imageTraceRenderer(imageTrace(), true, 16));  // nothing decoded
  EXPECT_FALSE(ebm::ui::planeTraceRenderer(imageTrace(), nullptr, {}));
}

TEST(TraceFrames, APlaneTraceIsDotsOverTheHeatmap) {
  auto t = std::make_shared<ebm::Trace>();
  t->chains = 1;
  t->stateShape = {2};
  ebm::TraceSnapshot s;
  s.state = {0.0f, 0.0f};
  t->snapshots.push_back(s);
  t->steps.push_back(0);
  auto land = std::make_shared<ebm::Landscape>();
  land->res = 2;
  land->lo = -1;
  land->hi = 1;
  land->energy = {0, 1, 2, 3};
  const auto render = ebm::ui::planeTraceRenderer(t, land, {-1, 1, -1, 1}, 64);
  ASSERT_TRUE(render);
  const ebm::GifFrame f = render(0);
  ASSERT_EQ(f.width, 64);
  const size_t centre = (size_t(32) * 64 + 32) * 3;
  EXPECT_GT(f.rgb[centre], 200);  // the chain's red dot
  EXPECT_FALSE(ebm::ui::imageTraceRenderer(t, false, 4));
}

} // namespace
