// Chain states as pixels: [-1, 1] maps to [0, 255] (clamped); image shapes.
#include "image_pixels.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(ImagePixels, ValuesInMinusOneToOneBecomeBytes) {
  EXPECT_EQ(ebm::ui::pixelByte(-1.0f), 0);
  EXPECT_EQ(ebm::ui::pixelByte(0.0f), 128);
  EXPECT_EQ(ebm::ui::pixelByte(1.0f), 255);
  EXPECT_EQ(ebm::ui::pixelByte(2.0f), 255);
  EXPECT_EQ(ebm::ui::pixelByte(NAN), 0);
}

TEST(ImagePixels, ImageShapes) {
  EXPECT_TRUE(ebm::ui::isImageShape({1, 28, 28}));
  EXPECT_TRUE(ebm::ui::isImageShape({3, 32, 32}));
  EXPECT_FALSE(ebm::ui::isImageShape({2}));
  EXPECT_FALSE(ebm::ui::isImageShape({2, 8, 8}));
}

} // namespace
