#include "models/inception.h"

#include "errors.h"

#include <torch/script.h>

#include <filesystem>

namespace ebm {

struct InceptionFeatures::Impl {
  torch::jit::script::Module module;
  torch::Device device = torch::kCPU;
  std::string path;
  std::string range;
};

InceptionFeatures::InceptionFeatures(const std::string& path, torch::Device device,
                                     const std::string& inputRange)
    : m_impl(std::make_unique<Impl>()) {
  if (inputRange != "01" && inputRange != "pm1" && inputRange != "255")
    throw ConfigError("Inception input range '" + inputRange + "': expected 01, pm1 or 255");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error("Inception file " + path + " does not exist (give a TorchScript InceptionV3 "
                "saved with torch.jit.save, pool3 features of 299x299 input)");
  try {
    m_impl->module = torch::jit::load(path, device);
  } catch (const std::exception& e) {
    std::string why = e.what();
    if (const auto nl = why.find('\n'); nl != std::string::npos)
      why.resize(nl);
    throw Error("Inception file " + path + " is not a TorchScript module: " + why);
  }
  m_impl->module.eval();
  m_impl->device = device;
  m_impl->path = path;
  m_impl->range = inputRange;
}

InceptionFeatures::~InceptionFeatures() = default;

torch::Tensor InceptionFeatures::prepare(const torch::Tensor& images) const {
  TORCH_CHECK(images.dim() == 4 && (images.size(1) == 1 || images.size(1) == 3),
              "Inception features need (B, 1 or 3, H, W) images, got ", images.sizes());
  namespace F = torch::nn::functional;
  // The reference (task_fid.py): map (x + 1) / 2 and clamp to [0, 1] *before* the resize, so
  // revised samples outside [-1, 1] do not bleed into their neighbours' interpolated pixels.
  auto x = ((images.to(m_impl->device, torch::kFloat) + 1.0) * 0.5).clamp(0.0, 1.0);
  if (x.size(1) == 1)
    x = x.expand({x.size(0), 3, x.size(2), x.size(3)});
  x = F::interpolate(x, F::InterpolateFuncOptions()
                            .size(std::vector<int64_t>{299, 299})
                            .mode(torch::kBilinear)
                            .align_corners(false));
  if (m_impl->range == "pm1")
    return x * 2.0 - 1.0;
  if (m_impl->range == "255")
    return x * 255.0;
  return x;
}

torch::Tensor InceptionFeatures::features(const torch::Tensor& images, int batch) {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> parts;
  for (int64_t s = 0; s < images.size(0); s += batch) {
    const auto x = prepare(images.narrow(0, s, std::min<int64_t>(batch, images.size(0) - s)));
    torch::jit::IValue out;
    try {
      out = m_impl->module.forward({x});
    } catch (const std::exception& e) {
      std::string why = e.what();
      if (const auto nl = why.find('\n'); nl != std::string::npos)
        why.resize(nl);
      throw Error("Inception file " + m_impl->path + ": forward on (" +
                  std::to_string(x.size(0)) + ", 3, 299, 299) failed: " + why);
    }
    if (out.isTuple())
      out = out.toTuple()->elements().at(0);
    else if (out.isList())
      out = out.toListRef().at(0);
    if (!out.isTensor())
      throw Error("Inception file " + m_impl->path + ": the module returned no tensor");
    const auto f = out.toTensor();
    if (f.dim() < 2 || f.size(0) != x.size(0) || f.numel() != f.size(0) * f.size(1))
      throw Error("Inception file " + m_impl->path + ": expected (B, D) or (B, D, 1, 1) "
                  "features, got a tensor of " + std::to_string(f.dim()) + " dimensions");
    parts.push_back(f.reshape({f.size(0), f.size(1)}).to(torch::kCPU, torch::kDouble));
  }
  return torch::cat(parts, 0);
}

} // namespace ebm
