#include "inpaint.h"

#include "methods/capabilities.h"
#include "methods/checkpoint.h"
#include "config.h"
#include "data/data_source.h"
#include "methods/dual_mcmc/dual_mcmc.h"
#include "errors.h"
#include "interpolate.h"
#include "tasks/inpainting.h"
#include "tasks/interpolation.h"
#include "test_helpers.h"
#include "sampling/langevin.h"
#include "masks.h"
#include "base/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace ebm {
namespace {

const std::string kFmnist =
    std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";

bool haveFmnist() { return std::filesystem::exists("/usr/share/datasets/fashion-mnist"); }

TEST(Masks, CentreAndSingleRandomBlocksHaveTheScaledSide) {
  for (int size : {28, 32, 64}) {
    for (int k : {20, 30, 40}) {
      const int side = blockSide(k, size);
      EXPECT_EQ(side, static_cast<int>(std::lround(k * size / 64.0)));
      const auto m = makeMask("M" + std::to_string(k), size, size, 1);
      EXPECT_EQ(m.missingCount(), side * side) << "M" << k << " at " << size;
      // Centred: the hole's first row and column leave equal margins (within a pixel).
      int top = size, left = size;
      for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
          if (!m.observed[y * size + x]) {
            top = std::min(top, y);
            left = std::min(left, x);
          }
      EXPECT_LE(std::abs(top - (size - side - top)), 1);
      EXPECT_LE(std::abs(left - (size - side - left)), 1);
      for (uint64_t seed = 0; seed < 20; ++seed) {
        const auto b = makeMask("B" + std::to_string(k), size, size, seed);
        EXPECT_EQ(b.missingCount(), side * side) << "B" << k << " seed " << seed;
      }
    }
  }
  EXPECT_EQ(blockSide(20, 32), 10);
  EXPECT_EQ(blockSide(40, 28), 18);
}

// The paper's A.3 R-masks: several blocks of round(8 H / 64) px at random positions, added until
// k % of the pixels are missing, so the fraction lies in [k %, k % + one block's share).
TEST(Masks, RandomMasksCoverTheirPercentageWithSeveralBlocks) {
  for (int size : {28, 32, 64}) {
    const int side = static_cast<int>(std::lround(8.0 * size / 64.0));
    EXPECT_EQ(randomBlockSide(size), side);
    const double blockShare = double(side * side) / double(size * size);
    for (int k : {20, 30, 40}) {
      for (uint64_t seed = 0; seed < 25; ++seed) {
        const auto r = makeMask("R" + std::to_string(k), size, size, seed);
        const double f = r.missingFraction();
        EXPECT_GE(f, k / 100.0) << "R" << k << " at " << size << " seed " << seed;
        EXPECT_LT(f, k / 100.0 + blockShare) << "R" << k << " at " << size << " seed " << seed;
      }
    }
  }
  // Every missing pixel belongs to a whole side x side block inside the image.
  const auto r = makeMask("R30", 32, 32, 5);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) {
      if (r.observed[y * 32 + x])
        continue;
      bool inBlock = false;
      for (int t = std::max(0, y - 3); t <= std::min(y, 28) && !inBlock; ++t)
        for (int l = std::max(0, x - 3); l <= std::min(x, 28) && !inBlock; ++l) {
          bool all = true;
          for (int dy = 0; dy < 4; ++dy)
            for (int dx = 0; dx < 4; ++dx)
              all = all && !r.observed[(t + dy) * 32 + l + dx];
          inBlock = all;
        }
      EXPECT_TRUE(inBlock) << "missing pixel (" << y << ", " << x << ") outside any 4x4 block";
    }
  EXPECT_EQ(makeMask("R100", 16, 16, 2).missingCount(), 256);
  EXPECT_THROW(makeMask("R101", 16, 16, 2), Error);
  EXPECT_THROW(makeMask("R0", 16, 16, 2), Error);
  EXPECT_THROW(makeMask("B65", 16, 16, 2), Error);
}

TEST(Masks, RandomMasksAndPixelDropAreSeeded) {
  for (const std::string kind : {"R20", "R30", "R40", "B30"}) {
    const auto a = makeMask(kind, 32, 32, 7), b = makeMask(kind, 32, 32, 7);
    EXPECT_EQ(a.observed, b.observed) << kind;
    int differ = 0;
    for (uint64_t s = 8; s < 16; ++s)
      differ += makeMask(kind, 32, 32, s).observed != a.observed;
    EXPECT_GE(differ, 7) << kind << ": other seeds give other masks";
  }
  const auto d = makeMask("drop50", 64, 64, 3);
  EXPECT_NEAR(d.missingFraction(), 0.5, 0.03);
  EXPECT_EQ(makeMask("drop0", 8, 8, 1).missingCount(), 0);
  EXPECT_EQ(makeMask("drop100", 8, 8, 1).missingCount(), 64);
  EXPECT_THROW(makeMask("Q20", 8, 8, 1), Error);
  EXPECT_THROW(makeMask("drop120", 8, 8, 1), Error);
  EXPECT_THROW(makeMask("M20", 0, 8, 1), Error);
  try {
    makeMask("X7", 8, 8, 1);
    ADD_FAILURE() << "X7 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'X7'"), std::string::npos) << e.what();
  }
  for (const auto& kind : maskPresetKinds())
    EXPECT_NO_THROW(makeMask(kind, 28, 28, 1)) << kind;
}

// Masked z-Langevin: hidden pixels do not enter the likelihood, so changing them leaves the
// chain unchanged for the same seed.
TEST(Inpaint, MaskedZLangevinIgnoresHiddenPixels) {
  NetConfig mc;
  mc.family = "conv";
  mc.imageSize = 32;
  mc.channels = 1;
  mc.nz = 8;
  mc.genWidth = 8;
  mc.genTanh = true;
  torch::manual_seed(3);
  auto G = makeGeneratorNet(mc);
  G->train();
  auto gen0 = makeGenerator(torch::kCPU, 5);
  auto x = torch::rand({4, 1, 32, 32}, gen0) * 2 - 1;
  const auto mask = torch::from_blob(makeMask("M30", 32, 32, 1).observed.data(), {1, 1, 32, 32},
                                     torch::kUInt8).to(torch::kFloat);
  auto x2 = x.clone();
  x2.mul_(mask).add_((1 - mask) * 0.77);  // other values in the hole only
  auto z0 = torch::randn({4, 8, 1, 1}, gen0);
  LangevinZConfig zc;
  zc.steps = 12;
  auto run = [&](const torch::Tensor& data, const torch::Tensor& m) {
    auto g = makeGenerator(torch::kCPU, 11);
    ChainControl c;
    c.gen = &g;
    return langevinZ(*G, data, z0, zc, c, m);
  };
  EXPECT_TRUE(torch::equal(run(x, mask), run(x2, mask)));
  EXPECT_FALSE(torch::equal(run(x, {}), run(x2, {})));  // without the mask they differ
}

class ShippedModel : public ::testing::Test {
protected:
  void SetUp() override {
    if (!haveFmnist())
      GTEST_SKIP() << "Fashion-MNIST is not installed";
    configureThreads(2);
    auto opened = openCheckpoint(kFmnist, "cpu");
    info = opened.info;
    model = std::move(opened.method);
    auto g = makeGenerator(torch::kCPU, 0);
    const auto x = makeDataSource(info.config.data, info.config.model)->heldOut(24, g).contiguous();
    images.assign(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
    shape = {x.size(1), x.size(2), x.size(3)};
  }
  CheckpointInfo info;
  std::unique_ptr<TrainingMethod> model;
  std::vector<float> images;
  std::vector<int64_t> shape;
};

TEST_F(ShippedModel, ObservedPixelsStayExactlyTheData) {
  const int n = 4;
  std::vector<float> few(images.begin(), images.begin() + n * 32 * 32);
  std::vector<Mask> masks;
  for (int i = 0; i < n; ++i)
    masks.push_back(makeMask("R30", 32, 32, i));
  InpaintSettings s;
  s.zSteps = 5;
  s.xSteps = 10;
  s.xStepSize = 2.0;  // large moves, so that leaks would show
  s.chains = 2;
  const auto r = inpaint(*model, info.config, few, shape, masks, s);
  ASSERT_EQ(r.stages.size(), 3u);
  for (const auto& stage : r.stages) {
    ASSERT_EQ(stage.images.size(), size_t(n * 2 * 32 * 32));
    int changedHole = 0;
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < 2; ++c)
        for (int p = 0; p < 32 * 32; ++p) {
          const float got = stage.images[size_t((i * 2 + c) * 1024 + p)];
          const float want = few[size_t(i * 1024 + p)];
          if (masks[i].observed[p])
            ASSERT_EQ(got, want) << stage.name << " image " << i << " pixel " << p;
          else
            changedHole += got != want;
        }
    EXPECT_GT(changedHole, 0) << stage.name;
  }
  // The x-stage moved the hole (not only the z-stage).
  EXPECT_NE(r.stages[1].images, r.stages[2].images);
  ASSERT_EQ(r.stdMap.size(), size_t(n * 32 * 32));
  for (int i = 0; i < n; ++i)
    for (int p = 0; p < 1024; ++p)
      if (masks[i].observed[p])
        EXPECT_EQ(r.stdMap[size_t(i * 1024 + p)], 0.0f);
}

// The paper's inpainting claim (A.3): revising the inferred latent with masked z-Langevin
// recovers the hole better than the inference model alone.
TEST_F(ShippedModel, MaskedZLangevinBeatsInferenceAloneInTheHole) {
  std::vector<Mask> masks;
  const int n = 24;
  for (const char* kind : {"M20", "M30", "M40"}) {
    masks.assign(n, makeMask(kind, 32, 32, 1));
    InpaintSettings s;
    s.zSteps = 60;
    s.xSteps = 0;
    s.seed = 3;
    const auto r = inpaint(*model, info.config, images, shape, masks, s);
    EXPECT_GT(r.stages[1].scores.psnrHole, r.stages[0].scores.psnrHole + 0.3)
        << kind << ": " << r.stages[0].scores.psnrHole << " -> " << r.stages[1].scores.psnrHole;
    EXPECT_FALSE(r.zCurvePsnrHole.empty());
  }
}

TEST_F(ShippedModel, InterpolationPathsAreLinearOrSpherical) {
  InterpolationSettings s;
  s.points = 7;
  s.xSteps = 3;
  const auto lin = interpolate(*model, info.config, s);
  ASSERT_EQ(lin.latents.size(), size_t(7 * lin.nz));
  ASSERT_EQ(lin.decoded.size(), size_t(7 * 32 * 32));
  ASSERT_EQ(lin.revised.size(), lin.decoded.size());
  ASSERT_EQ(lin.profileEnergy.size(), size_t(s.profilePoints));
  for (int d = 0; d < lin.nz; ++d) {
    const float a = lin.latents[d], b = lin.latents[6 * lin.nz + d];
    EXPECT_NEAR(lin.latents[3 * lin.nz + d], 0.5f * (a + b), 1e-5);
  }
  for (double e : lin.profileEnergy)
    EXPECT_TRUE(std::isfinite(e));
  s.spherical = true;
  const auto sph = interpolate(*model, info.config, s);
  auto norm = [&](const InterpolationResult& r, int i) {
    double n2 = 0;
    for (int d = 0; d < r.nz; ++d)
      n2 += double(r.latents[i * r.nz + d]) * r.latents[i * r.nz + d];
    return std::sqrt(n2);
  };
  // Same seed, same ends; slerp between two prior draws keeps the norm near theirs, while the
  // straight line dips towards the origin in the middle.
  EXPECT_NEAR(norm(sph, 0), norm(lin, 0), 1e-5);
  EXPECT_GT(norm(sph, 3), norm(lin, 3));
  // The strip is decoded independently of its batch (running statistics): its first image is
  // the profile's first point.
  EXPECT_NEAR(lin.energyDecoded.front(), lin.profileEnergy.front(), 1e-4);
}

TEST_F(ShippedModel, InterpolationBetweenTwoImagesStartsFromTheirLatents) {
  InterpolationSettings s;
  s.ends = "data";
  s.imageA.assign(images.begin(), images.begin() + 1024);
  s.imageB.assign(images.begin() + 1024, images.begin() + 2048);
  s.zSteps = 10;
  s.points = 5;
  const auto r = interpolate(*model, info.config, s);
  ASSERT_EQ(r.ends.size(), 2048u);
  ASSERT_EQ(r.endRecons.size(), 2048u);
  s.imageB.resize(10);
  EXPECT_THROW(interpolate(*model, info.config, s), Error);
}

// The strip between two images starts and ends at the reconstructions shown beside it, in
// either BatchNorm mode, and with running statistics the latents were refined in that mode too.
TEST_F(ShippedModel, InterpolationStripEndsAreTheEndReconstructions) {
  InterpolationSettings s;
  s.ends = "data";
  s.imageA.assign(images.begin() + 2048, images.begin() + 3072);
  s.imageB.assign(images.begin() + 3072, images.begin() + 4096);
  s.zSteps = 10;
  s.points = 6;
  s.seed = 4;
  const int64_t per = 32 * 32;
  for (bool eval : {true, false}) {
    s.generatorEval = eval;
    const auto r = interpolate(*model, info.config, s);
    ASSERT_EQ(r.decoded.size(), size_t(6 * per));
    ASSERT_EQ(r.endRecons.size(), size_t(2 * per));
    for (int64_t i = 0; i < per; ++i) {
      ASSERT_NEAR(r.decoded[i], r.endRecons[i], 1e-6) << "eval " << eval << " first, pixel " << i;
      ASSERT_NEAR(r.decoded[5 * per + i], r.endRecons[per + i], 1e-6)
          << "eval " << eval << " last, pixel " << i;
    }
  }
  // Running statistics throughout: the same chain, run here with G in eval mode, decoded.
  s.generatorEval = true;
  const auto r = interpolate(*model, info.config, s);
  Generator& G = requireLatent(*model, "the test").decoder();
  G.eval();
  std::vector<float> both(s.imageA);
  both.insert(both.end(), s.imageB.begin(), s.imageB.end());
  const auto x = torch::from_blob(both.data(), {2, 1, 32, 32}, torch::kFloat).clone();
  torch::Tensor mu;
  {
    torch::NoGradGuard noGrad;
    mu = requireLatent(*model, "the test").encoder().forward(x).mu;
  }
  LangevinZConfig zc = test::dual(info.config).z;
  zc.steps = s.zSteps;
  auto gen = makeGenerator(torch::kCPU, s.seed);
  ChainControl c;
  c.gen = &gen;
  const auto z = langevinZ(G, x, mu, zc, c);
  torch::Tensor expected;
  {
    torch::NoGradGuard noGrad;
    expected = G.forward(z).contiguous();
  }
  G.train();
  ASSERT_EQ(expected.numel(), int64_t(r.endRecons.size()));
  const auto got = torch::from_blob(const_cast<float*>(r.endRecons.data()), expected.sizes(),
                                    torch::kFloat);
  EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5);
}

} // namespace
} // namespace ebm
