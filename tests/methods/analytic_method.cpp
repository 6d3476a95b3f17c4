#include "analytic_method.h"

#include "errors.h"
#include "io/safetensors.h"
#include "methods/capabilities.h"
#include "methods/method.h"
#include "sampling/chain_driver.h"

#include <cmath>

namespace ebm::test {
namespace {

// E(x) = |x - theta|^2 / (2 sigma^2), its gradient in closed form (no autograd).
class AnalyticKernel : public ChainKernel {
public:
  explicit AnalyticKernel(const torch::Tensor& theta) : m_theta(theta) {}
  std::string chainName() const override { return "walk"; }
  std::string quantity() const override { return "energy or gradient"; }
  KernelEval evaluate(const torch::Tensor& x, const SettingValues&, bool) override {
    KernelEval e;
    const auto d = x - m_theta;
    e.grad = d / (kAnalyticSigma * kAnalyticSigma);
    e.energy = d.pow(2).sum(1) / (2 * kAnalyticSigma * kAnalyticSigma);
    return e;
  }
  KernelEval evaluateFinal(const torch::Tensor& x, const SettingValues& s) override {
    return evaluate(x, s, true);
  }
  // Textbook Langevin at temperature 1: drift s^2/2 grad E, noise s.
  double noiseStd(const SettingValues& s) const override { return s.number("step_size"); }

private:
  torch::Tensor m_theta;
};

class AnalyticNet : public EnergyNet {
public:
  explicit AnalyticNet(torch::Tensor theta) : m_theta(std::move(theta)) {}
  torch::Tensor forward(const torch::Tensor& x) override {
    return (x - m_theta).pow(2).sum(1) / (2 * kAnalyticSigma * kAnalyticSigma);
  }

private:
  torch::Tensor m_theta;
};

MethodInfo describeNamed(const std::string& name) {
  MethodInfo info;
  info.name = name;
  info.title = "Analytic 2-D Langevin (test method)";
  info.capabilities.energy = true;
  info.capabilities.samplesFromNoise = true;
  ChainSpec walk;
  walk.name = "walk";
  walk.title = "Langevin walk on the analytic energy";
  walk.updateRule = "x <- x - s^2/2 dE/dx + s xi,  E = |x - theta|^2 / (2 sigma^2)";
  walk.stateLabel = "x";
  walk.energyLabel = "E(x)";
  walk.inits = {"gaussian"};
  SettingSpec steps;
  steps.key = "steps";
  steps.label = "steps";
  steps.type = SettingType::Int;
  steps.min = 0;
  steps.max = 10000;
  steps.defaultValue = 40;
  steps.live = false;
  steps.tooltip = "steps of every chain";
  SettingSpec step;
  step.key = "step_size";
  step.label = "step size s";
  step.min = 0;
  step.minExclusive = true;
  step.max = 2;
  step.defaultValue = 0.2;
  step.logScale = true;
  step.tooltip = "drift s^2/2 times the gradient, noise s";
  walk.settings = {steps, step};
  info.chains = {walk};
  info.lossNames = {"loss", "E_data", "E_neg", "theta_x", "theta_y"};
  info.headlineLosses = {"loss", "theta_x", "theta_y"};
  return info;
}

MethodInfo describe(const RunConfig&) { return describeNamed(kAnalyticMethod); }

class AnalyticMethod : public TrainingMethod, public EnergyModel {
public:
  AnalyticMethod(const RunConfig& config, torch::Device device,
                 const std::string& name = kAnalyticMethod, float theta0 = 1.0f)
      : m_info(describeNamed(name)), m_device(device), m_lr(0.05),
        m_theta(torch::full({1, 2}, theta0, torch::TensorOptions().device(device))),
        m_net(m_theta) {
    if (config.model.family != "mlp" || config.model.dataDim != 2)
      throw ConfigError(name + " models 2-D data (model.family = \"mlp\", data_dim = 2)");
  }

  const MethodInfo& info() const override { return m_info; }
  void setEpoch(int) override {}

  IterationResult iterate(const torch::Tensor& batch, MethodContext& ctx) override {
    const auto x = batch.to(m_device);
    const auto start = torch::randn(x.sizes(), *ctx.gen, x.options());
    AnalyticKernel kernel(m_theta);
    ChainControl control;
    control.gen = ctx.gen;
    control.stop = ctx.stop;
    control.trace = ctx.trace("walk");
    const auto negatives = runChain(kernel, start, ctx.live("walk"), control);
    IterationResult r;
    if (ctx.stopRequested()) {
      r.interrupted = true;
      return r;
    }
    // Contrastive divergence on theta: dL/dtheta = mean dE(data)/dtheta - mean dE(neg)/dtheta.
    torch::NoGradGuard noGrad;
    const double s2 = kAnalyticSigma * kAnalyticSigma;
    const auto grad = ((m_theta - x).mean(0, true) - (m_theta - negatives).mean(0, true)) / s2;
    const double eData = m_net.forward(x).mean().item<double>();
    const double eNeg = m_net.forward(negatives).mean().item<double>();
    m_theta.sub_(grad, m_lr);
    r.losses = {eData - eNeg, eData, eNeg, m_theta[0][0].item<double>(),
                m_theta[0][1].item<double>()};
    r.diverged = !std::isfinite(r.losses[0]);
    if (r.diverged)
      r.message = "loss is not finite";
    return r;
  }

  torch::Tensor revise(const RevisionRequest& request, MethodContext& ctx) override {
    if (request.chain != "walk")
      throw Error("test-analytic has no chain named '" + request.chain + "'");
    const auto start =
        request.init == "batch"
            ? request.batch.to(m_device)
            : torch::randn({request.chains, 2}, *ctx.gen, torch::TensorOptions().device(m_device));
    AnalyticKernel kernel(m_theta);
    ChainControl control;
    control.gen = ctx.gen;
    control.stop = ctx.stop;
    control.trace = ctx.trace("walk");
    control.onStep = ctx.onStep;
    return runChain(kernel, start, ctx.live("walk"), control).to(torch::kCPU);
  }

  // The chain's settings live in the method's own table, [test_analytic.walk].
  SettingValues chainSettings(const RunConfig& config, const std::string& chain) const override {
    if (chain != "walk")
      throw Error("test-analytic has no chain named '" + chain + "'");
    SettingValues v = defaultSettings(m_info.chains.front());
    if (auto it = config.methodSettings.find(chain); it != config.methodSettings.end())
      v.merge(it->second);
    return v;
  }
  void storeChainSettings(RunConfig& config, const std::string& chain,
                          const SettingValues& values) const override {
    config.methodSettings[chain] = values;
  }
  double stepsPerIteration(const std::map<std::string, SettingValues>& s) const override {
    auto it = s.find("walk");
    return it == s.end() ? 0.0 : it->second.number("steps");
  }

  EnergyModel* energyModel() override { return this; }
  torch::Tensor energy(const torch::Tensor& x) override {
    torch::NoGradGuard noGrad;
    return m_net.forward(x.to(m_device)).to(torch::kCPU);
  }
  EnergyNet& energyNet() override { return m_net; }
  torch::Tensor sampleStarts(int n, const std::string&, torch::Generator& gen) override {
    return torch::randn({n, 2}, gen, torch::TensorOptions().device(m_device));
  }

  std::vector<std::pair<std::string, torch::Tensor>> stateTensors() const override {
    return {{"theta", m_theta}};
  }
  void loadStateTensors(const SafeTensors& st) override { loadNamedTensors(stateTensors(), st); }

private:
  MethodInfo m_info;
  torch::Device m_device;
  double m_lr;
  torch::Tensor m_theta;
  AnalyticNet m_net;
};

} // namespace

void registerAnalyticMethod() {
  MethodRegistration r;
  r.name = kAnalyticMethod;
  r.describe = describe;
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<AnalyticMethod>(c, d);
  };
  registerMethod(r);
}

void registerPoisonedMethod() {
  MethodRegistration r;
  r.name = kPoisonedMethod;
  r.describe = [](const RunConfig&) { return describeNamed(kPoisonedMethod); };
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<AnalyticMethod>(c, d, kPoisonedMethod, std::nanf(""));
  };
  registerMethod(r);
}

} // namespace ebm::test
