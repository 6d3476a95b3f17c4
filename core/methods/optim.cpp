#include "methods/optim.h"

#include <cmath>

namespace ebm {
namespace {

thread_local const GradientAveragingScope* t_averaging = nullptr;

} // namespace

GradientAveragingScope::GradientAveragingScope(Average average)
    : m_average(std::move(average)), m_outer(t_averaging) {
  t_averaging = this;
}

GradientAveragingScope::~GradientAveragingScope() { t_averaging = m_outer; }

Adam::Adam(std::vector<std::pair<std::string, torch::Tensor>> namedParams, AdamOptions options)
    : m_options(options) {
  for (auto& [name, p] : namedParams) {
    m_names.push_back(name);
    m_params.push_back(p);
    m_expAvg.push_back(torch::zeros_like(p));
    m_expAvgSq.push_back(torch::zeros_like(p));
  }
}

void Adam::zeroGrad() {
  // set_to_none semantics (PyTorch 2.x default): the next backward allocates fresh gradients.
  for (auto& p : m_params)
    p.mutable_grad() = torch::Tensor();
}

void Adam::step() {
  if (t_averaging)
    t_averaging->m_average(m_params);
  torch::NoGradGuard noGrad;
  ++m_step;
  m_stepTensor.fill_(m_step);
  const double b1 = m_options.beta1, b2 = m_options.beta2;
  const double bc1 = 1.0 - std::pow(b1, static_cast<double>(m_step));
  const double bc2 = 1.0 - std::pow(b2, static_cast<double>(m_step));
  const double stepSize = m_options.lr / bc1;
  const double bc2Sqrt = std::sqrt(bc2);
  for (size_t i = 0; i < m_params.size(); ++i) {
    auto& p = m_params[i];
    if (!p.grad().defined())
      continue;
    auto g = p.grad();
    if (m_options.weightDecay != 0.0)
      g = g.add(p, m_options.weightDecay);
    m_expAvg[i].mul_(b1).add_(g, 1.0 - b1);
    m_expAvgSq[i].mul_(b2).addcmul_(g, g, 1.0 - b2);
    const auto denom = (m_expAvgSq[i].sqrt() / bc2Sqrt).add_(m_options.eps);
    p.addcdiv_(m_expAvg[i], denom, -stepSize);
  }
}

void Adam::stateTensors(const std::string& prefix,
                        std::vector<std::pair<std::string, torch::Tensor>>& out) const {
  for (size_t i = 0; i < m_names.size(); ++i) {
    out.emplace_back(prefix + "." + m_names[i] + ".exp_avg", m_expAvg[i]);
    out.emplace_back(prefix + "." + m_names[i] + ".exp_avg_sq", m_expAvgSq[i]);
  }
  out.emplace_back(prefix + ".step", m_stepTensor);
}

} // namespace ebm
