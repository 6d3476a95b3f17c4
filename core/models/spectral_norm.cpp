#include "models/spectral_norm.h"

#include <c10/core/impl/LocalDispatchKeySet.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ebm {
namespace {

constexpr double kEps = 1e-12;  // PyTorch spectral_norm's eps

torch::Tensor normalized(const torch::Tensor& v) {
  return v / v.norm().clamp_min(kEps);
}

// PyTorch's default Linear/Conv init: kaiming_uniform(a=sqrt(5)) on the weight, which is
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
void defaultInit(torch::Tensor& weight, torch::Tensor& bias, int64_t fanIn) {
  torch::NoGradGuard noGrad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
  weight.uniform_(-bound, bound);
  if (bias.defined())
    bias.uniform_(-bound, bound);
}

} // namespace

void SpectralNormState::init(torch::nn::Module& owner, const torch::Tensor& weight) {
  torch::NoGradGuard noGrad;
  const int64_t rows = weight.size(0);
  const int64_t cols = weight.numel() / rows;
  m_u = owner.register_buffer("weight_u", normalized(torch::randn({rows}, weight.options())));
  m_v = owner.register_buffer("weight_v", normalized(torch::randn({cols}, weight.options())));
}

namespace {
thread_local bool t_holdPowerIteration = false;
} // namespace

HoldPowerIteration::HoldPowerIteration() : m_previous(t_holdPowerIteration) {
  t_holdPowerIteration = true;
}

HoldPowerIteration::~HoldPowerIteration() {
  t_holdPowerIteration = m_previous;
}

bool HoldPowerIteration::active() {
  return t_holdPowerIteration;
}

torch::Tensor SpectralNormState::advanceTensors(const torch::Tensor& mat) {
  torch::NoGradGuard noGrad;
  // The buffers outlive the call: under bf16 autocast (base/runtime.h) they stay float32 sums.
  const c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::autocast_dispatch_keyset);
  m_v.copy_(normalized(torch::mv(mat.t(), m_u)));
  auto wv = torch::mv(mat, m_v);
  m_u.copy_(normalized(wv));
  return wv;
}

torch::Tensor SpectralNormState::normalise(const torch::Tensor& weight, bool training,
                                           bool oneSided) {
  const auto mat = weight.reshape({weight.size(0), -1});
  const bool needGrad = torch::GradMode::is_enabled() && weight.requires_grad();
  torch::Tensor wv;  // W v after the power iteration, reusable when no gradient is needed
  if (training && !HoldPowerIteration::active())
    wv = advanceTensors(mat);
  if (!needGrad) {
    // sigma = u^T W v; with W v from above this is bit-identical to recomputing it.
    torch::NoGradGuard noGrad;
    const auto sigma = torch::dot(m_u, wv.defined() ? wv : torch::mv(mat, m_v));
    return weight / (oneSided ? sigma.clamp_min(1.0) : sigma);
  }
  // u and v are constants for autograd; in training they are cloned (as PyTorch does) because
  // the next forward updates the buffers in place while this graph may still be alive.
  const auto u = training ? m_u.clone() : m_u.detach();
  const auto v = training ? m_v.clone() : m_v.detach();
  const auto sigma = torch::dot(u, torch::mv(mat, v));
  return weight / (oneSided ? sigma.clamp_min(1.0) : sigma);
}

bool SpectralNormState::rawEligible(const torch::Tensor& weight) const {
  return weight.device().is_cpu() && weight.scalar_type() == torch::kFloat &&
         weight.is_contiguous() && m_u.is_contiguous() && m_v.is_contiguous();
}

double SpectralNormState::stepNoGrad(const torch::Tensor& weight, bool training) {
  torch::NoGradGuard noGrad;
  const bool advancing = training && !HoldPowerIteration::active();
  if (!rawEligible(weight)) {
    const auto mat = weight.reshape({weight.size(0), -1});
    if (advancing)
      return torch::dot(m_u, advanceTensors(mat)).item<double>();
    return torch::dot(m_u, torch::mv(mat, m_v)).item<double>();
  }
  if (advancing)
    advanceRaw(weight);
  return sigmaRaw(weight);
}

void SpectralNormState::advance(const torch::Tensor& weight, PowerIterationPath path) {
  torch::NoGradGuard noGrad;
  if (path == PowerIterationPath::NoGrad && rawEligible(weight))
    advanceRaw(weight);
  else
    advanceTensors(weight.reshape({weight.size(0), -1}));
}

namespace {
// Row r of W times v, accumulated in float from the first column on: advanceRaw and sigmaRaw
// both use it, so sigma repeats advanceRaw's W v to the bit.
float rowDot(const float* wr, const float* v, int64_t cols) {
  float acc = 0.f;
  for (int64_t c = 0; c < cols; ++c)
    acc += wr[c] * v[c];
  return acc;
}
} // namespace

// The tensor path's steps on raw memory: v = normalize(W^T u), u = normalize(W v), and
// sigma = u . (W v). Accumulation is in float like the tensor path; W v is recomputed by
// sigmaRaw in the same order, so the two together give the bits one fused pass gave.
void SpectralNormState::advanceRaw(const torch::Tensor& weight) {
  const int64_t rows = weight.size(0), cols = weight.numel() / rows;
  const float* w = weight.data_ptr<float>();
  float* u = m_u.data_ptr<float>();
  float* v = m_v.data_ptr<float>();
  std::fill(v, v + cols, 0.f);
  for (int64_t r = 0; r < rows; ++r) {
    const float ur = u[r];
    const float* wr = w + r * cols;
    for (int64_t c = 0; c < cols; ++c)
      v[c] += wr[c] * ur;
  }
  float nv = 0.f;
  for (int64_t c = 0; c < cols; ++c)
    nv += v[c] * v[c];
  const float invV = 1.f / std::max(std::sqrt(nv), static_cast<float>(kEps));
  for (int64_t c = 0; c < cols; ++c)
    v[c] *= invV;
  std::vector<float> wv(static_cast<size_t>(rows));
  float nu = 0.f;
  for (int64_t r = 0; r < rows; ++r) {
    const float acc = rowDot(w + r * cols, v, cols);
    wv[r] = acc;
    nu += acc * acc;
  }
  const float invU = 1.f / std::max(std::sqrt(nu), static_cast<float>(kEps));
  for (int64_t r = 0; r < rows; ++r)
    u[r] = wv[r] * invU;
}

float SpectralNormState::sigmaRaw(const torch::Tensor& weight) const {
  const int64_t rows = weight.size(0), cols = weight.numel() / rows;
  const float* w = weight.data_ptr<float>();
  const float* u = m_u.data_ptr<float>();
  const float* v = m_v.data_ptr<float>();
  float sigma = 0.f;
  for (int64_t r = 0; r < rows; ++r)
    sigma += u[r] * rowDot(w + r * cols, v, cols);
  return sigma;
}

double SpectralNormState::sigma(const torch::Tensor& weight) const {
  torch::NoGradGuard noGrad;
  const auto mat = weight.reshape({weight.size(0), -1});
  return torch::dot(m_u, torch::mv(mat, m_v)).item<double>();
}

SnLinearImpl::SnLinearImpl(const SnLinearOptions& opts) : options(opts) {
  TORCH_CHECK(opts.in_features() > 0 && opts.out_features() > 0,
              "SnLinear: features must be positive, got in=", opts.in_features(),
              " out=", opts.out_features());
  const bool sn = opts.spectral_norm();
  weight = register_parameter(sn ? "weight_orig" : "weight",
                              torch::empty({opts.out_features(), opts.in_features()}));
  if (opts.bias())
    bias = register_parameter("bias", torch::empty({opts.out_features()}));
  defaultInit(weight, bias, opts.in_features());
  if (sn)
    this->sn.init(*this, weight);
}

torch::Tensor SnLinearImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == options.in_features(), "SnLinear expects (B, ",
              options.in_features(), ") input, got ", x.sizes());
  const auto w = currentWeight();
  return bias.defined() ? torch::addmm(bias, x, w.t()) : torch::mm(x, w.t());
}

torch::Tensor SnLinearImpl::currentWeight() {
  return options.spectral_norm() ? sn.normalise(weight, is_training(), options.one_sided())
                                  : weight;
}

double SnLinearImpl::currentScaleNoGrad() {
  if (!options.spectral_norm())
    return 1.0;
  const double sigma = sn.stepNoGrad(weight, is_training());
  return 1.0 / (options.one_sided() ? std::max(sigma, 1.0) : sigma);
}

torch::Tensor SnLinearImpl::effectiveWeight() {
  torch::NoGradGuard noGrad;
  return options.spectral_norm() ? sn.normalise(weight, false, options.one_sided())
                                 : weight.clone();
}

SnConv2dImpl::SnConv2dImpl(const SnConv2dOptions& opts) : options(opts) {
  TORCH_CHECK(opts.in_channels() > 0 && opts.out_channels() > 0 && opts.kernel_size() > 0,
              "SnConv2d: sizes must be positive, got in=", opts.in_channels(),
              " out=", opts.out_channels(), " k=", opts.kernel_size());
  const bool sn = opts.spectral_norm();
  const int64_t k = opts.kernel_size();
  weight = register_parameter(sn ? "weight_orig" : "weight",
                              torch::empty({opts.out_channels(), opts.in_channels(), k, k}));
  if (opts.bias())
    bias = register_parameter("bias", torch::empty({opts.out_channels()}));
  defaultInit(weight, bias, opts.in_channels() * k * k);
  if (sn)
    this->sn.init(*this, weight);
}

torch::Tensor SnConv2dImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == options.in_channels(), "SnConv2d expects (B, ",
              options.in_channels(), ", H, W) input, got ", x.sizes());
  const auto w = options.spectral_norm()
                     ? sn.normalise(weight, is_training(), options.one_sided())
                     : weight;
  return torch::conv2d(x, w, bias, options.stride(), options.padding());
}

torch::Tensor SnConv2dImpl::effectiveWeight() {
  torch::NoGradGuard noGrad;
  return options.spectral_norm() ? sn.normalise(weight, false, options.one_sided())
                                 : weight.clone();
}

void advancePowerIterations(torch::nn::Module& net, PowerIterationPath path) {
  // modules(true) needs the top module held by a shared_ptr; a test's model may live anywhere.
  std::vector<torch::nn::Module*> all{&net};
  for (const auto& m : net.modules(/*include_self=*/false))
    all.push_back(m.get());
  for (torch::nn::Module* m : all) {
    if (!m->is_training())
      continue;
    if (auto* linear = dynamic_cast<SnLinearImpl*>(m); linear && linear->options.spectral_norm())
      linear->sn.advance(linear->weight, path);
    else if (auto* conv = dynamic_cast<SnConv2dImpl*>(m); conv && conv->options.spectral_norm())
      conv->sn.advance(conv->weight, path);
  }
}

} // namespace ebm
