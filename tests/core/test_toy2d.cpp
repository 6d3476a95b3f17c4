#include "data/toy2d.h"

#include "errors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

namespace {

constexpr double kPi = 3.14159265358979323846;

torch::Generator makeGen(uint64_t seed) {
  return at::detail::createCPUGenerator(seed);
}

double fractionInside(const torch::Tensor& x, double half) {
  return (x.abs() <= half).all(1).to(torch::kDouble).mean().item<double>();
}

TEST(Toy2d, NamesAreTheSevenDistributions) {
  const std::vector<std::string> expected = {"8gaussians", "25gaussians",  "rings",   "moons",
                                             "swissroll",  "checkerboard", "pinwheel"};
  EXPECT_EQ(ebm::toy2dNames(), expected);
  EXPECT_TRUE(ebm::toyHasLogDensity("8gaussians"));
  EXPECT_TRUE(ebm::toyHasLogDensity("25gaussians"));
  EXPECT_TRUE(ebm::toyHasLogDensity("rings"));
  EXPECT_TRUE(ebm::toyHasLogDensity("checkerboard"));
  EXPECT_FALSE(ebm::toyHasLogDensity("moons"));
  EXPECT_FALSE(ebm::toyHasLogDensity("swissroll"));
  EXPECT_FALSE(ebm::toyHasLogDensity("pinwheel"));
}

TEST(Toy2d, SamplesHaveShapeDtypeAndStayInTheBox) {
  auto gen = makeGen(1);
  for (const auto& name : ebm::toy2dNames()) {
    SCOPED_TRACE(name);
    auto x = ebm::sampleToy2d(name, 4000, gen);
    ASSERT_EQ(x.dim(), 2);
    EXPECT_EQ(x.size(0), 4000);
    EXPECT_EQ(x.size(1), 2);
    EXPECT_EQ(x.scalar_type(), torch::kFloat);
    EXPECT_TRUE(x.device().is_cpu());
    EXPECT_TRUE(torch::isfinite(x).all().item<bool>());
    EXPECT_GT(fractionInside(x, 1.2), 0.99);
    // Scaled to fill the box, not collapsed into a corner of it.
    EXPECT_GT(x.abs().max().item<double>(), 0.5);
  }
  EXPECT_EQ(ebm::sampleToy2d("moons", 0, gen).size(0), 0);
}

TEST(Toy2d, SamplingIsDeterministicForASeed) {
  for (const auto& name : ebm::toy2dNames()) {
    SCOPED_TRACE(name);
    auto g1 = makeGen(42);
    auto g2 = makeGen(42);
    auto g3 = makeGen(43);
    auto a = ebm::sampleToy2d(name, 500, g1);
    auto b = ebm::sampleToy2d(name, 500, g2);
    auto c = ebm::sampleToy2d(name, 500, g3);
    EXPECT_TRUE(torch::equal(a, b));
    EXPECT_FALSE(torch::equal(a, c));
  }
}

TEST(Toy2d, DensitiesIntegrateToOne) {
  // Midpoint rule on [-1.5, 1.5]^2. The step (1/160) is well below the narrowest scale (std
  // 0.03), and divides 0.5 so the checkerboard's cell edges fall between grid points: the rule is
  // accurate far beyond the tolerance.
  constexpr int kSteps = 480;
  constexpr double kLo = -1.5;
  constexpr double kStep = 3.0 / kSteps;
  auto axis = kLo + kStep * (torch::arange(kSteps, torch::kDouble) + 0.5);
  auto grid = torch::stack({axis.repeat_interleave(kSteps), axis.repeat({kSteps})}, 1);
  for (const auto& name : ebm::toy2dNames()) {
    if (!ebm::toyHasLogDensity(name))
      continue;
    SCOPED_TRACE(name);
    auto logp = ebm::toyLogDensity(name, grid);
    ASSERT_EQ(logp.scalar_type(), torch::kDouble);
    ASSERT_EQ(logp.sizes(), torch::IntArrayRef({kSteps * kSteps}));
    EXPECT_FALSE(torch::isnan(logp).any().item<bool>());
    const double mass = torch::exp(logp).sum().item<double>() * kStep * kStep;
    EXPECT_NEAR(mass, 1.0, 0.02);
  }
}

TEST(Toy2d, SamplesAreMoreLikelyThanUniformNoise) {
  auto gen = makeGen(7);
  for (const auto& name : ebm::toy2dNames()) {
    if (!ebm::toyHasLogDensity(name))
      continue;
    SCOPED_TRACE(name);
    auto samples = ebm::sampleToy2d(name, 2000, gen);
    auto uniform = torch::rand({2000, 2}, gen) * 2 - 1;
    auto onSamples = ebm::toyLogDensity(name, samples);
    EXPECT_TRUE(torch::isfinite(onSamples).all().item<bool>());
    EXPECT_GT(onSamples.mean().item<double>(),
              ebm::toyLogDensity(name, uniform).mean().item<double>());
  }
}

TEST(Toy2d, EightGaussiansDensityAtACentreMatchesClosedForm) {
  const double expected = std::log(1.0 / 8 / (2 * kPi * 0.05 * 0.05));
  for (int k = 0; k < 8; ++k) {
    const double angle = k * kPi / 4;
    auto centre = torch::tensor({0.8 * std::cos(angle), 0.8 * std::sin(angle)}, torch::kDouble);
    const double got = ebm::toyLogDensity("8gaussians", centre.view({1, 2})).item<double>();
    EXPECT_NEAR(got, expected, 1e-6) << "centre " << k;
  }
}

TEST(Toy2d, CheckerboardDensityIsPiecewiseConstant) {
  auto pts =
      torch::tensor({-0.75, -0.75, -0.25, -0.75, 0.25, 0.25, 0.75, -0.25, 1.3, 0.0}, torch::kDouble)
          .view({5, 2});
  auto logp = ebm::toyLogDensity("checkerboard", pts);
  EXPECT_DOUBLE_EQ(logp[0].item<double>(), std::log(0.5)); // cell (0, 0)
  EXPECT_TRUE(std::isinf(logp[1].item<double>()));         // cell (1, 0)
  EXPECT_DOUBLE_EQ(logp[2].item<double>(), std::log(0.5)); // cell (2, 2)
  EXPECT_DOUBLE_EQ(logp[3].item<double>(), std::log(0.5)); // cell (3, 1)
  EXPECT_LT(logp[4].item<double>(), 0);                    // outside the board
  EXPECT_TRUE(std::isinf(logp[4].item<double>()));
}

TEST(Toy2d, RingsDensityIsFiniteAtTheOrigin) {
  auto logp = ebm::toyLogDensity("rings", torch::zeros({1, 2}, torch::kDouble));
  EXPECT_TRUE(std::isfinite(logp.item<double>()));
  EXPECT_LT(logp.item<double>(), -10);
}

TEST(Toy2d, MmdSeparatesDistributions) {
  auto gen = makeGen(3);
  auto a = ebm::sampleToy2d("8gaussians", 1200, gen);
  auto b = ebm::sampleToy2d("8gaussians", 1200, gen);
  auto noise = torch::rand({1200, 2}, gen) * 2 - 1;
  EXPECT_EQ(ebm::mmdRbf(a, a), 0.0);
  const double same = ebm::mmdRbf(a, b);
  const double different = ebm::mmdRbf(a, noise);
  EXPECT_GE(same, 0.0);
  EXPECT_GT(different, 0.1);
  // The biased estimator's floor is ~(6 - E k) * 2 / n ~ 0.008 here; the gap is ~0.2.
  EXPECT_LT(same * 10, different);
}

TEST(Toy2d, MmdIsSymmetricAndDtypeIndependent) {
  auto gen = makeGen(4);
  auto a = ebm::sampleToy2d("rings", 200, gen);
  auto b = ebm::sampleToy2d("pinwheel", 300, gen);
  const double ab = ebm::mmdRbf(a, b);
  EXPECT_GT(ab, 0.0);
  EXPECT_NEAR(ebm::mmdRbf(b, a), ab, 1e-12);
  EXPECT_NEAR(ebm::mmdRbf(a.to(torch::kDouble), b), ab, 1e-12);
  EXPECT_THROW(ebm::mmdRbf(a, torch::zeros({5, 3})), std::invalid_argument);
}

TEST(Toy2d, UnknownNamesAndMissingDensitiesThrowConfigError) {
  auto gen = makeGen(0);
  EXPECT_THROW(ebm::sampleToy2d("9gaussians", 10, gen), ebm::ConfigError);
  EXPECT_THROW(ebm::toyHasLogDensity("nope"), ebm::ConfigError);
  EXPECT_THROW(ebm::toyLogDensity("nope", torch::zeros({1, 2})), ebm::ConfigError);
  EXPECT_THROW(ebm::toyLogDensity("moons", torch::zeros({1, 2})), ebm::ConfigError);
  EXPECT_THROW(ebm::toyLogDensity("pinwheel", torch::zeros({1, 2})), ebm::ConfigError);
  try {
    ebm::sampleToy2d("spiral", 1, gen);
    FAIL() << "no exception";
  } catch (const ebm::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("spiral"), std::string::npos);
  }
}

} // namespace
