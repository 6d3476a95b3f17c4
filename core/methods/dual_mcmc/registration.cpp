// Dual-MCMC teaching as the registry and the front ends see it: its capabilities, its two chains
// and its two settings tables with their schemas (defaults from DualMcmcSettings), its loss names
// per training mode and how its loss plots group them, the aliases that read older files (which
// kept these settings in the shared [model], [x], [z] and [train] tables) and the checks between
// its settings.
#include "methods/dual_mcmc/dual_mcmc.h"
#include "methods/dual_mcmc/settings.h"

#include "errors.h"

#include <algorithm>
#include <limits>

namespace ebm {
namespace {

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

SettingSpec number(std::string key, std::string label, SettingType type, double lo, double hi,
                   double def, std::string tooltip, bool live = true) {
  return numberSetting(std::move(key), std::move(label), type, lo, hi, def, std::move(tooltip),
                       live);
}

SettingSpec choice(std::string key, std::string label, std::vector<std::string> choices,
                   std::string tooltip) {
  return choiceSetting(std::move(key), std::move(label), std::move(choices), std::move(tooltip));
}

SettingSpec flag(std::string key, std::string label, bool def, std::string tooltip) {
  return number(std::move(key), std::move(label), SettingType::Bool, 0, 1, def ? 1 : 0,
                std::move(tooltip), false);
}

// A fixed (not live) real setting of a settings table.
SettingSpec real(std::string key, std::string label, double lo, double hi, double def,
                 std::string tooltip) {
  return number(std::move(key), std::move(label), SettingType::Real, lo, hi, def,
                std::move(tooltip), false);
}

SettingSpec positive(std::string key, std::string label, double def, std::string tooltip) {
  auto s = real(std::move(key), std::move(label), 0, kUnbounded, def, std::move(tooltip));
  s.minExclusive = true;
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
  const LangevinXConfig d;
  ChainSpec c;
  c.name = "x";
  c.title = "x-Langevin on the EBM";
  c.updateRule = "x <- x - s^2/2 dE/dx + n xi   (T = (n/s)^2)";
  c.stateLabel = "x";
  c.energyLabel = "E(x)";
  c.inits = {"generator", "gaussian", "uniform"};
  c.startsFromStates = true;
  c.settings = {
      number("steps", "steps k", SettingType::Int, 0, 100000, d.steps,
             "k_x: Langevin steps of every x-chain (training and revisions)"),
      stepSize(d.stepSize, "s_x: the drift is s^2/2 times the energy gradient"),
      noise(d.noise, "n_x: standard deviation of the Gaussian noise added at each step"),
      number("snapshot_every", "snapshot every", SettingType::Int, 1, 100000, d.snapshotEvery,
             "keep the chain state every k steps for the strips (thinned to stay bounded)", false),
      choice("init", "training start", {"generator", "gaussian", "uniform", "batch"},
             "where x-chains start: generator samples G(z), or noise (short-run training)"),
  };
  return c;
}

ChainSpec zChain() {
  const LangevinZConfig d;
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
  auto sigma = number("sigma", "sigma", SettingType::Real, 0, 1e6, d.sigma,
                      "observation std of the generator in the posterior");
  sigma.minExclusive = true;
  auto priorSigma = number("prior_sigma", "prior sigma", SettingType::Real, 0, 1e6, d.priorSigma,
                           "std of the Gaussian prior of z");
  priorSigma.minExclusive = true;
  c.settings = {
      number("steps", "steps k", SettingType::Int, 0, 100000, d.steps,
             "k_z: Langevin steps of every z-chain (training and revisions)"),
      stepSize(d.stepSize, "s_z: the drift is s^2/2 times the posterior potential's gradient"),
      noise(d.noise, "n_z: standard deviation of the Gaussian noise added at each step"),
      sigma,
      priorSigma,
      number("half_sse", "textbook 1/2 SSE", SettingType::Bool, 0, 1, d.halfSse ? 1 : 0,
             "use SSE/(2 sigma^2) instead of the reference's SSE/sigma^2"),
      number("snapshot_every", "snapshot every", SettingType::Int, 1, 100000, d.snapshotEvery,
             "keep the chain state every k steps for the strips (thinned to stay bounded)", false),
      choice("init", "training start", {"inference", "inference-mean", "gaussian", "uniform"},
             "where z-chains start: the inference model q(z|x), its mean, or the prior"),
  };
  return c;
}

SettingsTable modelTable() {
  const DualMcmcNets d;
  const auto width = [](const char* key, const char* label, int def, const char* tooltip) {
    return number(key, label, SettingType::Int, 1, 4096, def, tooltip, false);
  };
  SettingsTable t;
  t.name = "model";
  t.title = "the networks beyond the data's shape";
  t.settings = {
      width("nz", "latent dimension", d.nz, "latents are (B, nz, 1, 1)"),
      width("ebm_width", "EBM width", d.ebmWidth,
            "EBM hidden width / conv channels ndf (at 64 px a multiple of 16)"),
      width("gen_width", "generator width", d.genWidth,
            "generator hidden width / conv channels ngf (at 64 px a multiple of 16)"),
      width("inf_width", "inference width", d.infWidth,
            "inference model hidden width / conv channels nif"),
      flag("gen_tanh", "tanh output", d.genTanh, "tanh on the generator output (images)"),
      flag("spectral_norm", "spectral norm", d.spectralNorm,
           "spectral norm on every conv/linear layer of the EBM"),
  };
  return t;
}

SettingsTable trainTable() {
  const DualMcmcTrain d;
  auto mode = choice("mode", "mode", {"dual", "cooperative", "short-run"},
                     "what learns from what: Dual-MCMC teaching, cooperative learning (G and I "
                     "taught by the EBM alone) or a short-run EBM (chains from noise, no G)");
  auto beta = [](const char* key, double def) {
    auto s = real(key, key, 0, 1, def, "Adam's moment decay");
    s.maxExclusive = true;
    return s;
  };
  auto lrDecay = real("lr_decay", "LR decay", 0, 1, d.lrDecay,
                      "ExponentialLR gamma per epoch (train.iters_per_epoch)");
  lrDecay.minExclusive = true;
  SettingsTable t;
  t.name = "train";
  t.title = "optimisation and losses";
  t.settings = {
      mode,
      positive("lr_e", "EBM learning rate", d.lrE, "Adam learning rate of E"),
      positive("lr_g", "generator learning rate", d.lrG, "Adam learning rate of G"),
      positive("lr_i", "inference learning rate", d.lrI, "Adam learning rate of I"),
      real("wd_e", "EBM weight decay", 0, kUnbounded, d.wdE, "coupled L2 weight decay of E"),
      real("wd_g", "generator weight decay", 0, kUnbounded, d.wdG, "coupled L2 weight decay of G"),
      real("wd_i", "inference weight decay", 0, kUnbounded, d.wdI, "coupled L2 weight decay of I"),
      beta("beta1", d.beta1),
      beta("beta2", d.beta2),
      lrDecay,
      real("g_factor", "data weight", 0, kUnbounded, d.gFactor, "weight of the data terms"),
      real("s_factor", "sample weight", 0, kUnbounded, d.sFactor,
           "weight of the EBM-sample term of L_G"),
      real("i_factor", "generated-pair weight", 0, kUnbounded, d.iFactor,
           "weight of the generated-pair term of L_I"),
      flag("two_chains", "two x-chains", d.twoChains,
           "a second x-chain from the updated G gives the EBM's negatives (the reference's "
           "fine_tune); off: x~ itself (paper Eq. 7)"),
      flag("use_temperature", "temperature", d.useTemperature,
           "divide L_E by T = (n_x/s_x)^2 (the reference's use_temp)"),
  };
  return t;
}

// Every key of every table and chain, at the place older files kept it: [model] nz, [x] steps,
// [train] lr_e and so on (the section had the sub-table's name).
std::vector<SettingAlias> aliases() {
  std::vector<SettingAlias> out;
  const auto add = [&](const std::string& table, const std::vector<SettingSpec>& schema) {
    for (const auto& s : schema)
      out.push_back({table, s.key, table, s.key});
  };
  add("model", modelTable().settings);
  add("x", xChain().settings);
  add("z", zChain().settings);
  add("train", trainTable().settings);
  return out;
}

// What holds between settings, once each passed its schema.
void check(const RunConfig& config) {
  const DualMcmcSettings s = dualMcmcSettings(config);
  // A short-run EBM has no generator to start its chains from.
  if (s.train.mode == "short-run" && s.x.init != "gaussian" && s.x.init != "uniform")
    throw ConfigError("dual_mcmc.train.mode = \"short-run\" starts x-chains from noise: it "
                      "requires dual_mcmc.x.init = \"gaussian\" or \"uniform\" (got \"" +
                      s.x.init + "\")");
  // The 64-px topology halves its widths four times from the bottom level.
  if (config.model.family == "conv" && config.model.imageSize == 64) {
    for (const auto& [key, width] :
         {std::pair{"ebm_width", s.model.ebmWidth}, std::pair{"gen_width", s.model.genWidth}})
      if (width % 16 != 0)
        throw ConfigError("dual_mcmc.model." + std::string(key) + " = " + std::to_string(width) +
                          ": must be a multiple of 16 with model.image_size = 64 (the widths "
                          "halve over four levels)");
  }
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

// The loss plots: the energies on data and on revised samples together (their gap is what the
// EBM learns from), L_E alone (divided by T = (n/s)^2 it reaches 1e5 and more), each model's
// loss with the parts of its scale, and the revisions' size. Terms a mode does not emit are left
// out; without a generator (short-run learning) the EBM's own curves are the headline.
std::vector<LossGroup> lossGroups(const std::vector<std::string>& names, bool shortRun) {
  struct Entry {
    LossGroup group;
    bool shortRunHeadline;
  };
  const std::vector<Entry> table = {
      {{"EBM energy", {"E_data", "E_neg"}, true,
        "mean energy of the data batch and of the x-revised samples; their gap drives L_E"},
       true},
      {{"generator", {"loss_G", "G_data"}, true,
        "L_G and its data term: squared error of G(z~) to the data batch"},
       false},
      {{"generator to revised samples", {"G_sample"}, false,
        "|G(z) - x~|^2 per sample: how far the x-revision moved the generator's samples, what "
        "L_G teaches G with (small on 2-D data, hence a plot of its own)"},
       false},
      {{"inference", {"loss_I", "I_real", "I_gen"}, true,
        "L_I and its parts: -log q(z~|x) on data and -log q(z|x~) on generated pairs"},
       false},
      {{"EBM loss L_E", {"loss_E"}, false, "(E_data - E_neg) / T, the loss the EBM descends"},
       true},
      {{"reconstruction", {"z_mse"}, false, "per-pixel MSE of G(z~) against the data batch"},
       false},
      {{"x-revision length", {"x_shift"}, false, "mean distance |x~ - x0| the x-chains moved"},
       true},
      {{"learning rate", {"lr_E"}, false, "the EBM's learning rate"}, false},
  };
  std::vector<LossGroup> kept;
  for (const auto& [group, shortRunHeadline] : table) {
    LossGroup g = group;
    const auto emitted = [&](const std::string& t) {
      return std::find(names.begin(), names.end(), t) != names.end();
    };
    g.terms.erase(std::stable_partition(g.terms.begin(), g.terms.end(), emitted), g.terms.end());
    if (shortRun)
      g.headline = shortRunHeadline;
    if (!g.terms.empty())
      kept.push_back(std::move(g));
  }
  return kept;
}

} // namespace

MethodInfo describeDualMcmc(const RunConfig& config) {
  const std::string mode = dualMcmcSettings(config).train.mode;
  MethodInfo info;
  info.name = "dual-mcmc";
  info.title = "Dual-MCMC teaching";
  info.capabilities.energy = true;
  info.capabilities.latentModel = true;
  info.capabilities.samplesFromNoise = true;
  info.capabilities.initializer = mode != "short-run"; // the generator proposes
  info.chains = {xChain(), zChain()};
  info.tables = {modelTable(), trainTable()};
  info.lossNames = lossNames(mode);
  info.headlineLosses = {"loss_E", "E_data", "E_neg"};
  if (mode == "dual")
    info.headlineLosses.push_back("z_mse");
  info.lossGroups = lossGroups(info.lossNames, mode == "short-run");
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
  r.isDefault = true;  // the lab's first method: train.method's default
  r.aliases = aliases();
  r.check = check;
  return r;
}

} // namespace methods
} // namespace ebm
