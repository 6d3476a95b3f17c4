// Exponential moving average of a module's parameters (METHODS §4.1 B6): DRL averages every
// variable, spectral-norm u/v buffers included, with a fixed decay 0.999 (§2.5); CDRL uses
// torch_ema's warm-up, decay min(d, (1 + n) / (10 + n)) at the n-th update, d = 0.9999, over
// parameters only (§3.5 item 7). The averages are named tensors so a checkpoint stores them;
// sampling swaps them into the module (bit-exact swap back) or copies them into a second one.
// Worker thread only; no Qt/GL.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ebm {

struct EmaOptions {
  double decay = 0.999;   // d
  bool warmup = false;    // torch_ema's num-updates warm-up (CDRL)
  bool buffers = false;   // also average floating-point buffers (DRL: spectral-norm u, v)
};

class Ema {
public:
  /// The averages start as copies of the module's current values (TF and torch_ema alike).
  Ema(const torch::nn::Module& module, EmaOptions options);

  /// min(d, (1 + n) / (10 + n)): the decay torch_ema applies at its n-th update (n from 1).
  static double warmupDecay(double decay, int64_t n);
  /// The decay the next update() applies.
  double nextDecay() const;

  /// One update: shadow <- shadow - (1 - decay) (shadow - value), values of `module` (the one
  /// it was built from, or one with the same names and shapes).
  void update(const torch::nn::Module& module);
  int64_t updates() const { return m_updates; }

  /// Puts the averages into `module`, keeping its raw values for swapOut (sampling with EMA
  /// weights); swapOut restores them bit for bit. Swapping in twice is a programmer error.
  void swapIn(torch::nn::Module& module);
  void swapOut(torch::nn::Module& module);
  bool swappedIn() const { return m_swapped; }
  /// Copies the averages into `other` (e.g. a second network kept for sampling).
  void copyTo(torch::nn::Module& other) const;

  /// The averages as "<prefix>.<name>" and the update count as "<prefix>.num_updates". Copying
  /// into them (a checkpoint load) restores the average; call syncFromState() after.
  void stateTensors(const std::string& prefix,
                    std::vector<std::pair<std::string, torch::Tensor>>& out) const;
  void syncFromState() { m_updates = m_updatesTensor.item<int64_t>(); }

private:
  std::vector<torch::Tensor> averagedValues(const torch::nn::Module& module) const;

  EmaOptions m_options;
  std::vector<std::string> m_names;
  std::vector<torch::Tensor> m_shadow, m_stash;
  int64_t m_updates = 0;
  bool m_swapped = false;
  torch::Tensor m_updatesTensor = torch::zeros({1}, torch::kLong);
};

/// Swaps an EMA into a module for the lifetime of the scope (sampling, evaluation).
class EmaScope {
public:
  EmaScope(Ema& ema, torch::nn::Module& module) : m_ema(ema), m_module(module) {
    m_ema.swapIn(m_module);
  }
  ~EmaScope() { m_ema.swapOut(m_module); }
  EmaScope(const EmaScope&) = delete;
  EmaScope& operator=(const EmaScope&) = delete;

private:
  Ema& m_ema;
  torch::nn::Module& m_module;
};

} // namespace ebm
