// Trajectory GIF export: one frame per snapshot, in step order, brought to one size, written with
// core's encoder; a bad path is reported, never thrown.
#include "trajectory_gif.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#ifndef EBM_TEST_TMP
#error "EBM_TEST_TMP must name a scratch directory"
#endif

namespace {

using ebm::GifFrame;
using ebm::Trace;
using ebm::TraceSnapshot;
using ebm::ui::TrajectoryGif;

std::string tmpPath(const std::string& name) {
  std::filesystem::create_directories(EBM_TEST_TMP);
  return std::string(EBM_TEST_TMP) + "/" + name;
}

Trace traceWithSnapshotsAt(const std::vector<int>& steps) {
  Trace t;
  t.chain = "x";
  for (int s : steps) {
    TraceSnapshot snap;
    snap.step = s;
    t.snapshots.push_back(snap);
  }
  return t;
}

/// A grey frame whose level is the step; the frame at step 4 comes out twice as large.
GifFrame frameAt(int step) {
  const int side = step == 4 ? 8 : 4;
  GifFrame f;
  f.width = f.height = side;
  f.rgb.assign(size_t(side) * side * 3, uint8_t(step * 10));
  return f;
}

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TrajectoryGif, OneFramePerSnapshotInStepOrderAtTheFirstFramesSize) {
  const Trace t = traceWithSnapshotsAt({0, 2, 4, 6});
  std::vector<int> asked;
  const auto frames = TrajectoryGif::frames(t, [&](int step) {
    asked.push_back(step);
    return frameAt(step);
  });
  EXPECT_EQ(asked, (std::vector<int>{0, 2, 4, 6}));
  ASSERT_EQ(frames.size(), 4u);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].width, 4);
    EXPECT_EQ(frames[i].height, 4);
    EXPECT_EQ(frames[i].rgb.size(), 4u * 4 * 3);
    EXPECT_EQ(frames[i].rgb.front(), uint8_t(asked[i] * 10));
  }
}

TEST(TrajectoryGif, WritesWhatCoresEncoderMakesOfTheFrames) {
  const Trace t = traceWithSnapshotsAt({0, 2, 4, 6, 8});
  const std::string path = tmpPath("trajectory.gif");
  const auto r = TrajectoryGif::write(path, t, frameAt);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.frames, 5);
  const auto bytes = readFile(path);
  ASSERT_GT(bytes.size(), 6u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 6), "GIF89a");
  EXPECT_EQ(bytes, ebm::encodeGif(TrajectoryGif::frames(t, frameAt), TrajectoryGif::kDelayCs));
}

TEST(TrajectoryGif, ABadPathOrAnEmptyTraceIsReportedNotThrown) {
  const Trace t = traceWithSnapshotsAt({0, 1});
  const auto bad = TrajectoryGif::write("/nonexistent-dir/t.gif", t, frameAt);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.error.find("nonexistent-dir"), std::string::npos) << bad.error;
  const auto empty = TrajectoryGif::write(tmpPath("empty.gif"), Trace{}, frameAt);
  EXPECT_FALSE(empty.ok);
  EXPECT_FALSE(empty.error.empty());
}

TEST(TrajectoryGif, FitFrameSamplesTheNearestPixel) {
  GifFrame f;
  f.width = 2;
  f.height = 1;
  f.rgb = {10, 10, 10, 200, 200, 200};
  const GifFrame big = ebm::ui::fitFrame(f, 4, 2);
  ASSERT_EQ(big.rgb.size(), 4u * 2 * 3);
  const std::vector<uint8_t> row{10, 10, 10, 10, 10, 10, 200, 200, 200, 200, 200, 200};
  EXPECT_EQ(std::vector<uint8_t>(big.rgb.begin(), big.rgb.begin() + 12), row);
  EXPECT_EQ(std::vector<uint8_t>(big.rgb.begin() + 12, big.rgb.end()), row);
}

TEST(TrajectoryGif, AppendReverseWalksBackWithoutRepeatingTheEnds) {
  std::vector<GifFrame> frames;
  for (int i = 0; i < 4; ++i)
    frames.push_back(frameAt(i));
  ebm::ui::appendReverse(frames);
  std::vector<int> levels;
  for (const auto& f : frames)
    levels.push_back(f.rgb.front() / 10);
  EXPECT_EQ(levels, (std::vector<int>{0, 1, 2, 3, 2, 1}));
  std::vector<GifFrame> two{frameAt(0), frameAt(1)};
  ebm::ui::appendReverse(two);
  EXPECT_EQ(two.size(), 2u);
}

} // namespace
