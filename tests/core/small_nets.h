// Small networks for chain tests that run on any device: a 2-D MLP and a 28×28 conv net, and a
// copy of a model's buffers (spectral norm's u and v, BatchNorm's statistics) on the CPU.
#pragma once

#include "models/models.h"

#include <torch/torch.h>

#include <vector>

namespace ebm::test {

inline NetConfig mlpNet() {
  NetConfig c;
  c.family = "mlp";
  c.dataDim = 2;
  c.ebmWidth = 64;
  c.genWidth = 32;
  c.nz = 2;
  return c;
}

inline NetConfig convNet() {
  NetConfig c;
  c.family = "conv";
  c.imageSize = 28;
  c.channels = 1;
  c.ebmWidth = 16;
  c.genWidth = 16;
  c.nz = 8;
  return c;
}

inline std::vector<torch::Tensor> buffersOf(const torch::nn::Module& m) {
  std::vector<torch::Tensor> b;
  for (const auto& t : m.buffers())
    b.push_back(t.detach().cpu().clone());
  return b;
}

} // namespace ebm::test
