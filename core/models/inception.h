// Optional InceptionV3 features for a true FID, from a TorchScript file the user supplies
// (the project ships none and cannot download one). The module must map (B, 3, 299, 299)
// float images to pool3 features (B, 2048) (or (B, 2048, 1, 1), or a tuple/list whose first
// element is that), as pytorch-fid's FID InceptionV3 does. Calling thread only; no Qt/GL.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

namespace ebm {

class InceptionFeatures {
public:
  /// What pixel range the module expects: "01" ([0, 1], pytorch-fid's convention, the
  /// default), "pm1" ([-1, 1]) or "255" ([0, 255]).
  /// Throws ebm::Error naming the file when it is missing or not a TorchScript module, and
  /// ConfigError for an unknown range.
  InceptionFeatures(const std::string& path, torch::Device device,
                    const std::string& inputRange = "01");
  ~InceptionFeatures();
  InceptionFeatures(const InceptionFeatures&) = delete;
  InceptionFeatures& operator=(const InceptionFeatures&) = delete;

  /// pool3 features (N, D) float64 on the CPU of images (N, C, H, W) in [-1, 1] with C = 1
  /// (replicated to three channels) or 3: mapped to (x + 1) / 2 and clamped to [0, 1] first (as
  /// the reference), then resized to 299x299 bilinearly (align_corners false) and mapped to the
  /// module's range, in batches of `batch`.
  torch::Tensor features(const torch::Tensor& images, int batch = 50);

  /// The per-batch input the module receives, exposed for tests: (B, 3, 299, 299).
  torch::Tensor prepare(const torch::Tensor& images) const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace ebm
