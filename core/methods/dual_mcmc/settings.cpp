#include "methods/dual_mcmc/settings.h"

namespace ebm {
namespace {

const SettingValues* stored(const RunConfig& config, const std::string& table) {
  const auto it = config.methodSettings.find(table);
  return it == config.methodSettings.end() ? nullptr : &it->second;
}

} // namespace

SettingValues toSettings(const DualMcmcNets& n) {
  SettingValues s;
  s.numbers = {{"nz", n.nz},
               {"ebm_width", n.ebmWidth},
               {"gen_width", n.genWidth},
               {"inf_width", n.infWidth},
               {"gen_tanh", n.genTanh ? 1.0 : 0.0},
               {"spectral_norm", n.spectralNorm ? 1.0 : 0.0}};
  return s;
}

SettingValues toSettings(const DualMcmcTrain& t) {
  SettingValues s;
  s.numbers = {{"lr_e", t.lrE},
               {"lr_g", t.lrG},
               {"lr_i", t.lrI},
               {"wd_e", t.wdE},
               {"wd_g", t.wdG},
               {"wd_i", t.wdI},
               {"beta1", t.beta1},
               {"beta2", t.beta2},
               {"lr_decay", t.lrDecay},
               {"g_factor", t.gFactor},
               {"s_factor", t.sFactor},
               {"i_factor", t.iFactor},
               {"two_chains", t.twoChains ? 1.0 : 0.0},
               {"use_temperature", t.useTemperature ? 1.0 : 0.0}};
  s.choices = {{"mode", t.mode}};
  return s;
}

DualMcmcNets toNets(const SettingValues& s, DualMcmcNets n) {
  n.nz = s.integer("nz", n.nz);
  n.ebmWidth = s.integer("ebm_width", n.ebmWidth);
  n.genWidth = s.integer("gen_width", n.genWidth);
  n.infWidth = s.integer("inf_width", n.infWidth);
  n.genTanh = s.flag("gen_tanh", n.genTanh);
  n.spectralNorm = s.flag("spectral_norm", n.spectralNorm);
  return n;
}

DualMcmcTrain toTrain(const SettingValues& s, DualMcmcTrain t) {
  t.mode = s.choice("mode", t.mode);
  t.lrE = s.number("lr_e", t.lrE);
  t.lrG = s.number("lr_g", t.lrG);
  t.lrI = s.number("lr_i", t.lrI);
  t.wdE = s.number("wd_e", t.wdE);
  t.wdG = s.number("wd_g", t.wdG);
  t.wdI = s.number("wd_i", t.wdI);
  t.beta1 = s.number("beta1", t.beta1);
  t.beta2 = s.number("beta2", t.beta2);
  t.lrDecay = s.number("lr_decay", t.lrDecay);
  t.gFactor = s.number("g_factor", t.gFactor);
  t.sFactor = s.number("s_factor", t.sFactor);
  t.iFactor = s.number("i_factor", t.iFactor);
  t.twoChains = s.flag("two_chains", t.twoChains);
  t.useTemperature = s.flag("use_temperature", t.useTemperature);
  return t;
}

DualMcmcSettings dualMcmcSettings(const RunConfig& config) {
  DualMcmcSettings s;
  if (const auto* v = stored(config, "model"))
    s.model = toNets(*v, s.model);
  if (const auto* v = stored(config, "x"))
    s.x = toXConfig(*v, s.x);
  if (const auto* v = stored(config, "z"))
    s.z = toZConfig(*v, s.z);
  if (const auto* v = stored(config, "train"))
    s.train = toTrain(*v, s.train);
  return s;
}

void storeDualMcmcSettings(RunConfig& config, const DualMcmcSettings& settings) {
  config.methodSettings["model"] = toSettings(settings.model);
  config.methodSettings["x"] = toSettings(settings.x);
  config.methodSettings["z"] = toSettings(settings.z);
  config.methodSettings["train"] = toSettings(settings.train);
}

} // namespace ebm
