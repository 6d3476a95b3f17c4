// The shared landscape renderer draws what it is given: low energy in viridis yellow, high in
// purple, chains as red discs where their states are, nothing outside its viewport; image
// textures map [-1, 1] to grey levels and show NaN as magenta.
#include "image_texture.h"
#include "landscape_renderer.h"
#include "render_target.h"

#include <epoxy/gl.h>
// GLFW after epoxy, and without a GL header of its own.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <memory>
#include <set>
#include <vector>

namespace {

using ebm::gl::LandscapeRenderer;

/// A hidden 3.3 core window whose context is current for the whole suite. GLFW is started once
/// a process and never terminated: a second glfwInit after glfwTerminate fails now and then on
/// X11, and terminating unloads Mesa's driver, whose allocations then reach LeakSanitizer
/// without a module name that scripts/sanitizers/lsan.supp could match.
class GlContext : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    static const bool started = glfwInit() == GLFW_TRUE;
    if (!started)
      return;
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    window = glfwCreateWindow(64, 64, "ebm_gl_tests", nullptr, nullptr);
    if (window)
      glfwMakeContextCurrent(window);
  }
  static void TearDownTestSuite() {
    if (window)
      glfwDestroyWindow(window);
    window = nullptr;
  }
  void SetUp() override { ASSERT_NE(window, nullptr) << "no GL window (run under xvfb-run)"; }
  void TearDown() override {
    if (target)
      target->unbind();
    renderer.reset();
    target.reset();
  }
  /// A renderer that compiled, and a kSize x kSize target bound and cleared to black.
  void startDrawing() {
    renderer = std::make_unique<LandscapeRenderer>();
    ASSERT_EQ(renderer->error(), "");
    target = std::make_unique<ebm::gl::RenderTarget>();
    target->resize(kSize, kSize);
    target->bind();
    LandscapeRenderer::clear(0, 0, 0);
  }
  static constexpr int kSize = 200;
  static inline GLFWwindow* window = nullptr;
  std::unique_ptr<LandscapeRenderer> renderer;
  std::unique_ptr<ebm::gl::RenderTarget> target;
};

using Rgba = std::array<uint8_t, 4>;

/// The pixel at (x, y) of the bound framebuffer, y counted from the top of an h-pixel target.
Rgba pixelAt(int x, int y, int h) {
  Rgba p{};
  glReadPixels(x, h - 1 - y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, p.data());
  return p;
}

/// A 64 x 64 landscape over [-1, 1]^2 whose energy rises from left (low) to right (high).
std::shared_ptr<ebm::Landscape> rampLandscape() {
  auto l = std::make_shared<ebm::Landscape>();
  l->res = 64;
  l->lo = -1;
  l->hi = 1;
  l->energy.resize(64 * 64);
  for (int r = 0; r < 64; ++r)
    for (int c = 0; c < 64; ++c)
      l->energy[size_t(r * 64 + c)] = float(c) / 63.0f;
  return l;
}

TEST_F(GlContext, HeatmapRunsFromYellowAtLowEnergyToPurpleAtHigh) {
  ASSERT_NO_FATAL_FAILURE(startDrawing());
  renderer->setLandscape(rampLandscape());
  LandscapeRenderer::Scene scene;
  scene.view = {-1, 1, -1, 1};
  scene.range = {0, 1};
  renderer->draw(scene, 0, 0, kSize, kSize);
  const Rgba left = pixelAt(5, 100, 200), right = pixelAt(194, 100, 200);
  EXPECT_GT(left[0], 200) << "low energy is viridis yellow";
  EXPECT_GT(left[1], 200);
  EXPECT_LT(left[2], 90);
  EXPECT_LT(right[1], 40) << "high energy is viridis purple";
  EXPECT_GT(right[2], 60);
  std::set<uint32_t> colours;
  for (int x = 0; x < 200; x += 2) {
    const Rgba p = pixelAt(x, 100, 200);
    colours.insert(uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2]);
  }
  EXPECT_GT(colours.size(), 50u) << "a continuous colour ramp";
}

TEST_F(GlContext, ChainsAreDrawnWhereTheirStatesAreAndOnlyInsideTheViewport) {
  ASSERT_NO_FATAL_FAILURE(startDrawing());
  auto trace = std::make_shared<ebm::Trace>();
  trace->chains = 1;
  trace->stateShape = {2};
  ebm::TraceSnapshot s0, s1;
  s0.state = {-0.5f, -0.5f};
  s1.state = {0.5f, 0.5f};
  s1.step = 1;
  trace->snapshots = {s0, s1};
  LandscapeRenderer::Scene scene;
  scene.view = {-1, 1, -1, 1};
  scene.trace = trace;
  renderer->draw(scene, 0, 0, 100, 100);  // the bottom-left quarter only
  // (0.5, 0.5) in a 100-pixel viewport at the bottom left: 75 pixels from the left and from
  // the bottom.
  const Rgba chain = pixelAt(75, 199 - 75, 200);
  EXPECT_GT(chain[0], 180) << "a red disc at the chain's last state";
  EXPECT_LT(chain[1], 120);
  const Rgba outside = pixelAt(150, 50, 200);
  EXPECT_EQ(outside[0] + outside[1] + outside[2], 0) << "nothing drawn outside the viewport";
  scene.cursorStep = 0;  // back to the start: the disc moves to (-0.5, -0.5)
  renderer->draw(scene, 0, 0, 100, 100);
  EXPECT_GT(pixelAt(25, 199 - 25, 200)[0], 180);
  EXPECT_LT(pixelAt(75, 199 - 75, 200)[0], 180) << "and is no longer at the last state";
}

TEST(ImageRgba, MapsMinusOneToBlackOneToWhiteAndNanToMagenta) {
  const std::vector<float> grey{-1.0f, 0.0f, 1.0f, std::nanf("")};
  const auto rgba = ebm::gl::imageRgba(grey.data(), 1, 2, 2);
  ASSERT_EQ(rgba.size(), 16u);
  EXPECT_EQ(rgba[0], 0);
  EXPECT_EQ(rgba[4], 128);
  EXPECT_EQ(rgba[8], 255);
  EXPECT_EQ(rgba[12], 255);
  EXPECT_EQ(rgba[13], 0);
  EXPECT_EQ(rgba[14], 255);
  EXPECT_EQ(rgba[15], 255);
  const auto colour = ebm::gl::imageRgba(std::vector<float>{1, 1, -1, -1, -1, -1}.data(), 3, 1, 2);
  EXPECT_EQ(colour[0], 255);
  EXPECT_EQ(colour[1], 0);
  EXPECT_EQ(colour[2], 0);
}

TEST_F(GlContext, ImageTextureHoldsTheImage) {
  ebm::gl::ImageTexture texture;
  const std::vector<float> img(3 * 4 * 5, 0.5f);
  texture.upload(img.data(), 3, 4, 5);
  EXPECT_NE(texture.id(), 0u);
  EXPECT_EQ(texture.width(), 5);
  EXPECT_EQ(texture.height(), 4);
}

} // namespace
