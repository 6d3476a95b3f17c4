#include "sampling/guidance.h"

#include <stdexcept>

namespace ebm {

torch::Tensor guidedCombination(const torch::Tensor& unconditional,
                                const std::vector<torch::Tensor>& terms,
                                const std::vector<double>& coefficients) {
  if (terms.empty() || terms.size() != coefficients.size())
    throw std::invalid_argument("guidedCombination: needs one coefficient per term");
  if (terms.size() == 1 && coefficients[0] == 1.0)
    return terms[0];
  if (!unconditional.defined())
    throw std::invalid_argument("guidedCombination: the unconditional term is missing");
  torch::Tensor out = unconditional;
  for (size_t j = 0; j < terms.size(); ++j)
    out = out + coefficients[j] * (terms[j] - unconditional);
  return out;
}

Guidance makeGuidance(const std::vector<torch::Tensor>& labels, const std::vector<double>& weights,
                      double guidanceWeight) {
  if (labels.size() != weights.size())
    throw std::invalid_argument("makeGuidance: needs one weight per label");
  Guidance g;
  g.labels = labels;
  for (double w : weights)
    g.coefficients.push_back((1.0 + guidanceWeight) * w);
  return g;
}

} // namespace ebm
