#include "methods/recovery/recovery_settings.h"

#include "data/data_source.h"
#include "errors.h"

#include <sstream>

namespace ebm {
namespace {

SettingSpec number(std::string key, std::string label, SettingType type, double lo, double hi,
                   double def, std::string tooltip, bool live = false) {
  return numberSetting(std::move(key), std::move(label), type, lo, hi, def, std::move(tooltip),
                       live);
}

SettingSpec positive(std::string key, std::string label, double hi, double def,
                     std::string tooltip) {
  auto s =
      number(std::move(key), std::move(label), SettingType::Real, 0, hi, def, std::move(tooltip));
  s.minExclusive = true;
  s.logScale = true;
  return s;
}

SettingSpec flag(std::string key, std::string label, bool def, std::string tooltip) {
  return number(std::move(key), std::move(label), SettingType::Bool, 0, 1, def ? 1 : 0,
                std::move(tooltip));
}

SettingSpec choice(std::string key, std::string label, std::vector<std::string> choices,
                   std::string def, std::string tooltip) {
  return choiceSetting(std::move(key), std::move(label), std::move(choices), std::move(tooltip),
                       std::move(def));
}

const std::vector<std::string> kMults{"1",     "1,1",     "1,2",       "1,1,1",
                                      "1,2,2", "1,2,2,2", "1,2,2,2,4", "1,2,2,2,4,4"};

std::vector<int64_t> parseList(const std::string& text) {
  std::vector<int64_t> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty() && item != "none")
      out.push_back(std::stoll(item));
  return out;
}

SettingsTable modelTable(RecoveryVariant v) {
  SettingsTable t;
  t.name = "model";
  t.title = "the time-conditioned EBM f(y, level)" +
            std::string(v == RecoveryVariant::Cdrl ? " and the initializer" : "");
  t.settings = {
      number("ebm_width", "EBM width", SettingType::Int, 1, 4096, 64,
             "channels (or units) of the EBM's first level; level i has width x ch_mult[i]"),
      number("temb_dim", "time embedding", SettingType::Int, 2, 4096, 64,
             "size of the sinusoidal level embedding; the time MLP widens it four times"),
      choice("ch_mult", "width multipliers", kMults, "1,1",
             "EBM width multiplier per resolution level (images pool 2x2 between levels)"),
      number("blocks", "blocks per level", SettingType::Int, 1, 64, 1,
             "residual blocks per level (the paper's CIFAR-10 EBM has 8)"),
      flag("spectral_norm", "spectral norm", true, "spectral norm on the EBM's layers"),
  };
  if (v == RecoveryVariant::Cdrl) {
    std::vector<SettingSpec> init{
        number("init_width", "initializer width", SettingType::Int, 1, 4096, 64,
               "U-Net channels at the top level (images) or hidden units (2-D)"),
        number("init_temb_dim", "initializer embedding", SettingType::Int, 2, 4096, 128,
               "size of the initializer's sinusoidal level embedding"),
        choice("init_mult", "initializer multipliers", kMults, "1,1,1",
               "U-Net width multiplier per level (images only)"),
        number("init_blocks", "initializer blocks", SettingType::Int, 1, 64, 1,
               "residual blocks per U-Net level (images) or in the MLP (2-D)"),
        choice("init_attention", "attention at", {"none", "16,8", "16", "8", "32,16,8"}, "none",
               "resolutions (px) where the U-Net attends"),
        number("init_groups", "GroupNorm groups", SettingType::Int, 1, 1024, 32,
               "groups of every GroupNorm; must divide every initializer width"),
        number("init_dropout", "initializer dropout", SettingType::Real, 0, 0.99, 0,
               "dropout inside the initializer's blocks while it trains"),
    };
    t.settings.insert(t.settings.end(), init.begin(), init.end());
    t.settings.push_back(flag("conditional", "class-conditional", false,
                              "condition the EBM and the initializer on the data's labels, with "
                              "a null label for classifier-free guidance (METHODS §3.8)"));
  }
  return t;
}

SettingsTable scheduleTable(RecoveryVariant v) {
  SettingsTable t;
  t.name = "schedule";
  t.title = "the noise levels";
  t.settings = {
      number("levels", "levels", SettingType::Int, 1, v == RecoveryVariant::Drl ? 501 : 1000, 6,
             "number of noise levels L (the papers use 6)"),
      number("b_square", "step constant b^2", SettingType::Real, 0, 1, 0,
             "s_l^2 = b^2 c_l sigma_l^2; 0 = the method's own (DRL 2e-4, CDRL 4e-4, CDRL toy "
             "2e-3)"),
  };
  if (v == RecoveryVariant::Cdrl) {
    t.settings.push_back(number("lambda_min", "log-SNR min", SettingType::Real, -20, 20, -5.1,
                                "log-SNR of the noisiest state"));
    t.settings.push_back(number("lambda_max", "log-SNR max", SettingType::Real, -20, 20, 9.8,
                                "log-SNR of the least noisy state"));
    t.settings.push_back(flag("toy_constant_c", "toy step sizes", false,
                              "the 2-D example's constant c = 1/sqrt(1 - sigmoid(lambda_max)) "
                              "at every level (METHODS §3.9)"));
  }
  return t;
}

SettingsTable trainTable(RecoveryVariant v) {
  const bool cdrl = v == RecoveryVariant::Cdrl;
  SettingsTable t;
  t.name = "train";
  t.title = "optimisation";
  t.settings = {
      positive("lr_ebm", "EBM learning rate", 1, 1e-4, "Adam learning rate of the EBM"),
      number("beta1", "Adam beta1", SettingType::Real, 0, 0.999999, 0.9, "first-moment decay"),
      number("beta2", "Adam beta2", SettingType::Real, 0, 0.999999, 0.999, "second-moment decay"),
      positive("eps", "Adam eps", 1, cdrl ? 1e-8 : 1e-7, "added to the root of the second moment"),
      number("warmup", "warm-up", SettingType::Int, 0, 100000000, cdrl ? 10000 : 1000,
             "iterations of linear learning-rate warm-up"),
      number("grad_clip", "gradient clip", SettingType::Real, 0, 1e6, cdrl ? 1.0 : 0.0,
             "global gradient-norm limit per network; 0 = none"),
      number("ema_decay", "EMA decay", SettingType::Real, 0, 0.999999, cdrl ? 0.9999 : 0.999,
             cdrl ? "decay of the weights' moving average (torch_ema warm-up)"
                  : "decay of the moving average of every variable"),
  };
  if (cdrl) {
    t.settings.push_back(positive("lr_init", "initializer learning rate", 1, 1e-5,
                                  "AdamW learning rate of the initializer (weight decay 0)"));
    t.settings.push_back(number("p_cond", "null-label probability", SettingType::Real, 0, 1, 0.1,
                                "conditional models: chance that a training label is replaced "
                                "by the null label, which teaches the unconditional model"));
  }
  return t;
}

// The sample chain's conditioning settings for a model with `names.size()` classes.
std::vector<SettingSpec> guidanceSpecs(const std::vector<std::string>& names) {
  std::vector<std::string> first{"each", "none"}, more{"none"};
  std::string legend;
  for (size_t c = 0; c < names.size(); ++c) {
    first.push_back(std::to_string(c));
    more.push_back(std::to_string(c));
    legend += (legend.empty() ? "" : ", ") + std::to_string(c) + " " + names[c];
  }
  std::vector<SettingSpec> out{
      number("guidance", "guidance w", SettingType::Real, 0, 50, 0,
             "classifier-free guidance: (1+w) f(y, c) - w f(y, null), and the same for the "
             "proposal; 0 = the conditional model",
             true),
      choice("label", "label", first, "each",
             "class of every chain (each: chain i gets class i mod K; none: the null label). "
             "Classes: " + legend),
  };
  for (int j = 2; j <= kMaxComposedLabels; ++j)
    out.push_back(choice("label_" + std::to_string(j), "composed label " + std::to_string(j),
                         more, "none",
                         "composition: add log p(y|c) - log p(y) of this class too (product of "
                         "experts)"));
  for (int j = 1; j <= kMaxComposedLabels; ++j) {
    const std::string suffix = j == 1 ? "" : "_" + std::to_string(j);
    out.push_back(number("weight" + suffix, "weight " + std::to_string(j), SettingType::Real, -10,
                         10, 1, "weight of label " + std::to_string(j) + " in the composition",
                         true));
  }
  return out;
}

ChainSpec chainSpec(RecoveryVariant v, bool sampling, const std::vector<std::string>& classes) {
  const bool cdrl = v == RecoveryVariant::Cdrl;
  ChainSpec c;
  c.name = sampling ? "sample" : "y";
  c.title = sampling ? "Sampling from noise, level by level" : "Recovery chain at one level";
  c.updateRule = "y <- y + m^2/2 df/dy - m^2 kappa_l (y - x~) + nu m s_l xi   (no pull at the "
                 "top level)";
  c.stateLabel = "y";
  c.energyLabel = "f(y, l)";
  c.dataSpace = true;
  c.hasTarget = !sampling;
  c.ladder = sampling;
  c.inits = sampling ? std::vector<std::string>{cdrl ? "initializer" : "noise"}
                     : std::vector<std::string>{"data"};
  RecoveryLangevinConfig d;
  d.steps = cdrl ? 15 : 30;
  d.noiseScale = sampling && !cdrl ? 0.99 : 1.0;
  c.settings = recoverySettingSpecs(d);
  if (sampling) {
    c.settings.push_back(
        flag("ema", "EMA weights", true, "sample with the moving average of the weights"));
    c.settings.push_back(number("long_run", "long run", SettingType::Int, 0, 1000000, 0,
                                "after the last level, this many more Langevin steps on f(y, 0) "
                                "alone (no pull toward x_1): do long chains stay realistic?"));
    if (!classes.empty()) {
      const auto g = guidanceSpecs(classes);
      c.settings.insert(c.settings.end(), g.begin(), g.end());
    }
  }
  else
    c.settings.push_back(number("level", "level", SettingType::Int, 0, 999, 0,
                                "revisions: the level whose recovery the chain runs"));
  return c;
}

} // namespace

const char* recoveryName(RecoveryVariant variant) {
  return variant == RecoveryVariant::Drl ? "drl" : "cdrl";
}

MethodInfo describeRecovery(const RunConfig& config, RecoveryVariant v) {
  const bool cdrl = v == RecoveryVariant::Cdrl;
  MethodInfo info;
  info.name = recoveryName(v);
  info.title = cdrl ? "Cooperative DRL" : "Diffusion Recovery Likelihood";
  const auto levels = config.methodSettings.count("schedule")
                          ? config.methodSettings.at("schedule").integer("levels", 6)
                          : 6;
  info.capabilities.energy = true;
  info.capabilities.noiseLevels = levels;
  info.capabilities.samplesFromNoise = true;
  info.capabilities.initializer = cdrl;
  const bool conditional = cdrl && config.methodSettings.count("model") &&
                           config.methodSettings.at("model").flag("conditional", false);
  const auto classes = conditional ? dataLabelNames(config.data) : std::vector<std::string>{};
  info.chains = {chainSpec(v, false, {}), chainSpec(v, true, classes)};
  info.tables = {modelTable(v), scheduleTable(v), trainTable(v)};
  if (cdrl)
    info.lossNames = {"loss_ebm", "f_pos", "f_neg", "loss_init", "revision", "lr_ebm"};
  else
    info.lossNames = {"loss", "f_pos", "f_neg", "recovery", "lr_ebm"};
  info.headlineLosses = {info.lossNames[0], "f_pos", "f_neg"};
  return info;
}

RecoverySettings recoverySettings(const RunConfig& config, RecoveryVariant v) {
  const bool cdrl = v == RecoveryVariant::Cdrl;
  const SettingValues model = config.methodTable("model");
  const SettingValues schedule = config.methodTable("schedule");
  const SettingValues train = config.methodTable("train");
  RecoverySettings s;
  s.variant = v;
  const bool image = config.model.family == "conv";
  s.ebm.family = image ? "conv" : "mlp";
  s.ebm.variant = recoveryName(v);
  s.ebm.inChannels = image ? config.model.channels : config.model.dataDim;
  s.ebm.ch = model.integer("ebm_width");
  s.ebm.tembDim = model.integer("temb_dim");
  s.ebm.chMult = parseList(model.choice("ch_mult"));
  s.ebm.blocksPerLevel = model.integer("blocks");
  s.ebm.spectralNorm = model.flag("spectral_norm");
  if (cdrl) {
    s.initializer.family = image ? "unet" : "mlp";
    s.initializer.inChannels = s.ebm.inChannels;
    s.initializer.imageSize = config.model.imageSize;
    s.initializer.dim = model.integer("init_width");
    s.initializer.tembDim = model.integer("init_temb_dim");
    s.initializer.dimMults = parseList(model.choice("init_mult"));
    s.initializer.blocksPerLevel = model.integer("init_blocks");
    s.initializer.attentionResolutions = parseList(model.choice("init_attention"));
    s.initializer.groups = model.integer("init_groups");
    s.initializer.dropout = model.number("init_dropout");
    if (model.flag("conditional"))
      s.numClasses = s.ebm.numClasses = s.initializer.numClasses = dataLabelCount(config.data);
  }
  s.drlSchedule.levels = s.cdrlSchedule.levels = schedule.integer("levels");
  if (const double b2 = schedule.number("b_square"); b2 > 0) {
    s.drlSchedule.bSquare = b2;
    s.cdrlSchedule.bSquare = b2;
  }
  if (cdrl) {
    s.cdrlSchedule.lambdaMin = schedule.number("lambda_min");
    s.cdrlSchedule.lambdaMax = schedule.number("lambda_max");
    s.cdrlSchedule.toy2d = schedule.flag("toy_constant_c");
  }
  s.trainChain = toRecoveryConfig(config.methodTable("y"));
  const SettingValues sample = config.methodTable("sample");
  s.sampleChain = toRecoveryConfig(sample);
  s.sampleWithEma = sample.flag("ema", true);
  s.train.lrEbm = train.number("lr_ebm");
  s.train.beta1 = train.number("beta1");
  s.train.beta2 = train.number("beta2");
  s.train.eps = train.number("eps");
  s.train.warmup = train.integer("warmup");
  s.train.gradClip = train.number("grad_clip");
  s.train.emaDecay = train.number("ema_decay");
  if (cdrl) {
    s.train.lrInitializer = train.number("lr_init");
    s.train.pCond = train.number("p_cond");
  }
  return s;
}

Guidance sampleGuidance(const SettingValues& live, int n, int numClasses, torch::Device device) {
  Guidance g;
  if (numClasses <= 0)
    return g;
  const auto longs = torch::TensorOptions(torch::kLong).device(device);
  std::vector<torch::Tensor> labels;
  std::vector<double> weights;
  for (int j = 1; j <= kMaxComposedLabels; ++j) {
    const std::string suffix = j == 1 ? "" : "_" + std::to_string(j);
    const std::string label = live.choice("label" + suffix, j == 1 ? "each" : "none");
    if (j > 1 && label == "none")
      continue;
    torch::Tensor t;
    if (label == "each")
      t = torch::remainder(torch::arange(n, longs), numClasses);
    else if (label == "none")
      t = torch::full({n}, -1, longs);
    else
      t = torch::full({n}, static_cast<int64_t>(std::stoll(label)), longs);
    labels.push_back(t);
    weights.push_back(live.number("weight" + suffix, 1.0));
  }
  return makeGuidance(labels, weights, live.number("guidance", 0.0));
}

NoiseSchedule makeSchedule(const RecoverySettings& s) {
  return s.variant == RecoveryVariant::Drl ? makeDrlSchedule(s.drlSchedule)
                                           : makeCdrlSchedule(s.cdrlSchedule);
}

void checkRecovery(const RunConfig& config, RecoveryVariant v) {
  const std::string name = recoveryName(v);
  const RecoverySettings s = recoverySettings(config, v);
  if (s.ebm.tembDim % 2 != 0)
    throw ConfigError(name + ".model.temb_dim = " + std::to_string(s.ebm.tembDim) +
                      ": must be even (sines and cosines)");
  if (v == RecoveryVariant::Cdrl) {
    if (config.methodTable("model").flag("conditional") && s.numClasses == 0)
      throw ConfigError(name + ".model.conditional = true needs labelled data, and data.kind = " +
                        config.data.kind +
                        (config.data.kind == "toy2d" ? " (" + config.data.toy + ")" : "") +
                        " has no labels (labelled: fashion-mnist, cifar10, toy2d 8gaussians and "
                        "25gaussians, points files with a label column)");
    if (s.initializer.tembDim % 2 != 0)
      throw ConfigError(name + ".model.init_temb_dim = " + std::to_string(s.initializer.tembDim) +
                        ": must be even");
    for (int64_t m :
         s.initializer.family == "unet" ? s.initializer.dimMults : std::vector<int64_t>{1})
      if ((s.initializer.dim * m) % s.initializer.groups != 0)
        throw ConfigError(name + ".model.init_groups = " + std::to_string(s.initializer.groups) +
                          ": must divide every initializer width (init_width " +
                          std::to_string(s.initializer.dim) + " x " + std::to_string(m) + ")");
  }
  if (config.model.family == "conv") {
    const int64_t halvings = static_cast<int64_t>(s.ebm.chMult.size()) - 1;
    if (config.model.imageSize % (int64_t{1} << halvings) != 0)
      throw ConfigError(name + ".model.ch_mult = \"" +
                        config.methodTable("model").choice("ch_mult") +
                        "\": " + std::to_string(config.model.imageSize) + " px does not halve " +
                        std::to_string(halvings) + " times");
  }
  makeSchedule(s); // ConfigError for a bad schedule
}

} // namespace ebm
