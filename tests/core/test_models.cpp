#include "methods/dual_mcmc/dual_mcmc.h"
#include "models/models.h"
#include "models/spectral_norm.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

namespace ebm {
namespace {

/// The networks a preset's Dual-MCMC builds.
NetConfig nets(const RunConfig& cfg) { return netConfig(cfg.model, dualMcmcSettings(cfg).model); }

double topSingularValue(const torch::Tensor& w) {
  const auto m = w.reshape({w.size(0), -1}).to(torch::kDouble);
  return torch::linalg_svdvals(m).max().item<double>();
}

TEST(SpectralNorm, LinearTopSingularValueIsOne) {
  torch::manual_seed(1);
  SnLinear layer(SnLinearOptions(30, 20));
  {
    torch::NoGradGuard g;
    layer->weight.normal_(0.0, 3.0);  // far from unit norm
  }
  layer->train();
  const auto x = torch::randn({4, 30});
  for (int i = 0; i < 60; ++i)
    layer->forward(x);
  EXPECT_NEAR(topSingularValue(layer->effectiveWeight()), 1.0, 1e-3);
}

TEST(SpectralNorm, OneSidedOnlyShrinks) {
  // DRL's one-sided variant (METHODS §2.6, §4.7 item 2): a small weight passes unchanged, a large
  // one is scaled to unit spectral norm.
  torch::manual_seed(2);
  SnConv2d small(SnConv2dOptions(4, 4, 3).padding(1).one_sided(true));
  SnConv2d large(SnConv2dOptions(4, 4, 3).padding(1).one_sided(true));
  {
    torch::NoGradGuard g;
    small->weight.normal_(0.0, 1e-3);
    large->weight.normal_(0.0, 3.0);
  }
  const auto x = torch::randn({2, 4, 5, 5});
  for (int i = 0; i < 60; ++i) {
    small->forward(x);
    large->forward(x);
  }
  EXPECT_TRUE(torch::equal(small->effectiveWeight(), small->weight));
  EXPECT_NEAR(topSingularValue(large->effectiveWeight().reshape({4, -1})), 1.0, 1e-3);
}

TEST(SpectralNorm, ConvTopSingularValueIsOneAndEvalModeFreezesVectors) {
  torch::manual_seed(2);
  SnConv2d conv(SnConv2dOptions(3, 8, 3).padding(1));
  conv->train();
  const auto x = torch::randn({2, 3, 8, 8});
  for (int i = 0; i < 60; ++i)
    conv->forward(x);
  EXPECT_NEAR(topSingularValue(conv->effectiveWeight()), 1.0, 1e-3);

  const auto u = conv->named_buffers()["weight_u"].clone();
  conv->eval();
  conv->forward(x);
  EXPECT_TRUE(torch::equal(u, conv->named_buffers()["weight_u"]));
  conv->train();
  conv->forward(x);
  EXPECT_FALSE(torch::equal(u, conv->named_buffers()["weight_u"]));
}

TEST(SpectralNorm, NamesFollowPyTorch) {
  SnLinear layer(SnLinearOptions(3, 2));
  const auto params = layer->named_parameters();
  EXPECT_NE(params.find("weight_orig"), nullptr);
  EXPECT_NE(layer->named_buffers().find("weight_u"), nullptr);
  SnLinear plain(SnLinearOptions(3, 2).spectral_norm(false));
  EXPECT_NE(plain->named_parameters().find("weight"), nullptr);
  EXPECT_EQ(plain->named_buffers().size(), 0u);
}

struct Family {
  std::string family;
  int imageSize;
  int channels;
};

class ModelShapes : public ::testing::TestWithParam<Family> {};

TEST_P(ModelShapes, ForwardShapesMatchTheContract) {
  NetConfig c;
  c.family = GetParam().family;
  c.imageSize = GetParam().imageSize;
  c.channels = GetParam().channels;
  c.nz = 8;
  c.ebmWidth = c.genWidth = c.infWidth = 8;
  c.genTanh = c.family == "conv";
  auto E = makeEnergyNet(c);
  auto G = makeGeneratorNet(c);
  auto I = makeInferenceNet(c);
  auto shape = dataShape(c);
  shape.insert(shape.begin(), 5);
  const auto x = torch::randn(shape);
  EXPECT_EQ(E->forward(x).sizes(), torch::IntArrayRef({5}));
  const auto z = torch::randn({5, 8, 1, 1});
  EXPECT_EQ(G->forward(z).sizes(), x.sizes());
  const auto q = I->forward(x);
  EXPECT_EQ(q.mu.sizes(), torch::IntArrayRef({5, 8, 1, 1}));
  EXPECT_EQ(q.logvar.sizes(), torch::IntArrayRef({5, 8, 1, 1}));
  if (c.genTanh)
    EXPECT_LE(G->forward(z * 100).abs().max().item<double>(), 1.0);
}

INSTANTIATE_TEST_SUITE_P(Families, ModelShapes,
                         ::testing::Values(Family{"mlp", 0, 0}, Family{"conv", 32, 1},
                                           Family{"conv", 28, 1}, Family{"conv", 32, 3}));

TEST(Models, WrongInputShapeGivesAMessageWithTheSizes) {
  NetConfig c;
  auto E = makeEnergyNet(c);
  try {
    E->forward(torch::randn({4, 3}));
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("[4, 3]"), std::string::npos) << e.what();
  }
}

TEST(Models, ReferenceInitDrawsBatchNormGainsFromStandardNormal) {
  torch::manual_seed(4);
  NetConfig c;
  c.family = "conv";
  c.genWidth = 64;
  auto G = makeGeneratorNet(c);
  applyReferenceInit(*G);
  std::vector<torch::Tensor> gains;
  for (const auto& p : G->named_parameters())
    if (p.key().find("bn") != std::string::npos && p.key().find("weight") != std::string::npos)
      gains.push_back(p.value().flatten());
  ASSERT_FALSE(gains.empty());
  const auto all = torch::cat(gains);
  EXPECT_NEAR(all.mean().item<double>(), 0.0, 0.15);
  EXPECT_NEAR(all.std().item<double>(), 1.0, 0.15);
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(Models, HandWrittenEnergyGradientMatchesAutograd) {
  torch::manual_seed(9);
  NetConfig c;  // the MLP family overrides energyAndGrad
  auto a = makeEnergyNet(c);
  auto b = makeEnergyNet(c);
  {
    torch::NoGradGuard g;
    auto pa = a->named_parameters(), pb = b->named_parameters();
    for (auto& kv : pa)
      pb[kv.key()].copy_(kv.value());
    auto ba = a->named_buffers(), bb = b->named_buffers();
    for (auto& kv : ba)
      bb[kv.key()].copy_(kv.value());
  }
  const auto x = torch::randn({64, 2});
  torch::Tensor gradFast, gradAuto;
  const auto eFast = a->energyAndGrad(x, gradFast);           // hand-written backward
  const auto eAuto = b->EnergyNet::energyAndGrad(x, gradAuto);  // autograd
  EXPECT_TRUE(torch::allclose(eFast, eAuto, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(gradFast, gradAuto, 1e-4, 1e-6))
      << (gradFast - gradAuto).abs().max().item<double>();
  // Both advanced the spectral-norm power iteration identically.
  auto ba = a->named_buffers(), bb = b->named_buffers();
  for (auto& kv : ba)
    EXPECT_TRUE(torch::allclose(kv.value(), bb[kv.key()], 1e-6, 1e-7)) << kv.key();
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(Models, HandWrittenGeneratorVjpMatchesAutogradIncludingBatchNormState) {
  torch::manual_seed(10);
  NetConfig c;
  c.genTanh = true;
  auto a = makeGeneratorNet(c);
  auto b = makeGeneratorNet(c);
  applyReferenceInit(*a);
  {
    torch::NoGradGuard g;
    auto pb = b->named_parameters();
    for (auto& kv : a->named_parameters())
      pb[kv.key()].copy_(kv.value());
  }
  const auto z = torch::randn({32, c.nz, 1, 1});
  const auto target = torch::randn({32, 2}) * 0.5;
  auto outGrad = [&](const torch::Tensor& out) { return (out - target) * 3.0; };
  torch::Tensor dzFast, dzAuto;
  const auto outFast = a->forwardAndVjp(z, outGrad, dzFast);
  const auto outAuto = b->Generator::forwardAndVjp(z, outGrad, dzAuto);
  EXPECT_TRUE(torch::allclose(outFast, outAuto, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(dzFast, dzAuto, 1e-4, 1e-6))
      << (dzFast - dzAuto).abs().max().item<double>();
  auto bb = b->named_buffers();
  for (auto& kv : a->named_buffers())
    EXPECT_TRUE(torch::allclose(kv.value().to(torch::kDouble), bb[kv.key()].to(torch::kDouble),
                                1e-5, 1e-6))
        << kv.key();
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(Models, PaperCifar10NetworksHaveThePapersParameterCounts) {
  const RunConfig cfg = RunConfig::fromPreset("paper-cifar10");
  const double e = static_cast<double>(parameterCount(*makeEnergyNet(nets(cfg))));
  const double g = static_cast<double>(parameterCount(*makeGeneratorNet(nets(cfg))));
  const double i = static_cast<double>(parameterCount(*makeInferenceNet(nets(cfg))));
  EXPECT_NEAR(e / 1e6, 16.79, 0.01);  // METHODS §1.3
  EXPECT_NEAR(g / 1e6, 16.0, 0.05);
  EXPECT_NEAR(i / 1e6, 15.2, 0.05);
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

// METHODS §1.3, counted by hand (every conv of E is bias-free; G's convs and linear have biases,
// its BatchNorms a gain and a bias; I's convs are bias-free except the two heads):
// E: Start(3->64) 1728 + 36864 + 192; Block(64->128) 73728 + 147456 + 8192; Block(128->256)
//    294912 + 589824 + 32768; Block(256->512) 1179648 + 2359296 + 131072; Block(512->1024)
//    4718592 + 9437184 + 524288; Linear(1024->1) 1024.
// G: Linear(128 -> 16384) 2113536; GenBlocks 1024->512 7606784, 512->256 1902848,
//    256->128 476288, 128->64 119360; BN(64) 128; conv3x3(64->3) 1731.
// I: 4x4 convs 3->128 6144, 128->256 524288, 256->512 2097152, 512->1024 8388608; two heads
//    4x4 1024->128 with bias 2097280 each.
constexpr int64_t kCelebaEbmParams = 19536768;
constexpr int64_t kCelebaGenParams = 12220675;
constexpr int64_t kCelebaInfParams = 15210752;

TEST(Models, PaperCelebA64NetworksMatchTheLayerList) {
  torch::manual_seed(5);
  const RunConfig cfg = RunConfig::fromPreset("paper-celeba64");
  auto E = makeEnergyNet(nets(cfg));
  auto G = makeGeneratorNet(nets(cfg));
  auto I = makeInferenceNet(nets(cfg));
  EXPECT_EQ(parameterCount(*E), kCelebaEbmParams);
  EXPECT_EQ(parameterCount(*G), kCelebaGenParams);
  EXPECT_EQ(parameterCount(*I), kCelebaInfParams);
  EXPECT_NEAR(kCelebaEbmParams / 1e6, 19.5, 0.05);  // METHODS' rounded figures
  EXPECT_NEAR(kCelebaGenParams / 1e6, 12.2, 0.05);

  // The widths level by level, with the reference's (PyTorch) parameter names.
  const auto shapeOf = [](torch::nn::Module& m, const std::string& name) {
    const auto params = m.named_parameters();  // find() points into this dict: keep it alive
    const auto* p = params.find(name);
    return p ? p->sizes().vec() : std::vector<int64_t>{};
  };
  using Shape = std::vector<int64_t>;
  EXPECT_EQ(shapeOf(*E, "start.c1.weight_orig"), (Shape{64, 3, 3, 3}));
  EXPECT_EQ(shapeOf(*E, "b1.sc.weight_orig"), (Shape{128, 64, 1, 1}));
  EXPECT_EQ(shapeOf(*E, "b4.c2.weight_orig"), (Shape{1024, 1024, 3, 3}));
  EXPECT_EQ(shapeOf(*E, "fc.weight_orig"), (Shape{1, 1024}));
  EXPECT_EQ(shapeOf(*G, "fc.weight"), (Shape{4 * 4 * 1024, 128}));
  EXPECT_EQ(shapeOf(*G, "g1.c1.weight"), (Shape{512, 1024, 3, 3}));
  EXPECT_EQ(shapeOf(*G, "g4.sc.weight"), (Shape{64, 128, 1, 1}));
  EXPECT_EQ(shapeOf(*G, "out.weight"), (Shape{3, 64, 3, 3}));
  EXPECT_EQ(shapeOf(*I, "c1.weight"), (Shape{128, 3, 4, 4}));
  EXPECT_EQ(shapeOf(*I, "c4.weight"), (Shape{1024, 512, 4, 4}));
  EXPECT_EQ(shapeOf(*I, "mu.weight"), (Shape{128, 1024, 4, 4}));

  const auto x = torch::rand({2, 3, 64, 64}) * 2 - 1;
  const auto z = torch::randn({2, 128, 1, 1});
  EXPECT_EQ(E->forward(x).sizes(), torch::IntArrayRef({2}));
  const auto g = G->forward(z);
  EXPECT_EQ(g.sizes(), torch::IntArrayRef({2, 3, 64, 64}));
  EXPECT_LE(g.abs().max().item<double>(), 1.0);
  const auto q = I->forward(x);
  EXPECT_EQ(q.mu.sizes(), torch::IntArrayRef({2, 128, 1, 1}));
  EXPECT_EQ(q.logvar.sizes(), torch::IntArrayRef({2, 128, 1, 1}));
}

TEST(Models, SixtyFourPixelTopologyScalesWithTheWidth) {
  NetConfig c;
  c.family = "conv";
  c.imageSize = 64;
  c.channels = 1;
  c.nz = 4;
  c.ebmWidth = c.genWidth = 16;  // levels 1, 2, 4, 8, 16
  c.infWidth = 2;
  c.genTanh = true;
  auto E = makeEnergyNet(c);
  auto G = makeGeneratorNet(c);
  auto I = makeInferenceNet(c);
  const auto x = torch::randn({3, 1, 64, 64});
  EXPECT_EQ(E->forward(x).sizes(), torch::IntArrayRef({3}));
  EXPECT_EQ(G->forward(torch::randn({3, 4, 1, 1})).sizes(), x.sizes());
  EXPECT_EQ(I->forward(x).mu.sizes(), torch::IntArrayRef({3, 4, 1, 1}));
  c.ebmWidth = 24;
  EXPECT_THROW(makeEnergyNet(c), c10::Error);
}

} // namespace
} // namespace ebm
