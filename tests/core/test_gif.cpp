#include "gif.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <stb_image.h>

#include <cmath>
#include <cstdlib>
#include <random>

namespace {

ebm::GifFrame frame(int w, int h, uint32_t seed, bool grey) {
  ebm::GifFrame f;
  f.width = w;
  f.height = h;
  f.rgb.resize(size_t(w) * h * 3);
  std::mt19937 rng(seed);
  for (size_t i = 0; i < f.rgb.size(); i += 3) {
    const auto v = static_cast<uint8_t>(rng() & 0xFF);
    f.rgb[i] = v;
    f.rgb[i + 1] = grey ? v : static_cast<uint8_t>(rng() & 0xFF);
    f.rgb[i + 2] = grey ? v : static_cast<uint8_t>(rng() & 0xFF);
  }
  return f;
}

struct Decoded {
  int w = 0, h = 0, frames = 0;
  std::vector<uint8_t> rgba;
};

Decoded decode(const std::vector<uint8_t>& bytes) {
  Decoded d;
  int* delays = nullptr;
  int comp = 0;
  stbi_uc* px = stbi_load_gif_from_memory(bytes.data(), static_cast<int>(bytes.size()), &delays,
                                          &d.w, &d.h, &d.frames, &comp, 4);
  if (px) {
    d.rgba.assign(px, px + size_t(d.w) * d.h * d.frames * 4);
    stbi_image_free(px);
    stbi_image_free(delays);
  }
  return d;
}

// Random noise defeats LZW's dictionary, so large frames exercise the table resets.
TEST(Gif, GreyFramesDecodeExactly) {
  std::vector<ebm::GifFrame> frames{frame(97, 61, 1, true), frame(97, 61, 2, true),
                                    frame(97, 61, 3, true)};
  const auto d = decode(ebm::encodeGif(frames, 10));
  ASSERT_EQ(d.frames, 3);
  ASSERT_EQ(d.w, 97);
  ASSERT_EQ(d.h, 61);
  for (int f = 0; f < 3; ++f)
    for (size_t i = 0; i < size_t(97) * 61; ++i)
      ASSERT_EQ(d.rgba[(f * 97 * 61 + i) * 4], frames[f].rgb[i * 3]) << "frame " << f << " px " << i;
}

TEST(Gif, ColourFramesAreCloseToTheInput) {
  std::vector<ebm::GifFrame> frames{frame(300, 200, 4, false)};
  const auto d = decode(ebm::encodeGif(frames, 5));
  ASSERT_EQ(d.frames, 1);
  double worst = 0;
  for (size_t i = 0; i < size_t(300) * 200; ++i) {
    double d2 = 0;
    for (int c = 0; c < 3; ++c) {
      const double e = double(d.rgba[i * 4 + c]) - frames[0].rgb[i * 3 + c];
      d2 += e * e;
    }
    worst = std::max(worst, std::sqrt(d2));
  }
  // Never worse than the nearest entry of the 6-level cube: half a step (25.5) per channel.
  EXPECT_LE(worst, std::sqrt(3.0) * 25.5 + 1e-9);
}

TEST(Gif, RejectsInconsistentFrames) {
  EXPECT_THROW(ebm::encodeGif({}, 5), ebm::Error);
  EXPECT_THROW(ebm::encodeGif({frame(4, 4, 1, true), frame(5, 4, 1, true)}, 5), ebm::Error);
  EXPECT_THROW(ebm::writeGif("/nonexistent-dir/x.gif", {frame(4, 4, 1, true)}, 5), ebm::Error);
}

} // namespace
