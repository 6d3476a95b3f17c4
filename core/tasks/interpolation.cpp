#include "tasks/interpolation.h"

#include "methods/capabilities.h"
#include "methods/method.h"
#include "errors.h"
#include "sampling/langevin.h"
#include "base/runtime.h"

#include <cmath>

namespace ebm {
namespace {

std::vector<float> toVector(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::vector<double> toDoubles(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// z(lambda) for each lambda: (1 - l) a + l b, or along the great circle (slerp) between them.
torch::Tensor path(const torch::Tensor& a, const torch::Tensor& b, const std::vector<double>& ls,
                   bool spherical) {
  std::vector<torch::Tensor> zs;
  const auto fa = a.flatten(), fb = b.flatten();
  const double cosw = (fa.dot(fb) / (fa.norm() * fb.norm()).clamp_min(1e-12)).item<double>();
  const double omega = std::acos(std::max(-1.0, std::min(1.0, cosw)));
  for (double l : ls) {
    if (!spherical || std::sin(omega) < 1e-6) {
      zs.push_back((1 - l) * a + l * b);
    } else {
      zs.push_back(std::sin((1 - l) * omega) / std::sin(omega) * a +
                   std::sin(l * omega) / std::sin(omega) * b);
    }
  }
  return torch::cat(zs, 0);
}

std::vector<double> linspace(int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = n == 1 ? 0.0 : double(i) / (n - 1);
  return v;
}

} // namespace

InterpolationResult interpolate(TrainingMethod& method, const RunConfig& config,
                                const InterpolationSettings& s, const std::atomic<bool>* stop) {
  if (s.points < 2 || s.points > 256)
    throw Error("interpolation: points = " + std::to_string(s.points) + " must be 2..256");
  if (s.profilePoints < 2 || s.profilePoints > 1024)
    throw Error("interpolation: profile points must be 2..1024");
  if (s.xSteps < 0 || s.zSteps < 0)
    throw Error("interpolation: step counts must be >= 0");
  auto& latent = requireLatent(method, "interpolation");
  auto& energy = requireEnergy(method, "the interpolation's energy profile");
  Generator& G = latent.decoder();
  const auto device = G.parameters().front().device();
  auto gen = makeGenerator(device, s.seed);
  const int nz = latent.latentDim();
  const auto sampleShape = dataShape(config.model);
  int64_t per = 1;
  for (auto d : sampleShape)
    per *= d;

  InterpolationResult out;
  out.shape = sampleShape;
  out.points = s.points;
  out.lambdas = linspace(s.points);
  out.profileLambdas = linspace(s.profilePoints);

  // One BatchNorm mode for everything the generator does here: refining the data latents,
  // decoding the path and the end reconstructions (settings.generatorEval).
  struct ModeGuard {
    Generator& g;
    bool eval;
    ~ModeGuard() {
      if (eval)
        g.train();
    }
  } mode{G, s.generatorEval};
  if (s.generatorEval)
    G.eval();

  torch::Tensor za, zb;
  if (s.ends == "prior") {
    const auto z = torch::randn({2, nz, 1, 1}, gen, torch::TensorOptions().device(device));
    za = z.narrow(0, 0, 1);
    zb = z.narrow(0, 1, 1);
  } else if (s.ends == "data") {
    if (static_cast<int64_t>(s.imageA.size()) != per || static_cast<int64_t>(s.imageB.size()) != per)
      throw Error("interpolation: the two end images must each have " + std::to_string(per) +
                  " values (the model's sample shape)");
    std::vector<float> both(s.imageA);
    both.insert(both.end(), s.imageB.begin(), s.imageB.end());
    std::vector<int64_t> shape{2};
    shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
    const auto x = torch::from_blob(both.data(), shape, torch::kFloat).clone().to(device);
    torch::Tensor mu;
    {
      torch::NoGradGuard noGrad;
      mu = latent.encoder().forward(x).mu;
    }
    if (s.zSteps > 0) {
      LangevinZConfig zc = config.z;
      zc.steps = s.zSteps;
      ChainControl c;
      c.gen = &gen;
      c.stop = stop;
      mu = langevinZ(G, x, mu, zc, c);
    }
    za = mu.narrow(0, 0, 1);
    zb = mu.narrow(0, 1, 1);
    out.ends = toVector(x);
  } else {
    throw Error("interpolation: ends = '" + s.ends + "': expected prior or data");
  }

  torch::Tensor decoded;
  {
    torch::NoGradGuard noGrad;
    const auto zPath = path(za, zb, out.lambdas, s.spherical);
    out.nz = nz;
    out.latents = toVector(zPath);
    decoded = G.forward(zPath);
    out.decoded = toVector(decoded);
    // The path's ends are z(0) = za and z(1) = zb exactly; with batch statistics an image
    // depends on its batch, so the end reconstructions are those of the path's own batch and
    // equal the strip's ends in either mode.
    if (s.ends == "data")
      out.endRecons = toVector(torch::cat({decoded.narrow(0, 0, 1),
                                           decoded.narrow(0, s.points - 1, 1)}));
    const auto profile = G.forward(path(za, zb, out.profileLambdas, s.spherical));
    out.profileEnergy = toDoubles(energy.energy(profile));
  }
  out.energyDecoded = toDoubles(energy.energy(decoded));
  if (s.xSteps > 0) {
    // The x-chain needs gradients of E, so it runs outside the no-grad block.
    LangevinXConfig xc = config.x;
    xc.steps = s.xSteps;
    ChainControl c;
    c.gen = &gen;
    c.stop = stop;
    const auto revised = langevinX(energy.energyNet(), decoded, xc, c);
    out.revised = toVector(revised);
    out.energyRevised = toDoubles(energy.energy(revised));
  }
  return out;
}

} // namespace ebm
