#include "sampling/recovery_langevin.h"

#include "errors.h"
#include "models/spectral_norm.h"

#include <cmath>

namespace ebm {
namespace {

// Per-chain gradient of the raw potential V(y) = -f(y, l) + pull_l |y - x~|^2 (§4.1 B2), with
// pull = isRecovery * kappa, so that the driver's step y - (m^2/2) dV/dy + noise is the
// reference update ½m²∇f − m²κ(y − x̃) (§2.4, §3.3).
class RecoveryKernel : public ChainKernel {
public:
  RecoveryKernel(const LevelEnergy& energy, const NoiseSchedule& schedule,
                 const torch::Tensor& start, const RecoveryChain& chain)
      : m_energy(energy), m_parts(chain.parts), m_name(chain.name) {
    TORCH_CHECK(chain.levels.defined() && chain.levels.dim() == 1 &&
                    chain.levels.size(0) == start.size(0),
                "recoveryLangevin: expected one level per chain (", start.size(0), "), got ",
                chain.levels.defined() ? chain.levels.sizes() : torch::IntArrayRef{});
    m_levels = chain.levels.to(start.device(), torch::kLong);
    const int64_t lo = m_levels.min().item<int64_t>(), hi = m_levels.max().item<int64_t>();
    TORCH_CHECK(lo >= 0 && hi < schedule.levels, "recoveryLangevin: levels ", lo, "..", hi,
                " outside the schedule's 0..", schedule.levels - 1);
    m_target = chain.conditioning.defined() ? chain.conditioning.detach() : start.detach();
    TORCH_CHECK(m_target.sizes() == start.sizes(), "recoveryLangevin: conditioning ",
                m_target.sizes(), " does not match the state ", start.sizes());
    const auto t = scheduleTensors(schedule, start.device(), start.scalar_type());
    m_pull = chain.marginal ? torch::zeros({}, start.options())
                            : perChain(t.isRecovery * t.kappa, m_levels, start.dim());
    if (lo == hi) {
      m_level = static_cast<int>(lo);
      m_uniformStep = schedule.stepSize[m_level];
    } else {
      m_stepPerChain = perChain(t.stepSize, m_levels, start.dim());
    }
  }

  std::string chainName() const override { return m_name; }
  std::string quantity() const override { return "energy f or its gradient"; }

  KernelEval evaluate(const torch::Tensor& y, const SettingValues&, bool record) override {
    return evaluateOn(m_energy, y, m_levels, m_target, m_pull, record);
  }

  KernelEval evaluateFinal(const torch::Tensor& y, const SettingValues&) override {
    return finalOn(m_energy, y, m_levels, m_target);
  }

  bool splitsByChain() const override { return static_cast<bool>(m_parts.rows); }
  // Seen capturing on an H200 (CDRL's training and sampling chains).
  bool graphCapturable() const override { return true; }
  void beginSplit(Evaluation, const SettingValues&) override {
    if (m_parts.beforeSplit)
      m_parts.beforeSplit();
  }
  KernelEval evaluatePart(Evaluation what, const torch::Tensor& y, int64_t begin,
                          const SettingValues&, bool record) override {
    HoldPowerIteration hold;
    const int64_t n = y.size(0);
    const LevelEnergy energy = m_parts.rows(begin, n);
    const auto levels = m_levels.narrow(0, begin, n), target = m_target.narrow(0, begin, n);
    if (what == Evaluation::Final)
      return finalOn(energy, y, levels, target);
    const auto pull = m_pull.dim() > 0 ? m_pull.narrow(0, begin, n) : m_pull;
    return evaluateOn(energy, y, levels, target, pull, record);
  }

  double driftCoefficient(const SettingValues& s) const override {
    const double m = multiplier(s);
    return 0.5 * m * m;
  }
  double noiseStd(const SettingValues& s) const override {
    return s.number("noise_scale", 1.0) * recordedStepSize(s);
  }
  torch::Tensor noiseFactor(const SettingValues&) const override { return m_stepPerChain; }
  double recordedStepSize(const SettingValues& s) const override {
    return multiplier(s) * (m_level >= 0 ? m_uniformStep : 1.0);
  }
  int level() const override { return m_level; }

private:
  static double multiplier(const SettingValues& s) { return s.number("step_multiplier", 1.0); }

  // The step's values for the chains y with these levels, targets x~ and pulls.
  static KernelEval evaluateOn(const LevelEnergy& energy, const torch::Tensor& y,
                               const torch::Tensor& levels, const torch::Tensor& target,
                               const torch::Tensor& pull, bool record) {
    KernelEval e;
    torch::Tensor gradF;
    {
      torch::AutoGradMode enable(true);
      const auto v = y.detach().requires_grad_(true);
      const auto f = energyAt(energy, v, levels);
      if (f.requires_grad())
        gradF = torch::autograd::grad({f.sum()}, {v}, {}, false, false, true)[0];
      e.energy = f.detach();
    }
    torch::NoGradGuard noGrad;
    const auto offset = y - target;
    e.grad = offset * (2.0 * pull);
    if (gradF.defined())
      e.grad.sub_(gradF);
    if (record) {
      e.extras.emplace_back("recovery_distance", offset.flatten(1).norm(2, 1));
      // The potential the chain moves on, V = -f + pull |y - x~|^2, for the MALA acceptance.
      e.potential = (offset.pow(2) * pull).flatten(1).sum(1) - e.energy;
    }
    return e;
  }

  static KernelEval finalOn(const LevelEnergy& energy, const torch::Tensor& y,
                            const torch::Tensor& levels, const torch::Tensor& target) {
    KernelEval e;
    e.energy = energyAt(energy, y, levels).detach();
    e.extras.emplace_back("recovery_distance", (y - target).flatten(1).norm(2, 1));
    return e;
  }

  static torch::Tensor energyAt(const LevelEnergy& energy, const torch::Tensor& y,
                                const torch::Tensor& levels) {
    auto f = energy(y, levels);
    TORCH_CHECK(f.dim() == 1 && f.size(0) == y.size(0), "recoveryLangevin: the energy must be (",
                y.size(0), "), got ", f.sizes());
    return f;
  }

  const LevelEnergy& m_energy;
  LevelEnergyParts m_parts;
  std::string m_name;
  torch::Tensor m_levels, m_target, m_pull, m_stepPerChain;
  int m_level = -1;
  double m_uniformStep = 1.0;
};

} // namespace

RecoveryChain recoveryAtLevel(const torch::Tensor& conditioning, int level) {
  RecoveryChain c;
  c.conditioning = conditioning;
  c.levels = torch::full({conditioning.size(0)}, level,
                         torch::TensorOptions().dtype(torch::kLong).device(conditioning.device()));
  return c;
}

torch::Tensor recoveryLangevin(const LevelEnergy& energy, const NoiseSchedule& schedule,
                               const torch::Tensor& y0, const RecoveryChain& chain,
                               const LiveValue<SettingValues>& settings,
                               const ChainControl& control) {
  RecoveryKernel kernel(energy, schedule, y0, chain);
  if (!chain.observedMask.defined())
    return runChain(kernel, y0, settings, control);
  // §4.4 replacement: observed entries hold the (diffused) observation and never move.
  const auto mask = chain.observedMask.to(y0.scalar_type());
  auto start = y0;
  if (chain.observed.defined())
    start = mask * chain.observed + (1.0 - mask) * y0;
  return runChain(kernel, start, settings, control, (1.0 - mask).expand_as(y0));
}

torch::Tensor recoveryLangevin(const LevelEnergy& energy, const NoiseSchedule& schedule,
                               const torch::Tensor& y0, const RecoveryChain& chain,
                               const RecoveryLangevinConfig& settings, const ChainControl& control) {
  const LiveValue<SettingValues> fixed(toSettings(settings));
  return recoveryLangevin(energy, schedule, y0, chain, fixed, control);
}

SettingValues toSettings(const RecoveryLangevinConfig& c) {
  SettingValues s;
  s.numbers = {{"steps", c.steps},
               {"step_multiplier", c.stepMultiplier},
               {"noise_scale", c.noiseScale},
               {"snapshot_every", c.snapshotEvery}};
  return s;
}

RecoveryLangevinConfig toRecoveryConfig(const SettingValues& s, RecoveryLangevinConfig c) {
  c.steps = s.integer("steps", c.steps);
  c.stepMultiplier = s.number("step_multiplier", c.stepMultiplier);
  c.noiseScale = s.number("noise_scale", c.noiseScale);
  c.snapshotEvery = s.integer("snapshot_every", c.snapshotEvery);
  return c;
}

std::vector<SettingSpec> recoverySettingSpecs(const RecoveryLangevinConfig& d) {
  auto spec = [](const char* key, const char* label, SettingType type, double lo, double hi,
                 double def, const char* tooltip) {
    SettingSpec s;
    s.key = key;
    s.label = label;
    s.type = type;
    s.min = lo;
    s.max = hi;
    s.defaultValue = def;
    s.tooltip = tooltip;
    return s;
  };
  auto m = spec("step_multiplier", "step multiplier m", SettingType::Real, 0, 100,
                d.stepMultiplier,
                "m: the Langevin step is m s_l in drift and noise; sqrt(K/K') keeps K s^2 when "
                "the steps drop from K to K'");
  m.minExclusive = true;
  m.logScale = true;
  auto snap = spec("snapshot_every", "snapshot every", SettingType::Int, 1, 100000,
                   d.snapshotEvery, "keep the chain state every k steps (thinned to stay bounded)");
  snap.live = false;
  return {spec("steps", "steps K", SettingType::Int, 0, 100000, d.steps,
               "K: Langevin steps per noise level"),
          m,
          spec("noise_scale", "noise scale nu", SettingType::Real, 0, 10, d.noiseScale,
               "nu: multiplies the injected noise (1 in training, 0.99 when sampling)"),
          snap};
}

double fewerStepsMultiplier(int steps, int fewerSteps) {
  if (steps < 1)
    throw ConfigError("steps = " + std::to_string(steps) + ": must be >= 1");
  if (fewerSteps < 1)
    throw ConfigError("fewer steps = " + std::to_string(fewerSteps) + ": must be >= 1");
  return std::sqrt(static_cast<double>(steps) / static_cast<double>(fewerSteps));
}

} // namespace ebm
