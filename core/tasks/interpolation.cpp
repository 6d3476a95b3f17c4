#include "tasks/interpolation.h"

#include "methods/capabilities.h"
#include "methods/method.h"
#include "errors.h"
#include "sampling/langevin.h"
#include "base/runtime.h"
#include "tasks/generator_mode.h"

#include <cmath>

namespace ebm {
namespace {

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

void checkSettings(const InterpolationSettings& s) {
  if (s.points < 2 || s.points > 256)
    throw Error("interpolation: points = " + std::to_string(s.points) + " must be 2..256");
  if (s.profilePoints < 2 || s.profilePoints > 1024)
    throw Error("interpolation: profile points must be 2..1024");
  if (s.xSteps < 0 || s.zSteps < 0)
    throw Error("interpolation: step counts must be >= 0");
}

// The path's ends z(0) and z(1), each (1, nz, 1, 1).
struct Ends {
  torch::Tensor a, b;
};

// ends = prior: two seeded draws z ~ N(0, I).
Ends priorEnds(int nz, torch::Generator& gen, torch::Device device) {
  const auto z = torch::randn({2, nz, 1, 1}, gen, torch::TensorOptions().device(device));
  return {z.narrow(0, 0, 1), z.narrow(0, 1, 1)};
}

// ends = data: the inference model's means of the two images, revised by s.zSteps z-Langevin
// steps (Eq. 21) when asked for; the images go to out.ends.
Ends dataEnds(LatentModel& latent, const LangevinZConfig& base, const InterpolationSettings& s,
              const std::vector<int64_t>& sampleShape, torch::Device device, torch::Generator& gen,
              const std::atomic<bool>* stop, InterpolationResult& out) {
  int64_t per = 1;
  for (auto d : sampleShape)
    per *= d;
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
    LangevinZConfig zc = base;
    zc.steps = s.zSteps;
    ChainControl c;
    c.gen = &gen;
    c.stop = stop;
    mu = langevinZ(latent.decoder(), x, mu, zc, c);
  }
  out.ends = toFloats(x);
  return {mu.narrow(0, 0, 1), mu.narrow(0, 1, 1)};
}

// Decodes the path at out.lambdas into out.latents and out.decoded (and, for data ends, the end
// reconstructions); returns the decoded points.
torch::Tensor decodePath(Generator& G, const Ends& ends, const InterpolationSettings& s,
                         InterpolationResult& out) {
  torch::NoGradGuard noGrad;
  const auto zPath = path(ends.a, ends.b, out.lambdas, s.spherical);
  out.latents = toFloats(zPath);
  auto decoded = G.forward(zPath);
  out.decoded = toFloats(decoded);
  // The path's ends are z(0) = ends.a and z(1) = ends.b exactly; with batch statistics an image
  // depends on its batch, so the end reconstructions are those of the path's own batch and
  // equal the strip's ends in either mode.
  if (s.ends == "data")
    out.endRecons =
        toFloats(torch::cat({decoded.narrow(0, 0, 1), decoded.narrow(0, s.points - 1, 1)}));
  return decoded;
}

// E(G(z(lambda))) on the denser grid of out.profileLambdas.
std::vector<double> energyProfile(Generator& G, EnergyModel& energy, const Ends& ends,
                                  const std::vector<double>& lambdas, bool spherical) {
  torch::NoGradGuard noGrad;
  const auto profile = G.forward(path(ends.a, ends.b, lambdas, spherical));
  return toDoubles(energy.energy(profile));
}

// x-Langevin on the EBM (Eq. 5) from the decoded points, into out.revised and out.energyRevised.
void reviseDecoded(EnergyModel& energy, const LangevinXConfig& base, int steps,
                   const torch::Tensor& decoded, torch::Generator& gen,
                   const std::atomic<bool>* stop, InterpolationResult& out) {
  LangevinXConfig xc = base;
  xc.steps = steps;
  ChainControl c;
  c.gen = &gen;
  c.stop = stop;
  const auto revised = langevinX(energy.energyNet(), decoded, xc, c);
  out.revised = toFloats(revised);
  out.energyRevised = toDoubles(energy.energy(revised));
}

// Models that sample level by level (DRL, CDRL): the top-level noise is the latent space (DRL's
// smooth-latent-space claim). Every point of the path is sampled with the same chain noise
// (common random numbers), so neighbouring images differ only through their starts.
InterpolationResult interpolateNoise(TrainingMethod& method, const RunConfig& config,
                                     LevelSampler& sampler, const InterpolationSettings& s,
                                     const std::atomic<bool>* stop) {
  if (s.ends != "prior")
    throw Error("interpolation between data images needs an encoder (a latent model); " +
                method.info().title + " interpolates between two draws of its top-level noise "
                "(ends = prior)");
  if (s.xSteps > 0) // (z-steps only refine data ends, which this model cannot have)
    throw Error("interpolation: x-steps = " + std::to_string(s.xSteps) + ": " +
                method.info().title +
                " has no x-chain to add; its samples are revised at every level already");
  auto& energy = requireEnergy(method, "the interpolation's energy profile");
  const auto state = method.stateTensors();
  const auto device = state.empty() ? torch::Device(torch::kCPU) : state.front().second.device();
  InterpolationResult out;
  out.shape = dataShape(config.model);
  out.points = s.points;
  out.lambdas = linspace(s.points);
  auto gen = makeGenerator(device, s.seed);
  const auto noise = sampler.sampleNoise(2, gen);
  const auto zPath =
      path(noise.narrow(0, 0, 1), noise.narrow(0, 1, 1), out.lambdas, s.spherical);
  out.nz = static_cast<int>(zPath[0].numel());
  out.latents = toFloats(zPath.flatten(1));
  std::vector<torch::Tensor> samples;
  for (int i = 0; i < s.points; ++i) {
    FixedChainSettings chains(method, config);
    auto chainGen = makeGenerator(device, s.seed ^ 0x9E3779B97F4A7C15ULL);
    MethodContext ctx = chains.context(device, chainGen, stop);
    samples.push_back(sampler.sampleFrom(zPath.narrow(0, i, 1), ctx));
    if (stop && stop->load())
      throw Interrupted("interpolation stopped");
  }
  const auto decoded = torch::cat(samples, 0);
  out.decoded = toFloats(decoded);
  out.energyDecoded = toDoubles(energy.energy(decoded));
  // The profile is the energy at the path's own points (each costs a full sampling run).
  out.profileLambdas = out.lambdas;
  out.profileEnergy = out.energyDecoded;
  return out;
}

} // namespace

InterpolationResult interpolate(TrainingMethod& method, const RunConfig& config,
                                const InterpolationSettings& s, const std::atomic<bool>* stop) {
  checkSettings(s);
  if (!method.latentModel() && method.levelSampler())
    return interpolateNoise(method, config, *method.levelSampler(), s, stop);
  auto& latent = requireLatent(method, "interpolation");
  auto& energy = requireEnergy(method, "the interpolation's energy profile");
  Generator& G = latent.decoder();
  const auto device = G.parameters().front().device();
  auto gen = makeGenerator(device, s.seed);
  const int nz = latent.latentDim();
  const auto sampleShape = dataShape(config.model);

  InterpolationResult out;
  out.shape = sampleShape;
  out.points = s.points;
  out.lambdas = linspace(s.points);
  out.profileLambdas = linspace(s.profilePoints);

  // One BatchNorm mode for everything the generator does here: refining the data latents,
  // decoding the path and the end reconstructions (settings.generatorEval).
  const GeneratorModeGuard mode(G, s.generatorEval);
  Ends ends;
  if (s.ends == "prior")
    ends = priorEnds(nz, gen, device);
  else if (s.ends == "data")
    ends = dataEnds(latent, toZConfig(method.chainSettings(config, "z")), s, sampleShape, device,
                    gen, stop, out);
  else
    throw Error("interpolation: ends = '" + s.ends + "': expected prior or data");

  out.nz = nz;
  // The generator's passes keep their order: in batch-statistics mode each one moves
  // BatchNorm's running statistics.
  const auto decoded = decodePath(G, ends, s, out);
  out.profileEnergy = energyProfile(G, energy, ends, out.profileLambdas, s.spherical);
  out.energyDecoded = toDoubles(energy.energy(decoded));
  // The x-chain needs gradients of E, so it runs outside the no-grad blocks.
  if (s.xSteps > 0)
    reviseDecoded(energy, toXConfig(method.chainSettings(config, "x")), s.xSteps, decoded, gen,
                  stop, out);
  return out;
}

} // namespace ebm
