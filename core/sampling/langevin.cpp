#include "sampling/langevin.h"
#include "base/runtime.h"
#include "models/spectral_norm.h"

namespace ebm {
namespace {

// Eq. 5: the gradient of E at x; E itself only when the trace shows it.
class EnergyKernel : public ChainKernel {
public:
  explicit EnergyKernel(EnergyNet& energy) : m_energy(energy) {}
  std::string chainName() const override { return "x"; }
  std::string quantity() const override { return "energy or gradient"; }
  KernelEval evaluate(const torch::Tensor& x, const SettingValues&, bool record) override {
    KernelEval e;
    e.energy = m_energy.energyAndGrad(x, e.grad, record);
    return e;
  }
  KernelEval evaluateFinal(const torch::Tensor& x, const SettingValues&) override {
    KernelEval e;
    e.energy = m_energy.forward(x);
    return e;
  }
  // An EBM has no batch statistics: chains are independent once the power iteration is held.
  bool splitsByChain() const override { return m_energy.splitsByChain(); }
  bool graphCapturable() const override { return m_energy.graphCapturable(); }
  void beginSplit(Evaluation what, const SettingValues&) override {
    if (what == Evaluation::Step)
      m_energy.advanceForEnergyAndGrad();
    else
      advancePowerIterations(m_energy, PowerIterationPath::Forward);
  }
  KernelEval evaluatePart(Evaluation what, const torch::Tensor& x, int64_t,
                          const SettingValues& s, bool record) override {
    HoldPowerIteration hold;
    return what == Evaluation::Step ? evaluate(x, s, record) : evaluateFinal(x, s);
  }

private:
  EnergyNet& m_energy;
};

struct PosteriorScales {
  double likelihood; // c in c SSE: 1 / sigma^2 (reference) or 1 / (2 sigma^2) (half_sse)
  double prior;      // 1 / sigma_p^2
  double priorSigma; // sigma_p
  torch::Tensor priorTerm(const torch::Tensor& z) const {
    return z.pow(2).flatten(1).sum(1) / (2.0 * priorSigma * priorSigma);
  }
};

PosteriorScales posteriorScales(const SettingValues& s) {
  const double sigma = s.number("sigma", 0.3), priorSigma = s.number("prior_sigma", 1.0);
  return {(s.flag("half_sse") ? 0.5 : 1.0) / (sigma * sigma), 1.0 / (priorSigma * priorSigma),
          priorSigma};
}

// Eq. 21: U(z) = c SSE(G(z), x) + |z|^2 / (2 sigma_p^2), over observed pixels when masked.
class PosteriorKernel : public ChainKernel {
public:
  PosteriorKernel(Generator& generator, const torch::Tensor& x, const torch::Tensor& mask)
      : m_G(generator), m_x(x), m_mask(mask) {}
  std::string chainName() const override { return "z"; }
  std::string quantity() const override { return "posterior potential or gradient"; }

  KernelEval evaluate(const torch::Tensor& z, const SettingValues& s, bool record) override {
    return evaluateAgainst(z, m_x, m_mask, s, record);
  }

  // In training mode the reference's generator normalises over the batch (BatchNorm), which
  // couples the chains; otherwise they are independent.
  bool splitsByChain() const override {
    for (const auto& m : m_G.modules(/*include_self=*/false))
      if (m->is_training() && (dynamic_cast<const torch::nn::BatchNorm1dImpl*>(m.get()) ||
                               dynamic_cast<const torch::nn::BatchNorm2dImpl*>(m.get())))
        return false;
    return true;
  }
  void beginSplit(Evaluation, const SettingValues&) override {
    advancePowerIterations(m_G, PowerIterationPath::Forward);
  }
  // Both generators' forward and vector-Jacobian product stay on the device.
  bool graphCapturable() const override { return true; }
  KernelEval evaluatePart(Evaluation what, const torch::Tensor& z, int64_t begin,
                          const SettingValues& s, bool record) override {
    HoldPowerIteration hold;
    const int64_t n = z.size(0);
    const auto rows = [&](const torch::Tensor& t) {
      return t.defined() && t.dim() == m_x.dim() && t.size(0) == m_x.size(0) && t.size(0) > 1
                 ? t.narrow(0, begin, n)
                 : t;
    };
    const auto x = m_x.narrow(0, begin, n), mask = rows(m_mask);
    return what == Evaluation::Step ? evaluateAgainst(z, x, mask, s, record)
                                    : finalAgainst(z, x, mask, s);
  }

  KernelEval evaluateFinal(const torch::Tensor& z, const SettingValues& s) override {
    return finalAgainst(z, m_x, m_mask, s);
  }

  void describe(Trace& t) const override {
    t.decodedShape.assign(m_x.sizes().begin() + 1, m_x.sizes().end());
    t.target = toFloats(m_x);
  }

private:
  // The step's evaluation for targets x (and mask), the rows of the chains z.
  KernelEval evaluateAgainst(const torch::Tensor& z, const torch::Tensor& x,
                             const torch::Tensor& mask, const SettingValues& s, bool record) {
    // The likelihood part goes back through G as a vector-Jacobian product with
    // dU/dG = 2c (G(z) - x) (masked); the prior's gradient is added here.
    const auto k = posteriorScales(s);
    KernelEval e;
    e.decoded = m_G.forwardAndVjp(
        z,
        [&](const torch::Tensor& out) {
          auto residual = out - x;
          if (mask.defined())
            residual = residual * mask;
          e.energy = residual.pow(2).flatten(1).sum(1) * k.likelihood + k.priorTerm(z);
          return residual * (2.0 * k.likelihood);
        },
        e.grad);
    torch::NoGradGuard noGrad;
    e.grad.add_(z, k.prior);
    if (record)
      e.mse = mse(e.decoded, x, mask);
    return e;
  }

  KernelEval finalAgainst(const torch::Tensor& z, const torch::Tensor& x,
                          const torch::Tensor& mask, const SettingValues& s) {
    const auto k = posteriorScales(s);
    KernelEval e;
    e.decoded = m_G.forward(z);
    auto residual = e.decoded - x;
    if (mask.defined())
      residual = residual * mask;
    e.energy = residual.pow(2).flatten(1).sum(1) * k.likelihood + k.priorTerm(z);
    e.mse = mse(e.decoded, x, mask);
    return e;
  }

  // Per-pixel MSE of the decoded state; over observed pixels when masked.
  static torch::Tensor mse(const torch::Tensor& decoded, const torch::Tensor& x,
                           const torch::Tensor& mask) {
    auto r = (decoded - x).pow(2);
    if (!mask.defined())
      return r.flatten(1).mean(1);
    auto m = mask.expand_as(r);
    return (r * m).flatten(1).sum(1) / m.flatten(1).sum(1).clamp_min(1.0);
  }

  Generator& m_G;
  torch::Tensor m_x, m_mask;
};

} // namespace

torch::Tensor langevinX(EnergyNet& energy, const torch::Tensor& x0,
                        const LiveValue<SettingValues>& settings, const ChainControl& control,
                        const torch::Tensor& mask) {
  EnergyKernel kernel(energy);
  return runChain(kernel, x0, settings, control, mask.defined() ? (1.0 - mask) : torch::Tensor());
}

torch::Tensor langevinX(EnergyNet& energy, const torch::Tensor& x0, const LangevinXConfig& settings,
                        const ChainControl& control, const torch::Tensor& mask) {
  const LiveValue<SettingValues> fixed(toSettings(settings));
  return langevinX(energy, x0, fixed, control, mask);
}

torch::Tensor langevinZ(Generator& generator, const torch::Tensor& x, const torch::Tensor& z0,
                        const LiveValue<SettingValues>& settings, const ChainControl& control,
                        const torch::Tensor& mask) {
  TORCH_CHECK(x.size(0) == z0.size(0), "langevinZ: ", x.size(0), " targets but ", z0.size(0),
              " chains");
  PosteriorKernel kernel(generator, x, mask);
  return runChain(kernel, z0, settings, control);
}

torch::Tensor langevinZ(Generator& generator, const torch::Tensor& x, const torch::Tensor& z0,
                        const LangevinZConfig& settings, const ChainControl& control,
                        const torch::Tensor& mask) {
  const LiveValue<SettingValues> fixed(toSettings(settings));
  return langevinZ(generator, x, z0, fixed, control, mask);
}

} // namespace ebm
