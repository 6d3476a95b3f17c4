// The EMA of METHODS §4.1 B6: torch_ema's warm-up values (§4.7 item 7), the fixed-decay closed
// form, buffers (DRL's spectral-norm vectors), bit-exact swap in/out, copies and named state.
#include "methods/ema.h"

#include "models/spectral_norm.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ebm {
namespace {

struct TwoTensors : torch::nn::Module {
  TwoTensors() {
    w = register_parameter("w", torch::tensor({1.0f, -2.0f, 4.0f}));
    u = register_buffer("u", torch::tensor({0.5f, 0.5f}));
    count = register_buffer("count", torch::zeros({1}, torch::kLong));
  }
  torch::Tensor w, u, count;
};

void setTo(torch::Tensor& t, const torch::Tensor& v) {
  torch::NoGradGuard noGrad;
  t.copy_(v);
}

TEST(Ema, WarmupDecayMatchesTorchEma) {
  EXPECT_NEAR(Ema::warmupDecay(0.9999, 1), 0.1818, 0.5e-4);
  EXPECT_NEAR(Ema::warmupDecay(0.9999, 10), 0.55, 0.5e-4);
  EXPECT_NEAR(Ema::warmupDecay(0.9999, 100), 0.9182, 0.5e-4);
  EXPECT_NEAR(Ema::warmupDecay(0.9999, 10000), 0.9991, 0.5e-4);
  // The 0.9999 cap is reached only after about 9e4 updates.
  EXPECT_LT(Ema::warmupDecay(0.9999, 89000), 0.9999);
  EXPECT_DOUBLE_EQ(Ema::warmupDecay(0.9999, 90000), 0.9999);

  TwoTensors m;
  Ema ema(m, {0.9999, true, false});
  EXPECT_NEAR(ema.nextDecay(), 2.0 / 11.0, 1e-15);  // the first update counts as n = 1
  ema.update(m);
  EXPECT_NEAR(ema.nextDecay(), 3.0 / 12.0, 1e-15);
}

TEST(Ema, FixedDecayUpdatesFollowTheClosedForm) {
  TwoTensors m;
  const auto w0 = m.w.detach().clone();
  Ema ema(m, {0.999, false, false});
  EXPECT_DOUBLE_EQ(ema.nextDecay(), 0.999);
  const auto target = torch::tensor({3.0f, 0.0f, -1.0f});
  setTo(m.w, target);
  const int n = 50;
  for (int i = 0; i < n; ++i)
    ema.update(m);
  EXPECT_EQ(ema.updates(), n);
  // Constant values p from shadow s0: s_n = p + d^n (s0 - p).
  std::vector<std::pair<std::string, torch::Tensor>> state;
  ema.stateTensors("ema", state);
  ASSERT_EQ(state.size(), 2u);
  EXPECT_EQ(state[0].first, "ema.w");
  const auto expected = target + (w0 - target) * std::pow(0.999, n);
  EXPECT_TRUE(torch::allclose(state[0].second, expected, 1e-5, 1e-6))
      << state[0].second << expected;
  EXPECT_EQ(state[1].first, "ema.num_updates");
  EXPECT_EQ(state[1].second.item<int64_t>(), n);
}

TEST(Ema, WarmupUpdateUsesTheWarmupDecay) {
  TwoTensors m;
  Ema ema(m, {0.9999, true, false});
  setTo(m.w, torch::zeros({3}));
  ema.update(m);  // d = 2/11: s = 2/11 * s0
  std::vector<std::pair<std::string, torch::Tensor>> state;
  ema.stateTensors("e", state);
  EXPECT_TRUE(torch::allclose(state[0].second, torch::tensor({1.0f, -2.0f, 4.0f}) * (2.0 / 11.0)));
}

TEST(Ema, BuffersAreAveragedOnlyWhenAsked) {
  TwoTensors m;
  Ema params(m, {0.5, false, false});
  Ema all(m, {0.5, false, true});
  std::vector<std::pair<std::string, torch::Tensor>> a, b;
  params.stateTensors("p", a);
  all.stateTensors("a", b);
  EXPECT_EQ(a.size(), 2u);  // w, num_updates
  ASSERT_EQ(b.size(), 3u);  // w, u (float buffer; the integer counter is not averaged), count
  EXPECT_EQ(b[1].first, "a.u");
  setTo(m.u, torch::tensor({1.5f, -0.5f}));
  all.update(m);
  EXPECT_TRUE(torch::allclose(b[1].second, torch::tensor({1.0f, 0.0f})));
}

TEST(Ema, SpectralNormVectorsAreBuffersOfTheAverage) {
  SnLinear layer(SnLinearOptions(4, 3));
  Ema ema(*layer, {0.999, false, true});
  std::vector<std::pair<std::string, torch::Tensor>> state;
  ema.stateTensors("ema", state);
  std::vector<std::string> names;
  for (auto& [name, t] : state)
    names.push_back(name);
  EXPECT_NE(std::find(names.begin(), names.end(), "ema.weight_u"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "ema.weight_orig"), names.end());
}

TEST(Ema, SwapInAndOutRestoresTheRawWeightsBitExactly) {
  torch::manual_seed(5);
  torch::nn::Linear net(5, 4);
  Ema ema(*net, {0.9, false, false});
  const auto raw0 = net->weight.detach().clone();
  for (int i = 0; i < 7; ++i) {
    {
      torch::NoGradGuard noGrad;
      net->weight.add_(torch::randn_like(net->weight) * 0.3);
      net->bias.mul_(1.7);
    }
    ema.update(*net);
  }
  const auto rawW = net->weight.detach().clone(), rawB = net->bias.detach().clone();
  std::vector<std::pair<std::string, torch::Tensor>> state;
  ema.stateTensors("ema", state);
  {
    EmaScope scope(ema, *net);
    EXPECT_TRUE(ema.swappedIn());
    EXPECT_TRUE(torch::equal(net->weight, state[0].second));
    EXPECT_TRUE(torch::equal(net->bias, state[1].second));
    EXPECT_FALSE(torch::equal(net->weight, rawW));
    EXPECT_THROW(ema.swapIn(*net), c10::Error);
  }
  EXPECT_FALSE(ema.swappedIn());
  EXPECT_TRUE(torch::equal(net->weight, rawW));
  EXPECT_TRUE(torch::equal(net->bias, rawB));
  EXPECT_TRUE(net->weight.requires_grad());

  torch::nn::Linear other(5, 4);
  ema.copyTo(*other);
  EXPECT_TRUE(torch::equal(other->weight, state[0].second));
  EXPECT_TRUE(torch::equal(net->weight, rawW));
}

TEST(Ema, StateRoundTripsThroughNamedTensors) {
  TwoTensors m;
  Ema a(m, {0.99, true, false});
  setTo(m.w, torch::ones({3}));
  for (int i = 0; i < 3; ++i)
    a.update(m);
  std::vector<std::pair<std::string, torch::Tensor>> sa, sb;
  a.stateTensors("ema", sa);
  TwoTensors fresh;
  Ema b(fresh, {0.99, true, false});
  b.stateTensors("ema", sb);
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    ASSERT_EQ(sa[i].first, sb[i].first);
    sb[i].second.copy_(sa[i].second);  // what a checkpoint load does
  }
  b.syncFromState();
  EXPECT_EQ(b.updates(), 3);
  EXPECT_DOUBLE_EQ(b.nextDecay(), a.nextDecay());
}

TEST(Ema, MismatchedModuleIsRefused) {
  TwoTensors m;
  Ema ema(m, {});
  torch::nn::Linear other(2, 2);
  EXPECT_THROW(ema.update(*other), c10::Error);
}

} // namespace
} // namespace ebm
