// The DRL/CDRL networks: sizes against METHODS §2.6, §3.7, §3.9 and §4.5, the context computed
// once per level, labels, and the initializer's identity at initialisation.
#include "errors.h"
#include "models/initializer_net.h"
#include "models/temb_ebm.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm {
namespace {

int64_t parameterCount(torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters())
    n += p.numel();
  return n;
}

// Sinusoidal features of `values` (METHODS §4.1 B3), enough for these tests.
torch::Tensor sinusoid(const torch::Tensor& values, int64_t dim) {
  const int64_t half = dim / 2;
  const auto k = torch::arange(half, torch::kDouble);
  const auto freq = torch::exp(-k * std::log(10000.0) / static_cast<double>(half - 1));
  const auto arg = values.to(torch::kDouble).unsqueeze(1) * freq.unsqueeze(0);
  return torch::cat({torch::sin(arg), torch::cos(arg)}, 1).to(torch::kFloat);
}

TembEbmOptions cifarEbm(const std::string& variant, int64_t blocks) {
  TembEbmOptions o;
  o.variant = variant;
  o.blocksPerLevel = blocks;
  return o;
}

TEST(TembEbm, CifarNetworkHasThePapersSize) {
  // 34.8 M parameters with 8 blocks per level, 9.1 M with 2 (METHODS §2.6, §3.7).
  TembEbm eight(cifarEbm("cdrl", 8));
  EXPECT_NEAR(parameterCount(*eight) / 1e6, 34.8, 0.05);
  TembEbm two(cifarEbm("drl", 2));
  EXPECT_NEAR(parameterCount(*two) / 1e6, 9.1, 0.05);
}

TEST(TembEbm, ToyMlpHasTheToyExamplesSize) {
  TembEbmOptions o;
  o.family = "mlp";
  o.inChannels = 2;
  o.blocksPerLevel = 1;
  EXPECT_NEAR(parameterCount(*TembEbm(o)) / 1e6, 1.22, 0.005); // §3.9
  o.ch = o.tembDim = 64;
  o.chMult = {1, 1};
  o.blocksPerLevel = 1;
  EXPECT_NEAR(parameterCount(*TembEbm(o)) / 1e6, 0.13, 0.005); // §4.5, the CPU toy
}

TEST(TembEbm, OneContextServesEveryStepAndBroadcasts) {
  torch::manual_seed(3);
  TembEbmOptions o;
  o.ch = 8;
  o.tembDim = 8;
  o.chMult = {1, 2};
  o.inChannels = 1;
  o.blocksPerLevel = 1;
  TembEbm net(o);
  net->eval();
  const auto y = torch::randn({4, 1, 8, 8});
  const auto level = sinusoid(torch::full({1}, 3.0), 8);
  const auto ctx = net->context(level);
  const auto once = net->forward(y, ctx);
  ASSERT_EQ(once.sizes(), (std::vector<int64_t>{4}));
  const auto perRow = net->energy(y, level.expand({4, 8}).contiguous());
  EXPECT_TRUE(torch::allclose(once, perRow, 1e-5, 1e-6));
  const auto other = net->energy(y, sinusoid(torch::full({1}, 0.0), 8));
  EXPECT_FALSE(torch::allclose(once, other)); // the level matters
}

TEST(TembEbm, DrlBlocksStartAsTheirShortcut) {
  // DRL's second layer of each block starts at ~1e-10 of Glorot, kept there by one-sided spectral
  // norm, so a block starts as its shortcut (§2.6); CDRL's does not.
  torch::manual_seed(4);
  TembEbmOptions o;
  o.variant = "drl";
  o.ch = 8;
  o.tembDim = 8;
  o.chMult = {1};
  o.inChannels = 1;
  o.blocksPerLevel = 1;
  TembEbm net(o);
  const auto y = torch::randn({2, 1, 4, 4});
  const auto level = sinusoid(torch::zeros({1}), 8);
  torch::NoGradGuard noGrad;
  // Converge the power iterations, then freeze them so that every call sees the same weights.
  for (int i = 0; i < 50; ++i)
    net->energy(y, level);
  net->eval();
  const auto ctx = net->context(level);
  const auto f = net->forward(y, ctx);
  // Without the block: relu(conv_in(y)) summed over positions, dotted with the head.
  auto in = net->named_modules()["conv_in"]->as<SnConv2dImpl>();
  const auto expected = (torch::relu(in->forward(y)).sum({2, 3}) * ctx.head).sum(1);
  EXPECT_TRUE(torch::allclose(f, expected, 1e-5, 1e-6)) << f << expected;

  o.variant = "cdrl";
  TembEbm cdrl(o);
  for (int i = 0; i < 50; ++i)
    cdrl->energy(y, level);
  cdrl->eval();
  const auto ctxC = cdrl->context(level);
  auto inC = cdrl->named_modules()["conv_in"]->as<SnConv2dImpl>();
  const auto withoutBlock = (torch::relu(inC->forward(y)).sum({2, 3}) * ctxC.head).sum(1);
  EXPECT_FALSE(torch::allclose(cdrl->forward(y, ctxC), withoutBlock, 1e-5, 1e-6));
}

TEST(TembEbm, LabelsChangeTheEnergyAndNullIsItsOwnLabel) {
  torch::manual_seed(5);
  TembEbmOptions o;
  o.family = "mlp";
  o.inChannels = 2;
  o.ch = o.tembDim = 16;
  o.chMult = {1};
  o.blocksPerLevel = 1;
  o.numClasses = 8;
  TembEbm net(o);
  net->eval();
  const auto y = torch::randn({5, 2});
  const auto level = sinusoid(torch::zeros({1}), 16);
  const auto null = net->energy(y, level, torch::full({1}, -1, torch::kLong));
  const auto three = net->energy(y, level, torch::full({1}, 3, torch::kLong));
  EXPECT_FALSE(torch::allclose(null, three));
  EXPECT_THROW(net->energy(y, level), c10::Error); // a conditional network needs labels
}

TEST(TembEbm, BadOptionsAreRefused) {
  TembEbmOptions o;
  o.variant = "ddpm";
  EXPECT_THROW(TembEbm{o}, ConfigError);
  o = {};
  o.chMult = {1, 0};
  EXPECT_THROW(TembEbm{o}, ConfigError);
}

TEST(Initializer, CifarUnetHasThePapersSize) {
  InitializerNet net(InitializerOptions{}); // §3.7 defaults: 3.8 M parameters
  EXPECT_NEAR(parameterCount(*net) / 1e6, 3.8, 0.05);
}

TEST(Initializer, StartsAsTheIdentity) {
  torch::manual_seed(6);
  InitializerOptions o;
  o.dim = 16;
  o.tembDim = 16;
  o.dimMults = {1, 2};
  o.blocksPerLevel = 1;
  o.groups = 8;
  o.imageSize = 8;
  o.inChannels = 1;
  o.attentionResolutions = {4};
  InitializerNet unet(o);
  const auto x = torch::randn({3, 1, 8, 8});
  const auto e = unet->embedding(sinusoid(torch::full({1}, 500.0), 16));
  EXPECT_TRUE(torch::equal(unet->forward(x, e), x));

  InitializerOptions m;
  m.family = "mlp";
  m.inChannels = 2;
  m.tembDim = 128;
  m.blocksPerLevel = 1;
  m.dropout = 0;
  InitializerNet mlp(m);
  const auto p = torch::randn({7, 2});
  EXPECT_TRUE(torch::equal(mlp->forward(p, mlp->embedding(sinusoid(torch::zeros({1}), 128))), p));
}

TEST(Initializer, LearnsAwayFromTheIdentity) {
  // The zero-initialised output layer still receives a gradient, so training can move the map.
  torch::manual_seed(7);
  InitializerOptions m;
  m.family = "mlp";
  m.inChannels = 2;
  m.tembDim = 16;
  m.dim = 16;
  m.groups = 4;
  m.blocksPerLevel = 1;
  m.dropout = 0;
  InitializerNet mlp(m);
  const auto x = torch::randn({16, 2});
  const auto e = mlp->embedding(sinusoid(torch::zeros({1}), 16));
  const auto loss = (mlp->forward(x, e) - (x + 1)).pow(2).sum();
  loss.backward();
  double gradNorm = 0;
  for (const auto& p : mlp->parameters())
    if (p.grad().defined())
      gradNorm += p.grad().norm().item<double>();
  EXPECT_GT(gradNorm, 0.0);
}

TEST(Initializer, GroupsMustDivideTheWidths) {
  InitializerOptions o;
  o.dim = 16; // 32 groups do not divide 16 channels (METHODS §4.5)
  EXPECT_THROW(InitializerNet{o}, ConfigError);
}

} // namespace
} // namespace ebm
