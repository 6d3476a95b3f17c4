// Landscape refresh: asked for on 2-D data only, when none is shown or training moved on by N
// iterations, and never twice within the minimum interval; a moved view asks for its square at
// once.
#include "landscape_refresh.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using ebm::Landscape;
using ebm::SessionSnapshot;
using ebm::ui::LandscapeRefresh;

SessionSnapshot planeAt(long iteration, long landscapeIteration = -1) {
  SessionSnapshot s;
  s.dataShape = {2};
  s.iteration = iteration;
  if (landscapeIteration >= 0) {
    auto l = std::make_shared<Landscape>();
    l->iteration = landscapeIteration;
    s.landscape = l;
  }
  return s;
}

TEST(LandscapeRefresh, OnlyForPointsInThePlane) {
  LandscapeRefresh r;
  SessionSnapshot images;
  images.dataShape = {1, 32, 32};
  EXPECT_FALSE(r.next(images, 0));
  const auto req = r.next(planeAt(3000), 0);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->res, 128);
  EXPECT_DOUBLE_EQ(req->lo, -1.5);
  EXPECT_DOUBLE_EQ(req->hi, 1.5);
}

TEST(LandscapeRefresh, EveryNIterationsAndAtMostEvery500Ms) {
  LandscapeRefresh r({64, -2, 2, 20, 500});
  ASSERT_TRUE(r.next(planeAt(3000), 0));
  EXPECT_FALSE(r.next(planeAt(3000), 100));       // none shown yet, but asked 100 ms ago
  EXPECT_TRUE(r.next(planeAt(3000), 600));        // still none shown: ask again
  EXPECT_FALSE(r.next(planeAt(3010, 3000), 2000));  // shown and only 10 iterations on
  EXPECT_TRUE(r.next(planeAt(3020, 3000), 2000));
  EXPECT_FALSE(r.next(planeAt(3100, 3000), 2200));  // due, but too soon
  const auto req = r.next(planeAt(3100, 3020), 2600);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->res, 64);
}

TEST(LandscapeRefresh, ANewModelAsksAgainButKeepsTheInterval) {
  LandscapeRefresh r;
  ASSERT_TRUE(r.next(planeAt(5000, 2000), 0));
  // A checkpoint at an earlier iteration: the request made at 5000 would hold it back.
  EXPECT_FALSE(r.next(planeAt(3000, 2000), 1000));
  r.reset();
  EXPECT_TRUE(r.next(planeAt(3000, 2000), 1000));
  r.reset();
  EXPECT_FALSE(r.next(planeAt(3000, 2000), 1200));  // within 500 ms of the last request
  EXPECT_TRUE(r.next(planeAt(3000, 2000), 1500));
}

TEST(LandscapeRefresh, AMovedViewAsksForItsSquareAtOnce) {
  LandscapeRefresh r;
  ASSERT_TRUE(r.next(planeAt(3000), 0));
  EXPECT_FALSE(r.next(planeAt(3000, 3000), 100));
  r.setRange(-0.5, 2.5);
  const auto req = r.next(planeAt(3000, 3000), 150);  // neither N iterations nor 500 ms on
  ASSERT_TRUE(req);
  EXPECT_DOUBLE_EQ(req->lo, -0.5);
  EXPECT_DOUBLE_EQ(req->hi, 2.5);
  EXPECT_FALSE(r.next(planeAt(3000, 3000), 160));  // asked once
  r.setRange(-0.5, 2.5);                           // the same square: nothing new to ask
  EXPECT_FALSE(r.next(planeAt(3000, 3000), 170));
  r.setRange(1, 1);                                // not a square: ignored
  r.setRange(0, std::nan(""));
  EXPECT_FALSE(r.next(planeAt(3000, 3000), 180));
  // Training keeps refreshing the moved square.
  const auto later = r.next(planeAt(3020, 3000), 2000);
  ASSERT_TRUE(later);
  EXPECT_DOUBLE_EQ(later->lo, -0.5);
  EXPECT_DOUBLE_EQ(later->hi, 2.5);
}

} // namespace

namespace {

TEST(LandscapeRefresh, ANewNoiseLevelAsksAtOnceAndANewModelForgetsIt) {
  LandscapeRefresh r({64, -2, 2, 20, 500});
  ASSERT_EQ(r.next(planeAt(3000), 0)->level, -1);  // the data energy by default
  EXPECT_FALSE(r.next(planeAt(3000, 3000), 100));
  r.setLevel(3);
  const auto req = r.next(planeAt(3000, 3000), 150);  // within 500 ms, no training: still asks
  ASSERT_TRUE(req);
  EXPECT_EQ(req->level, 3);
  r.setLevel(3);
  EXPECT_FALSE(r.next(planeAt(3000, 3000), 200));     // the same level asks nothing new
  r.reset();
  EXPECT_EQ(r.level(), -1);
}

} // namespace
