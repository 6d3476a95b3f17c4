#include "methods/ema.h"

#include <algorithm>

namespace ebm {
namespace {

// The values an EMA averages, by name: every parameter, and with `buffers` every
// floating-point buffer (integer buffers such as counters are not averages of anything).
std::vector<std::pair<std::string, torch::Tensor>> namedValues(const torch::nn::Module& module,
                                                               bool buffers) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : module.named_parameters(true))
    out.emplace_back(p.key(), p.value());
  if (buffers)
    for (const auto& b : module.named_buffers(true))
      if (b.value().is_floating_point())
        out.emplace_back(b.key(), b.value());
  return out;
}

} // namespace

Ema::Ema(const torch::nn::Module& module, EmaOptions options) : m_options(options) {
  torch::NoGradGuard noGrad;
  for (auto& [name, value] : namedValues(module, m_options.buffers)) {
    m_names.push_back(name);
    m_shadow.push_back(value.detach().clone());
  }
}

double Ema::warmupDecay(double decay, int64_t n) {
  return std::min(decay, (1.0 + static_cast<double>(n)) / (10.0 + static_cast<double>(n)));
}

double Ema::nextDecay() const {
  return m_options.warmup ? warmupDecay(m_options.decay, m_updates + 1) : m_options.decay;
}

std::vector<torch::Tensor> Ema::averagedValues(const torch::nn::Module& module) const {
  auto named = namedValues(module, m_options.buffers);
  TORCH_CHECK(named.size() == m_names.size(), "Ema: the module has ", named.size(),
              " averaged tensors, the average ", m_names.size());
  std::vector<torch::Tensor> values;
  values.reserve(named.size());
  for (size_t i = 0; i < named.size(); ++i) {
    TORCH_CHECK(named[i].first == m_names[i] && named[i].second.sizes() == m_shadow[i].sizes(),
                "Ema: module tensor ", named[i].first, " ", named[i].second.sizes(),
                " does not match the average's ", m_names[i], " ", m_shadow[i].sizes());
    values.push_back(named[i].second);
  }
  return values;
}

void Ema::update(const torch::nn::Module& module) {
  const auto values = averagedValues(module);
  torch::NoGradGuard noGrad;
  const double decay = nextDecay();
  ++m_updates;
  m_updatesTensor.fill_(m_updates);
  // torch_ema's form: shadow -= (1 - decay) (shadow - value) (TF's assign_moving_average too).
  for (size_t i = 0; i < m_shadow.size(); ++i)
    m_shadow[i].sub_((m_shadow[i] - values[i].detach()).mul_(1.0 - decay));
}

void Ema::swapIn(torch::nn::Module& module) {
  TORCH_CHECK(!m_swapped, "Ema: swapIn twice without swapOut");
  const auto values = averagedValues(module);
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < values.size(); ++i) {
    m_stash.push_back(values[i].detach().clone());
    values[i].detach().copy_(m_shadow[i]);
  }
  m_swapped = true;
}

void Ema::swapOut(torch::nn::Module& module) {
  TORCH_CHECK(m_swapped, "Ema: swapOut without swapIn");
  const auto values = averagedValues(module);
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < values.size(); ++i)
    values[i].detach().copy_(m_stash[i]);
  m_stash.clear();
  m_swapped = false;
}

void Ema::copyTo(torch::nn::Module& other) const {
  const auto values = averagedValues(other);
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < values.size(); ++i)
    values[i].detach().copy_(m_shadow[i]);
}

void Ema::stateTensors(const std::string& prefix,
                       std::vector<std::pair<std::string, torch::Tensor>>& out) const {
  for (size_t i = 0; i < m_names.size(); ++i)
    out.emplace_back(prefix + "." + m_names[i], m_shadow[i]);
  out.emplace_back(prefix + ".num_updates", m_updatesTensor);
}

} // namespace ebm
