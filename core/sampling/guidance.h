// Classifier-free guidance and compositional generation (METHODS §3.8, §4.4) as one rule. A
// conditional model evaluated under the null label gives the unconditional term u, under label
// c_j the term t_j; the guided or composed value is
//   u + sum_j a_j (t_j - u),
// used for energies (f) and for the initializer's proposal means alike. Guidance with weight w on
// one label is a_1 = 1 + w, i.e. (1 + w) t - w u; composing labels c_1..c_n with weights w_j is
// a_j = w_j (w_j = 1: the product of the conditionals relative to the unconditional model,
// log p(x|c1,c2) = log p(x|c1) + log p(x|c2) - log p(x) + C). Any thread; no Qt/GL.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace ebm {

/// The labels a chain is conditioned on: one (B) int64 tensor per composed term (-1 = null), and
/// the term's coefficient a_j. No terms: the unconditional model.
struct Guidance {
  std::vector<torch::Tensor> labels;
  std::vector<double> coefficients;

  bool conditional() const { return !labels.empty(); }
  /// True when the unconditional term is needed (anything but one term with a_1 = 1).
  bool needsUnconditional() const {
    return labels.size() > 1 || (labels.size() == 1 && coefficients[0] != 1.0);
  }
};

/// u + sum_j a_j (t_j - u); `unconditional` may be undefined when !needsUnconditional(). Throws
/// std::invalid_argument when the terms and coefficients disagree in number or a needed
/// unconditional term is missing.
torch::Tensor guidedCombination(const torch::Tensor& unconditional,
                                const std::vector<torch::Tensor>& terms,
                                const std::vector<double>& coefficients);

/// Guidance for n chains: the labels given (one per term; -1 = null; a label per chain, or one
/// broadcast to all), the term weights w_j, and the guidance weight w: a_j = (1 + w) w_j.
Guidance makeGuidance(const std::vector<torch::Tensor>& labels, const std::vector<double>& weights,
                      double guidanceWeight);

} // namespace ebm
