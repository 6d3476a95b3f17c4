// The Langevin samplers' typed settings as chain settings and back (core/api/langevin_settings.h).
#include "langevin_settings.h"

namespace ebm {

SettingValues toSettings(const LangevinXConfig& c) {
  SettingValues s;
  s.numbers = {{"steps", c.steps},
               {"step_size", c.stepSize},
               {"noise", c.noise},
               {"snapshot_every", c.snapshotEvery}};
  s.choices = {{"init", c.init}};
  return s;
}

SettingValues toSettings(const LangevinZConfig& c) {
  SettingValues s;
  s.numbers = {{"steps", c.steps},
               {"step_size", c.stepSize},
               {"noise", c.noise},
               {"sigma", c.sigma},
               {"prior_sigma", c.priorSigma},
               {"half_sse", c.halfSse ? 1.0 : 0.0},
               {"snapshot_every", c.snapshotEvery}};
  s.choices = {{"init", c.init}};
  return s;
}

LangevinXConfig toXConfig(const SettingValues& s, LangevinXConfig c) {
  c.steps = s.integer("steps", c.steps);
  c.stepSize = s.number("step_size", c.stepSize);
  c.noise = s.number("noise", c.noise);
  c.snapshotEvery = s.integer("snapshot_every", c.snapshotEvery);
  c.init = s.choice("init", c.init);
  return c;
}

LangevinZConfig toZConfig(const SettingValues& s, LangevinZConfig c) {
  c.steps = s.integer("steps", c.steps);
  c.stepSize = s.number("step_size", c.stepSize);
  c.noise = s.number("noise", c.noise);
  c.sigma = s.number("sigma", c.sigma);
  c.priorSigma = s.number("prior_sigma", c.priorSigma);
  c.halfSse = s.flag("half_sse", c.halfSse);
  c.snapshotEvery = s.integer("snapshot_every", c.snapshotEvery);
  c.init = s.choice("init", c.init);
  return c;
}

} // namespace ebm
