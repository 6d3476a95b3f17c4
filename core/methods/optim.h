// Adam with PyTorch's semantics (coupled L2 weight decay, bias correction, eps outside the
// square root), written out so that its state is plain named tensors for checkpoints and
// behaves identically on LibTorch 1.13 and 2.x. Worker thread only; no Qt/GL.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ebm {

struct AdamOptions {
  double lr = 1e-3;           // learning rate (> 0)
  double beta1 = 0.9;         // first-moment decay [0, 1)
  double beta2 = 0.999;       // second-moment decay [0, 1)
  double eps = 1e-8;          // added to sqrt(v_hat)
  double weightDecay = 0.0;   // coupled L2: grad += wd * param
};

/// While one is alive on a thread, every Adam::step() on that thread first passes its parameters
/// to `average` (data-parallel training: the gradients are averaged over the ranks before the
/// update), so a method's optimisers need no knowledge of how many processes train. Nests; the
/// innermost scope applies.
class GradientAveragingScope {
public:
  using Average = std::function<void(const std::vector<torch::Tensor>& params)>;
  explicit GradientAveragingScope(Average average);
  ~GradientAveragingScope();
  GradientAveragingScope(const GradientAveragingScope&) = delete;
  GradientAveragingScope& operator=(const GradientAveragingScope&) = delete;

private:
  Average m_average;
  const GradientAveragingScope* m_outer;
  friend class Adam;
};

class Adam {
public:
  Adam(std::vector<std::pair<std::string, torch::Tensor>> namedParams, AdamOptions options);

  void zeroGrad();
  /// One update of every parameter that has a gradient.
  void step();

  void setLr(double lr) { m_options.lr = lr; }
  double lr() const { return m_options.lr; }
  int64_t steps() const { return m_step; }

  /// The live state tensors: "<prefix>.<param>.exp_avg", ".exp_avg_sq" and "<prefix>.step".
  /// Copying into them (a checkpoint load) restores the optimiser; call syncFromState() after.
  void stateTensors(const std::string& prefix,
                    std::vector<std::pair<std::string, torch::Tensor>>& out) const;
  void syncFromState() { m_step = m_stepTensor.item<int64_t>(); }

private:
  std::vector<std::string> m_names;
  std::vector<torch::Tensor> m_params, m_expAvg, m_expAvgSq;
  AdamOptions m_options;
  int64_t m_step = 0;
  torch::Tensor m_stepTensor = torch::zeros({1}, torch::kLong);  // m_step, for checkpoints
};

} // namespace ebm
