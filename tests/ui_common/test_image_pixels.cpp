// Chain states as pixels: [-1, 1] maps to [0, 255] (clamped), grey repeats in R, G and B.
#include "image_pixels.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(ImagePixels, GreyAndColourSamplesBecomeRgba) {
  const float grey[2] = {-1.0f, 2.0f};
  const auto g = ebm::ui::rgbaPixels(grey, 1, 1, 2);
  ASSERT_EQ(g.size(), 8u);
  EXPECT_EQ(g[0], 0);
  EXPECT_EQ(g[2], 0);
  EXPECT_EQ(g[3], 255);
  EXPECT_EQ(g[4], 255);
  const float rgb[3] = {1.0f, 0.0f, -1.0f};
  const auto c = ebm::ui::rgbaPixels(rgb, 3, 1, 1);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0], 255);
  EXPECT_EQ(c[1], 128);
  EXPECT_EQ(c[2], 0);
  EXPECT_TRUE(ebm::ui::rgbaPixels(rgb, 2, 1, 1).empty());
  EXPECT_EQ(ebm::ui::pixelByte(NAN), 0);
}

TEST(ImagePixels, ImageShapes) {
  EXPECT_TRUE(ebm::ui::isImageShape({1, 28, 28}));
  EXPECT_TRUE(ebm::ui::isImageShape({3, 32, 32}));
  EXPECT_FALSE(ebm::ui::isImageShape({2}));
  EXPECT_FALSE(ebm::ui::isImageShape({2, 8, 8}));
}

} // namespace
