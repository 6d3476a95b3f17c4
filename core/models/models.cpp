#include "models/models.h"

#include "models/spectral_norm.h"

namespace ebm {
namespace F = torch::nn::functional;
namespace {

torch::Tensor lrelu(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2)); }

torch::Tensor avgPool2(const torch::Tensor& x) { return F::avg_pool2d(x, F::AvgPool2dFuncOptions(2)); }

torch::Tensor upsample2(const torch::Tensor& x) {
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .scale_factor(std::vector<double>{2.0, 2.0})
                               .mode(torch::kBilinear)
                               .align_corners(true));
}

SnConv2d snConv(int64_t in, int64_t out, int64_t k, int64_t pad, bool sn) {
  return SnConv2d(SnConv2dOptions(in, out, k).padding(pad).bias(false).spectral_norm(sn));
}

// ---------------------------------------------------------------- MLP family (2-D data)

class MlpEnergy : public EnergyNet {
public:
  explicit MlpEnergy(const NetConfig& c) : m_dim(c.dataDim) {
    const int64_t w = c.ebmWidth;
    const bool sn = c.spectralNorm;
    m_l1 = register_module("l1", SnLinear(SnLinearOptions(c.dataDim, w).spectral_norm(sn)));
    m_l2 = register_module("l2", SnLinear(SnLinearOptions(w, w).spectral_norm(sn)));
    m_l3 = register_module("l3", SnLinear(SnLinearOptions(w, w).spectral_norm(sn)));
    m_out = register_module("out", SnLinear(SnLinearOptions(w, 1).bias(false).spectral_norm(sn)));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    TORCH_CHECK(x.dim() == 2 && x.size(1) == m_dim, "MLP EBM expects (B, ", m_dim, "), got ",
                x.sizes());
    auto h = lrelu(m_l1(x));
    h = lrelu(m_l2(h));
    h = lrelu(m_l3(h));
    return m_out(h).squeeze(1);
  }

  // Forward and input-gradient by hand: three leaky-ReLU layers and a bias-free head. The
  // weights (and the spectral-norm power iteration) are exactly those a forward would use.
  torch::Tensor energyAndGrad(const torch::Tensor& x, torch::Tensor& grad,
                              bool withEnergy) override {
    TORCH_CHECK(x.dim() == 2 && x.size(1) == m_dim, "MLP EBM expects (B, ", m_dim, "), got ",
                x.sizes());
    torch::NoGradGuard noGrad;
    // Each layer applies s * W with s = 1/sigma: folded into the forward products (addmm's
    // alpha) and, since the backward is linear in its incoming gradient, applied to the input
    // gradient once at the end.
    const double s1 = m_l1->currentScaleNoGrad(), s2 = m_l2->currentScaleNoGrad(),
                 s3 = m_l3->currentScaleNoGrad(), so = m_out->currentScaleNoGrad();
    const auto &w1 = m_l1->weight, &w2 = m_l2->weight, &w3 = m_l3->weight, &wo = m_out->weight;
    const auto a1 = torch::addmm(m_l1->bias, x, w1.t(), 1.0, s1);
    const auto a2 = torch::addmm(m_l2->bias, lrelu(a1), w2.t(), 1.0, s2);
    const auto a3 = torch::addmm(m_l3->bias, lrelu(a2), w3.t(), 1.0, s3);
    torch::Tensor e;
    if (withEnergy)
      e = torch::mm(lrelu(a3), wo.t()).squeeze(1).mul_(so);
    auto g = torch::leaky_relu_backward(wo.expand({x.size(0), wo.size(1)}), a3, 0.2, false);
    g = torch::leaky_relu_backward(torch::mm(g, w3), a2, 0.2, false);
    g = torch::leaky_relu_backward(torch::mm(g, w2), a1, 0.2, false);
    grad = torch::mm(g, w1).mul_(so * s3 * s2 * s1);
    return e;
  }
  void advanceForEnergyAndGrad() override {
    advancePowerIterations(*this, PowerIterationPath::NoGrad);
  }
  // The spectral scales are read on the host (currentScaleNoGrad).
  bool graphCapturable() const override { return false; }

private:
  int64_t m_dim;
  SnLinear m_l1{nullptr}, m_l2{nullptr}, m_l3{nullptr}, m_out{nullptr};
};

class MlpGenerator : public Generator {
public:
  explicit MlpGenerator(const NetConfig& c) : m_nz(c.nz), m_tanh(c.genTanh) {
    const int64_t w = c.genWidth;
    m_l1 = register_module("l1", torch::nn::Linear(c.nz, w));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm1d(w));
    m_l2 = register_module("l2", torch::nn::Linear(w, w));
    m_bn2 = register_module("bn2", torch::nn::BatchNorm1d(w));
    m_out = register_module("out", torch::nn::Linear(w, c.dataDim));
  }
  torch::Tensor forward(const torch::Tensor& z) override {
    TORCH_CHECK(z.dim() == 4 && z.size(1) == m_nz && z.size(2) == 1 && z.size(3) == 1,
                "generator expects (B, ", m_nz, ", 1, 1), got ", z.sizes());
    auto h = torch::relu(m_bn1(m_l1(z.flatten(1))));
    h = torch::relu(m_bn2(m_l2(h)));
    h = m_out(h);
    return m_tanh ? torch::tanh(h) : h;
  }

  // The same forward (BatchNorm in training mode updates its running statistics exactly as
  // forward() does) with the backward written out through ATen's batch-norm backward.
  torch::Tensor forwardAndVjp(const torch::Tensor& z,
                              const std::function<torch::Tensor(const torch::Tensor&)>& outGrad,
                              torch::Tensor& dz) override {
    if (!is_training())
      return Generator::forwardAndVjp(z, outGrad, dz);
    TORCH_CHECK(z.dim() == 4 && z.size(1) == m_nz && z.size(2) == 1 && z.size(3) == 1,
                "generator expects (B, ", m_nz, ", 1, 1), got ", z.sizes());
    torch::NoGradGuard noGrad;
    const auto z2 = z.flatten(1);
    const auto a1 = torch::addmm(m_l1->bias, z2, m_l1->weight.t());
    const auto bn1 = batchNorm(*m_bn1, a1);
    const auto h1 = torch::relu(std::get<0>(bn1));
    const auto a2 = torch::addmm(m_l2->bias, h1, m_l2->weight.t());
    const auto bn2 = batchNorm(*m_bn2, a2);
    const auto h2 = torch::relu(std::get<0>(bn2));
    auto out = torch::addmm(m_out->bias, h2, m_out->weight.t());
    if (m_tanh)
      out = torch::tanh(out);
    auto g = outGrad(out);
    if (m_tanh)
      g = torch::tanh_backward(g, out);
    g = torch::threshold_backward(torch::mm(g, m_out->weight), h2, 0);
    g = batchNormBackward(*m_bn2, g, a2, bn2);
    g = torch::threshold_backward(torch::mm(g, m_l2->weight), h1, 0);
    g = batchNormBackward(*m_bn1, g, a1, bn1);
    dz = torch::mm(g, m_l1->weight).view(z.sizes());
    return out;
  }

private:
  using BnResult = std::tuple<torch::Tensor, torch::Tensor, torch::Tensor>;

  static BnResult batchNorm(torch::nn::BatchNorm1dImpl& bn, const torch::Tensor& x) {
    bn.num_batches_tracked += 1;  // as BatchNorm1dImpl::forward does in training mode
    return torch::native_batch_norm(x, bn.weight, bn.bias, bn.running_mean, bn.running_var,
                                    true, bn.options.momentum().value(), bn.options.eps());
  }

  static torch::Tensor batchNormBackward(torch::nn::BatchNorm1dImpl& bn, const torch::Tensor& g,
                                         const torch::Tensor& x, const BnResult& fwd) {
    return std::get<0>(torch::native_batch_norm_backward(
        g, x, bn.weight, bn.running_mean, bn.running_var, std::get<1>(fwd), std::get<2>(fwd),
        true, bn.options.eps(), {true, false, false}));
  }

  int64_t m_nz;
  bool m_tanh;
  torch::nn::Linear m_l1{nullptr}, m_l2{nullptr}, m_out{nullptr};
  torch::nn::BatchNorm1d m_bn1{nullptr}, m_bn2{nullptr};
};

class MlpInference : public InferenceNet {
public:
  explicit MlpInference(const NetConfig& c) : m_dim(c.dataDim) {
    const int64_t w = c.infWidth;
    m_l1 = register_module("l1", torch::nn::Linear(c.dataDim, w));
    m_l2 = register_module("l2", torch::nn::Linear(w, w));
    m_mu = register_module("mu", torch::nn::Linear(w, c.nz));
    m_logvar = register_module("logvar", torch::nn::Linear(w, c.nz));
  }
  Posterior forward(const torch::Tensor& x) override {
    TORCH_CHECK(x.dim() == 2 && x.size(1) == m_dim, "MLP inference net expects (B, ", m_dim,
                "), got ", x.sizes());
    auto h = lrelu(m_l1(x));
    h = lrelu(m_l2(h));
    return {m_mu(h).unsqueeze(2).unsqueeze(3), m_logvar(h).unsqueeze(2).unsqueeze(3)};
  }

private:
  int64_t m_dim;
  torch::nn::Linear m_l1{nullptr}, m_l2{nullptr}, m_mu{nullptr}, m_logvar{nullptr};
};

// ---------------------------------------------------- conv family (28/32/64-px images)

// SNGAN-discriminator residual blocks of the reference EBM (METHODS §1.3).
class EbmStartBlock : public torch::nn::Module {
public:
  EbmStartBlock(int64_t in, int64_t out, bool sn) {
    c1 = register_module("c1", snConv(in, out, 3, 1, sn));
    c2 = register_module("c2", snConv(out, out, 3, 1, sn));
    sc = register_module("sc", snConv(in, out, 1, 0, sn));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = avgPool2(c2(torch::relu(c1(x))));
    return h + sc(avgPool2(x));
  }
  SnConv2d c1{nullptr}, c2{nullptr}, sc{nullptr};
};

class EbmBlock : public torch::nn::Module {
public:
  EbmBlock(int64_t in, int64_t out, bool down, bool sn) : m_down(down) {
    c1 = register_module("c1", snConv(in, out, 3, 1, sn));
    c2 = register_module("c2", snConv(out, out, 3, 1, sn));
    if (in != out || down)
      sc = register_module("sc", snConv(in, out, 1, 0, sn));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = c2(torch::relu(c1(torch::relu(x))));
    auto s = sc ? sc(x) : x;
    if (m_down) {
      h = avgPool2(h);
      s = avgPool2(s);
    }
    return h + s;
  }
  SnConv2d c1{nullptr}, c2{nullptr}, sc{nullptr};

private:
  bool m_down;
};

class ConvEnergy : public EnergyNet {
public:
  explicit ConvEnergy(const NetConfig& c) : m_shape(dataShape(c)) {
    const int64_t w = c.ebmWidth;
    const bool sn = c.spectralNorm;
    if (c.imageSize == 64) {
      // CelebA-64: widths w/16 -> w, every block halves the resolution, 64 -> 2.
      TORCH_CHECK(w % 16 == 0, "the 64-px conv EBM halves its width four times: ebm_width must ",
                  "be a multiple of 16, got ", w);
      m_start = register_module("start", std::make_shared<EbmStartBlock>(c.channels, w / 16, sn));
      for (int64_t in = w / 16; in < w; in *= 2)
        addBlock(in, 2 * in, true, sn);
    } else {
      // CIFAR-10: constant width, 32 -> 16 -> 8 (28 -> 14 -> 7).
      m_start = register_module("start", std::make_shared<EbmStartBlock>(c.channels, w, sn));
      addBlock(w, w, true, sn);
      addBlock(w, w, false, sn);
      addBlock(w, w, false, sn);
    }
    m_fc = register_module("fc", SnLinear(SnLinearOptions(w, 1).bias(false).spectral_norm(sn)));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    TORCH_CHECK(x.dim() == 4 && x.size(1) == m_shape[0] && x.size(2) == m_shape[1] &&
                    x.size(3) == m_shape[2],
                "conv EBM expects (B, ", m_shape[0], ", ", m_shape[1], ", ", m_shape[2],
                "), got ", x.sizes());
    auto h = m_start->forward(x);
    for (auto& b : m_blocks)
      h = b->forward(h);
    h = torch::relu(h).mean({2, 3});
    return m_fc(h).squeeze(1);
  }

private:
  void addBlock(int64_t in, int64_t out, bool down, bool sn) {
    m_blocks.push_back(register_module("b" + std::to_string(m_blocks.size() + 1),
                                       std::make_shared<EbmBlock>(in, out, down, sn)));
  }

  std::vector<int64_t> m_shape;
  std::shared_ptr<EbmStartBlock> m_start;
  std::vector<std::shared_ptr<EbmBlock>> m_blocks;
  SnLinear m_fc{nullptr};
};

// The reference generator block: BN-ReLU-up-conv-BN-ReLU-conv plus an up-conv1x1 shortcut.
class GenBlock : public torch::nn::Module {
public:
  GenBlock(int64_t in, int64_t out) {
    bn1 = register_module("bn1", torch::nn::BatchNorm2d(in));
    c1 = register_module("c1", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1)));
    bn2 = register_module("bn2", torch::nn::BatchNorm2d(out));
    c2 = register_module("c2", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 3).padding(1)));
    sc = register_module("sc", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = c1(upsample2(torch::relu(bn1(x))));
    h = c2(torch::relu(bn2(h)));
    return h + sc(upsample2(x));
  }
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Conv2d c1{nullptr}, c2{nullptr}, sc{nullptr};
};

// Channels at each resolution of the conv generator, from the bottom (fc output) to the top.
std::vector<int64_t> generatorWidths(const NetConfig& c) {
  const int64_t w = c.genWidth;
  if (c.imageSize == 64) {
    // CelebA-64: 4 -> 8 -> 16 -> 32 -> 64, halving the width at every block.
    TORCH_CHECK(w % 16 == 0, "the 64-px conv generator halves its width four times: gen_width ",
                "must be a multiple of 16, got ", w);
    return {w, w / 2, w / 4, w / 8, w / 16};
  }
  if (c.imageSize == 28)
    return {w, w, w};  // 7 -> 14 -> 28
  return {w, w, w, w};  // CIFAR-10: 4 -> 8 -> 16 -> 32
}

class ConvGenerator : public Generator {
public:
  explicit ConvGenerator(const NetConfig& c)
      : m_nz(c.nz), m_widths(generatorWidths(c)), m_bottom(c.imageSize == 28 ? 7 : 4),
        m_tanh(c.genTanh) {
    const int64_t top = m_widths.back();
    m_fc = register_module("fc", torch::nn::Linear(c.nz, m_bottom * m_bottom * m_widths[0]));
    for (size_t i = 0; i + 1 < m_widths.size(); ++i)
      m_blocks.push_back(register_module("g" + std::to_string(i + 1),
                                         std::make_shared<GenBlock>(m_widths[i], m_widths[i + 1])));
    m_bn = register_module("bn", torch::nn::BatchNorm2d(top));
    m_out = register_module(
        "out", torch::nn::Conv2d(torch::nn::Conv2dOptions(top, c.channels, 3).padding(1)));
  }
  torch::Tensor forward(const torch::Tensor& z) override {
    TORCH_CHECK(z.dim() == 4 && z.size(1) == m_nz && z.size(2) == 1 && z.size(3) == 1,
                "generator expects (B, ", m_nz, ", 1, 1), got ", z.sizes());
    auto h = m_fc(z.flatten(1)).view({z.size(0), m_widths[0], m_bottom, m_bottom});
    for (auto& b : m_blocks)
      h = b->forward(h);
    h = m_out(torch::relu(m_bn(h)));
    return m_tanh ? torch::tanh(h) : h;
  }

private:
  int64_t m_nz;
  std::vector<int64_t> m_widths;
  int64_t m_bottom;
  bool m_tanh;
  torch::nn::Linear m_fc{nullptr};
  std::vector<std::shared_ptr<GenBlock>> m_blocks;
  torch::nn::BatchNorm2d m_bn{nullptr};
  torch::nn::Conv2d m_out{nullptr};
};

torch::nn::Conv2d plainConv(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad,
                            bool bias) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(pad).bias(bias));
}

class ConvInference : public InferenceNet {
public:
  explicit ConvInference(const NetConfig& c) : m_shape(dataShape(c)) {
    const int64_t w = c.infWidth;
    if (c.imageSize == 32 || c.imageSize == 64) {
      // CIFAR-10: 32 -> 32 -> 16 -> 8 -> 4; CelebA-64: 64 -> 32 -> 16 -> 8 -> 4 (a strided
      // 4x4 first conv); heads 4x4 valid.
      if (c.imageSize == 64)
        m_convs.push_back(plainConv(c.channels, w, 4, 2, 1, false));
      else
        m_convs.push_back(plainConv(c.channels, w, 3, 1, 1, false));
      m_convs.push_back(plainConv(w, 2 * w, 4, 2, 1, false));
      m_convs.push_back(plainConv(2 * w, 4 * w, 4, 2, 1, false));
      m_convs.push_back(plainConv(4 * w, 8 * w, 4, 2, 1, false));
      m_mu = plainConv(8 * w, c.nz, 4, 1, 0, true);
      m_logvar = plainConv(8 * w, c.nz, 4, 1, 0, true);
    } else {
      // 28 -> 14 -> 7 -> 7, heads 7x7 valid (METHODS §4.5 option B).
      m_convs.push_back(plainConv(c.channels, w, 4, 2, 1, false));
      m_convs.push_back(plainConv(w, 2 * w, 4, 2, 1, false));
      m_convs.push_back(plainConv(2 * w, 4 * w, 3, 1, 1, false));
      m_mu = plainConv(4 * w, c.nz, 7, 1, 0, true);
      m_logvar = plainConv(4 * w, c.nz, 7, 1, 0, true);
    }
    for (size_t i = 0; i < m_convs.size(); ++i)
      register_module("c" + std::to_string(i + 1), m_convs[i]);
    register_module("mu", m_mu);
    register_module("logvar", m_logvar);
  }
  Posterior forward(const torch::Tensor& x) override {
    TORCH_CHECK(x.dim() == 4 && x.size(1) == m_shape[0] && x.size(2) == m_shape[1] &&
                    x.size(3) == m_shape[2],
                "conv inference net expects (B, ", m_shape[0], ", ", m_shape[1], ", ",
                m_shape[2], "), got ", x.sizes());
    auto h = x;
    for (auto& c : m_convs)
      h = lrelu(c(h));
    return {m_mu(h), m_logvar(h)};
  }

private:
  std::vector<int64_t> m_shape;
  std::vector<torch::nn::Conv2d> m_convs;
  torch::nn::Conv2d m_mu{nullptr}, m_logvar{nullptr};
};

} // namespace

torch::Tensor EnergyNet::energyAndGrad(const torch::Tensor& x, torch::Tensor& grad, bool) {
  auto xv = x.detach().requires_grad_(true);
  auto e = forward(xv);
  grad = torch::autograd::grad({e.sum()}, {xv})[0];
  return e.detach();
}

void EnergyNet::advanceForEnergyAndGrad() {
  advancePowerIterations(*this, PowerIterationPath::Forward);
}

torch::Tensor Generator::forwardAndVjp(
    const torch::Tensor& z, const std::function<torch::Tensor(const torch::Tensor&)>& outGrad,
    torch::Tensor& dz) {
  auto zv = z.detach().requires_grad_(true);
  auto out = forward(zv);
  const auto g = outGrad(out.detach());
  // Under bfloat16 autocast the output is bf16 and g (a residual against float data) float.
  dz = torch::autograd::grad({out}, {zv}, {g.to(out.scalar_type())})[0];
  return out.detach();
}

std::vector<int64_t> dataShape(const ModelConfig& c) {
  if (c.family == "mlp")
    return {c.dataDim};
  return {c.channels, c.imageSize, c.imageSize};
}

std::vector<int64_t> dataShape(const NetConfig& c) {
  if (c.family == "mlp")
    return {c.dataDim};
  return {c.channels, c.imageSize, c.imageSize};
}

std::shared_ptr<EnergyNet> makeEnergyNet(const NetConfig& c) {
  if (c.family == "mlp")
    return std::make_shared<MlpEnergy>(c);
  return std::make_shared<ConvEnergy>(c);
}

std::shared_ptr<Generator> makeGeneratorNet(const NetConfig& c) {
  if (c.family == "mlp")
    return std::make_shared<MlpGenerator>(c);
  return std::make_shared<ConvGenerator>(c);
}

std::shared_ptr<InferenceNet> makeInferenceNet(const NetConfig& c) {
  if (c.family == "mlp")
    return std::make_shared<MlpInference>(c);
  return std::make_shared<ConvInference>(c);
}

void applyReferenceInit(torch::nn::Module& module) {
  torch::NoGradGuard noGrad;
  for (auto& m : module.modules(/*include_self=*/true)) {
    if (auto* conv = dynamic_cast<torch::nn::Conv2dImpl*>(m.get())) {
      torch::nn::init::xavier_normal_(conv->weight);
    } else if (auto* sn = dynamic_cast<SnConv2dImpl*>(m.get())) {
      torch::nn::init::xavier_normal_(sn->weight);
    } else if (auto* bn1 = dynamic_cast<torch::nn::BatchNorm1dImpl*>(m.get())) {
      bn1->weight.normal_(0.0, 1.0);
      bn1->bias.zero_();
    } else if (auto* bn2 = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) {
      bn2->weight.normal_(0.0, 1.0);
      bn2->bias.zero_();
    }
  }
}

int64_t parameterCount(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters())
    n += p.numel();
  return n;
}

} // namespace ebm
