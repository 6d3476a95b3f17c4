// Dual-MCMC teaching as the registry and the front ends see it: its capabilities, its two chains
// with their settings schemas (the ranges are those RunConfig::validate() enforces for [x], [z]),
// and its loss names per training mode.
#include "methods/dual_mcmc/dual_mcmc.h"

namespace ebm {
namespace {

SettingSpec number(std::string key, std::string label, SettingType type, double lo, double hi,
                   double def, std::string tooltip, bool live = true) {
  SettingSpec s;
  s.key = std::move(key);
  s.label = std::move(label);
  s.type = type;
  s.min = lo;
  s.max = hi;
  s.defaultValue = def;
  s.tooltip = std::move(tooltip);
  s.live = live;
  return s;
}

SettingSpec choice(std::string key, std::string label, std::vector<std::string> choices,
                   std::string tooltip) {
  SettingSpec s;
  s.key = std::move(key);
  s.label = std::move(label);
  s.type = SettingType::Choice;
  s.defaultChoice = choices.front();
  s.choices = std::move(choices);
  s.tooltip = std::move(tooltip);
  s.live = false;
  return s;
}

SettingSpec stepSize(double def, const char* tooltip) {
  auto s = number("step_size", "step size s", SettingType::Real, 0, 100, def, tooltip);
  s.minExclusive = true;
  s.logScale = true;
  return s;
}

SettingSpec noise(double def, const char* tooltip) {
  auto s = number("noise", "noise n", SettingType::Real, 0, 100, def, tooltip);
  s.logScale = true;
  return s;
}

ChainSpec xChain() {
  ChainSpec c;
  c.name = "x";
  c.title = "x-Langevin on the EBM";
  c.updateRule = "x <- x - s^2/2 dE/dx + n xi   (T = (n/s)^2)";
  c.stateLabel = "x";
  c.energyLabel = "E(x)";
  c.inits = {"generator", "gaussian", "uniform"};
  c.settings = {
      number("steps", "steps k", SettingType::Int, 0, 100000, 30,
             "k_x: Langevin steps of every x-chain (training and revisions)"),
      stepSize(0.5, "s_x: the drift is s^2/2 times the energy gradient"),
      noise(1e-3, "n_x: standard deviation of the Gaussian noise added at each step"),
      number("snapshot_every", "snapshot every", SettingType::Int, 1, 100000, 5,
             "keep the chain state every k steps for the strips (thinned to stay bounded)", false),
      choice("init", "training start", {"generator", "gaussian", "uniform", "batch"},
             "where x-chains start: generator samples G(z), or noise (short-run training)"),
  };
  return c;
}

ChainSpec zChain() {
  ChainSpec c;
  c.name = "z";
  c.title = "z-Langevin on the generator posterior";
  c.updateRule = "z <- z - s^2/2 d/dz [ |x - g(z)|^2 / sigma^2 + |z|^2/2 ] + n xi";
  c.stateLabel = "z";
  c.energyLabel = "U(z)";
  c.dataSpace = false;
  c.decodes = true;
  c.hasTarget = true;
  c.hasMse = true;
  c.inits = {"inference-mean", "inference", "gaussian", "uniform"};
  auto sigma = number("sigma", "sigma", SettingType::Real, 0, 1e6, 0.3,
                      "observation std of the generator in the posterior");
  sigma.minExclusive = true;
  auto priorSigma = number("prior_sigma", "prior sigma", SettingType::Real, 0, 1e6, 1.0,
                           "std of the Gaussian prior of z");
  priorSigma.minExclusive = true;
  c.settings = {
      number("steps", "steps k", SettingType::Int, 0, 100000, 10,
             "k_z: Langevin steps of every z-chain (training and revisions)"),
      stepSize(0.1, "s_z: the drift is s^2/2 times the posterior potential's gradient"),
      noise(0.1, "n_z: standard deviation of the Gaussian noise added at each step"),
      sigma,
      priorSigma,
      number("half_sse", "textbook 1/2 SSE", SettingType::Bool, 0, 1, 0,
             "use SSE/(2 sigma^2) instead of the reference's SSE/sigma^2"),
      number("snapshot_every", "snapshot every", SettingType::Int, 1, 100000, 1,
             "keep the chain state every k steps for the strips (thinned to stay bounded)", false),
      choice("init", "training start", {"inference", "inference-mean", "gaussian", "uniform"},
             "where z-chains start: the inference model q(z|x), its mean, or the prior"),
  };
  return c;
}

std::vector<std::string> lossNames(const std::string& mode) {
  if (mode == "cooperative")
    return {"loss_E", "E_data", "E_neg",   "loss_G", "G_sample",
            "loss_I", "I_gen",  "x_shift", "lr_E"};
  if (mode == "short-run")
    return {"loss_E", "E_data", "E_neg", "x_shift", "lr_E"};
  return {"loss_E", "E_data", "E_neg", "loss_G",  "G_data", "G_sample",
          "loss_I", "I_real", "I_gen", "x_shift", "z_mse",  "lr_E"};
}

} // namespace

MethodInfo describeDualMcmc(const RunConfig& config) {
  MethodInfo info;
  info.name = "dual-mcmc";
  info.title = "Dual-MCMC teaching";
  info.capabilities.energy = true;
  info.capabilities.latentModel = true;
  info.capabilities.samplesFromNoise = true;
  info.capabilities.initializer = config.train.mode != "short-run"; // the generator proposes
  info.chains = {xChain(), zChain()};
  info.lossNames = lossNames(config.train.mode);
  info.headlineLosses = {"loss_E", "E_data", "E_neg"};
  if (config.train.mode == "dual")
    info.headlineLosses.push_back("z_mse");
  return info;
}

namespace methods {

MethodRegistration registration_dual_mcmc() {
  MethodRegistration r;
  r.name = "dual-mcmc";
  r.describe = describeDualMcmc;
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<DualMcmc>(c, d);
  };
  return r;
}

} // namespace methods
} // namespace ebm
