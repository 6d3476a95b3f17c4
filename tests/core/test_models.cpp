#include "models.h"
#include "spectral_norm.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

namespace ebm {
namespace {

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
  ModelConfig c;
  c.family = GetParam().family;
  c.imageSize = GetParam().imageSize;
  c.channels = GetParam().channels;
  c.nz = 8;
  c.ebmWidth = c.genWidth = c.infWidth = 8;
  c.genTanh = c.family == "conv";
  auto E = makeEnergyNet(c);
  auto G = makeGenerator(c);
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
  ModelConfig c;
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
  ModelConfig c;
  c.family = "conv";
  c.genWidth = 64;
  auto G = makeGenerator(c);
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
  ModelConfig c;  // the MLP family overrides energyAndGrad
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
  ModelConfig c;
  c.genTanh = true;
  auto a = makeGenerator(c);
  auto b = makeGenerator(c);
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
  const double e = static_cast<double>(parameterCount(*makeEnergyNet(cfg.model)));
  const double g = static_cast<double>(parameterCount(*makeGenerator(cfg.model)));
  const double i = static_cast<double>(parameterCount(*makeInferenceNet(cfg.model)));
  EXPECT_NEAR(e / 1e6, 16.79, 0.01);  // METHODS §1.3
  EXPECT_NEAR(g / 1e6, 16.0, 0.05);
  EXPECT_NEAR(i / 1e6, 15.2, 0.05);
}

} // namespace
} // namespace ebm
