#include "data/toy2d.h"

#include "errors.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ebm {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kLog2Pi = 1.83787706640934548356; // log(2 pi)

// Mixture parameters, shared by the samplers and the exact densities so the two cannot drift.
constexpr double kEightRadius = 0.8;
constexpr double kEightStd = 0.05;
constexpr double kGridStep = 0.4; // 25gaussians centres at {-0.8, -0.4, 0, 0.4, 0.8}^2
constexpr double kGridStd = 0.04;
constexpr double kRingRadii[3] = {0.3, 0.6, 0.9};
constexpr double kRingStd = 0.03;
// Below this radius the ring density is evaluated as if |x| were this value: the polar Jacobian
// 1/(2 pi |x|) makes the formula +inf at the origin although the mass there is ~exp(-50).
constexpr double kMinRadius = 1e-12;
constexpr double kMoonNoise = 0.05;
constexpr double kSwissNoise = 0.03;
constexpr double kCheckerCell = 0.5;
constexpr int kCheckerCells = 4; // per axis over [-1, 1]
constexpr int kPinwheelArms = 5;
constexpr double kPinwheelRadialStd = 0.3;
constexpr double kPinwheelTangentialStd = 0.05;
constexpr double kPinwheelRate = 0.25;
// The classic pinwheel reaches radius ~1 + 3 * 0.3; halving it keeps all but ~1e-3 of the
// points inside the unit disc.
constexpr double kPinwheelScale = 0.5;

const auto kF32 = torch::TensorOptions().dtype(torch::kFloat);
const auto kF64 = torch::TensorOptions().dtype(torch::kDouble);

torch::Tensor eightCentres(const torch::TensorOptions& opts) {
  auto angle = torch::arange(8, opts) * (kPi / 4);
  return torch::stack({torch::cos(angle), torch::sin(angle)}, 1) * kEightRadius;
}

torch::Tensor gridCentres(const torch::TensorOptions& opts) {
  auto axis = (torch::arange(5, opts) - 2) * kGridStep;
  auto xs = axis.repeat_interleave(5);
  auto ys = axis.repeat({5});
  return torch::stack({xs, ys}, 1);
}

torch::Tensor sampleMixture(const torch::Tensor& centres, double std, int64_t n,
                            torch::Generator& gen) {
  auto k = torch::randint(centres.size(0), {n}, gen);
  return centres.index_select(0, k) + std * torch::randn({n, 2}, gen, kF32);
}

// log of an equal-weight mixture of isotropic Gaussians; points (n, 2) and centres (K, 2) are
// float64. Differences are taken directly (not |x|^2 + |c|^2 - 2 x.c) so the value at a centre
// is exact to rounding.
torch::Tensor mixtureLogDensity(const torch::Tensor& x, const torch::Tensor& centres, double std) {
  const int64_t k = centres.size(0);
  std::vector<torch::Tensor> terms;
  terms.reserve(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i)
    terms.push_back((x - centres[i]).pow(2).sum(1) * (-0.5 / (std * std)));
  return torch::logsumexp(torch::stack(terms, 1), 1) - std::log(static_cast<double>(k)) - kLog2Pi -
         2 * std::log(std);
}

torch::Tensor sampleEight(int64_t n, torch::Generator& gen) {
  return sampleMixture(eightCentres(kF32), kEightStd, n, gen);
}

torch::Tensor sampleGrid(int64_t n, torch::Generator& gen) {
  return sampleMixture(gridCentres(kF32), kGridStd, n, gen);
}

torch::Tensor sampleRings(int64_t n, torch::Generator& gen) {
  auto radii = torch::tensor({kRingRadii[0], kRingRadii[1], kRingRadii[2]}, kF32);
  auto k = torch::randint(3, {n}, gen);
  auto theta = torch::rand({n}, gen, kF32) * (2 * kPi);
  auto r = radii.index_select(0, k) + kRingStd * torch::randn({n}, gen, kF32);
  return torch::stack({r * torch::cos(theta), r * torch::sin(theta)}, 1);
}

torch::Tensor sampleMoons(int64_t n, torch::Generator& gen) {
  auto upper = torch::randint(2, {n}, gen) == 0;
  auto t = torch::rand({n}, gen, kF32) * kPi;
  // Classic construction: upper arc (cos t, sin t), lower arc (1 - cos t, 1/2 - sin t); together
  // they span x in [-1, 2], y in [-1/2, 1]. Centre on (1/2, 1/4) and shrink by 1.5 to keep the
  // aspect ratio while fitting [-1, 1].
  auto x = torch::where(upper, torch::cos(t), 1 - torch::cos(t));
  auto y = torch::where(upper, torch::sin(t), 0.5 - torch::sin(t));
  auto points = torch::stack({(x - 0.5) / 1.5, (y - 0.25) / 1.5}, 1);
  return points + kMoonNoise * torch::randn({n, 2}, gen, kF32);
}

torch::Tensor sampleSwissRoll(int64_t n, torch::Generator& gen) {
  auto t = 1.5 * kPi + 3 * kPi * torch::rand({n}, gen, kF32);
  // |(t cos t, t sin t)| = t <= 4.5 pi, so dividing by that maps the roll into the unit disc.
  auto points = torch::stack({t * torch::cos(t), t * torch::sin(t)}, 1) / (4.5 * kPi);
  return points + kSwissNoise * torch::randn({n, 2}, gen, kF32);
}

torch::Tensor sampleCheckerboard(int64_t n, torch::Generator& gen) {
  // Pick one of the 8 black cells uniformly: row j in 0..3, and in that row the two columns i
  // with (i + j) even, i.e. i = (j mod 2) + 2 * {0, 1}.
  auto j = torch::randint(kCheckerCells, {n}, gen);
  auto i = torch::remainder(j, 2) + 2 * torch::randint(2, {n}, gen);
  auto u = torch::rand({n, 2}, gen, kF32);
  auto x = -1 + kCheckerCell * (i.to(torch::kFloat) + u.select(1, 0));
  auto y = -1 + kCheckerCell * (j.to(torch::kFloat) + u.select(1, 1));
  return torch::stack({x, y}, 1);
}

torch::Tensor samplePinwheel(int64_t n, torch::Generator& gen) {
  auto arm = torch::randint(kPinwheelArms, {n}, gen).to(torch::kFloat);
  auto f = torch::randn({n, 2}, gen, kF32);
  auto radial = 1 + kPinwheelRadialStd * f.select(1, 0);
  auto tangential = kPinwheelTangentialStd * f.select(1, 1);
  // The rotation grows exponentially with the radius, which bends each arm into a spiral.
  auto angle = arm * (2 * kPi / kPinwheelArms) + kPinwheelRate * torch::exp(radial);
  auto c = torch::cos(angle);
  auto s = torch::sin(angle);
  auto points = torch::stack({radial * c - tangential * s, radial * s + tangential * c}, 1);
  return points * kPinwheelScale;
}

torch::Tensor logEight(const torch::Tensor& x) {
  return mixtureLogDensity(x, eightCentres(kF64), kEightStd);
}

torch::Tensor logGrid(const torch::Tensor& x) {
  return mixtureLogDensity(x, gridCentres(kF64), kGridStd);
}

// Density of the ring sampler's generative model in the plane: the radius density divided by
// the circumference 2 pi |x|. A radius draw r < 0 actually lands at |r| on the opposite side,
// which this formula ignores; that mass is P(N(0.3, 0.03^2) < 0) / 3 ~ 3e-24, so we define the
// model to be this formula.
torch::Tensor logRings(const torch::Tensor& x) {
  auto r = x.norm(2, 1).clamp_min(kMinRadius);
  std::vector<torch::Tensor> terms;
  for (double rk : kRingRadii) {
    auto z = (r - rk) / kRingStd;
    terms.push_back(-0.5 * z * z - std::log(kRingStd) - 0.5 * kLog2Pi);
  }
  return torch::logsumexp(torch::stack(terms, 1), 1) - std::log(3.0) - kLog2Pi - torch::log(r);
}

torch::Tensor logCheckerboard(const torch::Tensor& x) {
  auto i = torch::floor((x.select(1, 0) + 1) / kCheckerCell);
  auto j = torch::floor((x.select(1, 1) + 1) / kCheckerCell);
  auto inside = (i >= 0) & (i < kCheckerCells) & (j >= 0) & (j < kCheckerCells) &
                (torch::remainder(i + j, 2) == 0);
  // Uniform over 8 cells of area 0.25 each.
  const double logInside = -std::log(8 * kCheckerCell * kCheckerCell);
  return torch::full({x.size(0)}, -std::numeric_limits<double>::infinity(), kF64)
      .masked_fill_(inside, logInside);
}

using Sampler = torch::Tensor (*)(int64_t, torch::Generator&);
using LogDensity = torch::Tensor (*)(const torch::Tensor&);

struct Toy {
  const char* name;
  Sampler sample;
  LogDensity logDensity; // nullptr when there is no closed form
};

constexpr Toy kToys[] = {
    {"8gaussians", sampleEight, logEight},   {"25gaussians", sampleGrid, logGrid},
    {"rings", sampleRings, logRings},        {"moons", sampleMoons, nullptr},
    {"swissroll", sampleSwissRoll, nullptr}, {"checkerboard", sampleCheckerboard, logCheckerboard},
    {"pinwheel", samplePinwheel, nullptr},
};

const Toy& findToy(const std::string& name) {
  for (const Toy& toy : kToys)
    if (name == toy.name)
      return toy;
  std::string known;
  for (const Toy& toy : kToys)
    known += (known.empty() ? "" : ", ") + std::string(toy.name);
  throw ConfigError("unknown toy distribution '" + name + "' (known: " + known + ")");
}

} // namespace

const std::vector<std::string>& toy2dNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Toy& toy : kToys)
      v.emplace_back(toy.name);
    return v;
  }();
  return names;
}

torch::Tensor sampleToy2d(const std::string& name, int64_t n, torch::Generator& gen) {
  const Toy& toy = findToy(name);
  if (n < 0)
    throw std::invalid_argument("sampleToy2d: negative sample count");
  torch::NoGradGuard noGrad;
  return toy.sample(n, gen).contiguous();
}

bool toyHasLogDensity(const std::string& name) {
  return findToy(name).logDensity != nullptr;
}

torch::Tensor toyLogDensity(const std::string& name, const torch::Tensor& points) {
  const Toy& toy = findToy(name);
  if (!toy.logDensity)
    throw ConfigError("toy distribution '" + name + "' has no closed-form log-density");
  if (points.dim() != 2 || points.size(1) != 2)
    throw std::invalid_argument("toyLogDensity: points must have shape (n, 2)");
  torch::NoGradGuard noGrad;
  return toy.logDensity(points.detach().to(torch::kCPU, torch::kDouble));
}

namespace {

// The mode index of every centre's class: 8gaussians one class per mode; 25gaussians centre
// k = 5 i + j sits at (axis[i], axis[j]), so its column is i and its row is j.
std::vector<int64_t> modesWithLabel(const std::string& name, int label) {
  std::vector<int64_t> modes;
  if (name == "8gaussians") {
    modes.push_back(label);
  } else {
    for (int64_t k = 0; k < 25; ++k)
      if ((label < 5 && k % 5 == label) || (label >= 5 && k / 5 == label - 5))
        modes.push_back(k);
  }
  return modes;
}

void checkLabel(const std::string& name, int label) {
  const int count = toyLabelCount(name);
  if (count == 0)
    throw ConfigError("toy distribution '" + name +
                      "' has no labels (labelled toys: 8gaussians, 25gaussians)");
  if (label < 0 || label >= count)
    throw ConfigError("toy distribution '" + name + "' has classes 0.." +
                      std::to_string(count - 1) + ", not " + std::to_string(label));
}

} // namespace

int toyLabelCount(const std::string& name) {
  findToy(name);
  return name == "8gaussians" ? 8 : name == "25gaussians" ? 10 : 0;
}

std::vector<std::string> toyLabelNames(const std::string& name) {
  std::vector<std::string> names;
  const int count = toyLabelCount(name);
  for (int c = 0; c < count; ++c)
    names.push_back(name == "8gaussians" ? "mode " + std::to_string(c)
                    : c < 5               ? "row " + std::to_string(c)
                                          : "column " + std::to_string(c - 5));
  return names;
}

std::pair<torch::Tensor, torch::Tensor> sampleToy2dLabelled(const std::string& name, int64_t n,
                                                            torch::Generator& gen) {
  checkLabel(name, 0);
  if (n < 0)
    throw std::invalid_argument("sampleToy2dLabelled: negative sample count");
  torch::NoGradGuard noGrad;
  const bool eight = name == "8gaussians";
  const auto centres = eight ? eightCentres(kF32) : gridCentres(kF32);
  const auto k = torch::randint(centres.size(0), {n}, gen);
  auto points = centres.index_select(0, k) +
                (eight ? kEightStd : kGridStd) * torch::randn({n, 2}, gen, kF32);
  torch::Tensor labels = k;
  if (!eight) {
    const auto byRow = torch::randint(2, {n}, gen) == 0;
    labels = torch::where(byRow, torch::remainder(k, 5), 5 + torch::div(k, 5, "floor"));
  }
  return {points.contiguous(), labels.to(torch::kLong)};
}

torch::Tensor toyLogDensityGiven(const std::string& name, int label, const torch::Tensor& points) {
  checkLabel(name, label);
  if (points.dim() != 2 || points.size(1) != 2)
    throw std::invalid_argument("toyLogDensityGiven: points must have shape (n, 2)");
  torch::NoGradGuard noGrad;
  const bool eight = name == "8gaussians";
  const auto all = eight ? eightCentres(kF64) : gridCentres(kF64);
  const auto modes = modesWithLabel(name, label);
  const auto centres = all.index_select(0, torch::tensor(modes, torch::kLong));
  return mixtureLogDensity(points.detach().to(torch::kCPU, torch::kDouble), centres,
                           eight ? kEightStd : kGridStd);
}

double mmdRbf(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(1) || a.size(0) == 0 || b.size(0) == 0)
    throw std::invalid_argument("mmdRbf: expects non-empty (n, d) and (m, d) point sets");
  static constexpr double kBandwidths[] = {0.02, 0.05, 0.1, 0.2, 0.5, 1.0};
  torch::NoGradGuard noGrad;
  auto x = a.detach().to(torch::kDouble);
  auto y = b.detach().to(x.device(), torch::kDouble);
  // compute_mode 2 forbids the matmul shortcut, whose cancellation errors would swamp the
  // narrow kernels (h = 0.02) and make mmd(x, x) differ from 0.
  auto meanKernel = [](const torch::Tensor& p, const torch::Tensor& q) {
    auto d2 = torch::cdist(p, q, 2.0, 2).pow_(2);
    double sum = 0;
    for (double h : kBandwidths)
      sum += d2.mul(-0.5 / (h * h)).exp_().sum().item<double>();
    return sum / static_cast<double>(d2.numel());
  };
  const double mmd = meanKernel(x, x) + meanKernel(y, y) - 2 * meanKernel(x, y);
  return std::max(0.0, mmd);
}

} // namespace ebm
