#include "models/initializer_net.h"

#include "errors.h"

#include <algorithm>
#include <cmath>

namespace ebm {
namespace {

namespace F = torch::nn::functional;
namespace nn = torch::nn;

enum class Resample { None, Down, Up };

nn::Conv2d conv(int64_t in, int64_t out, int64_t k) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).padding(k / 2));
}

void zeroInit(torch::Tensor& weight, torch::Tensor& bias) {
  torch::NoGradGuard noGrad;
  weight.zero_();
  if (bias.defined())
    bias.zero_();
}

// GroupNorm(groups) -> SiLU -> [resample] -> layer -> GroupNorm -> AdaGN h (1 + scale) + shift
// -> SiLU -> dropout -> zero-initialised layer, plus a shortcut (METHODS §3.7). The layers are
// 3x3 convolutions for images and linear layers for points.
struct ResBlockImpl : nn::Module {
  ResBlockImpl(int64_t in, int64_t out, int64_t emb, int64_t groups, double dropout, bool image,
               Resample resample)
      : image(image), resample(resample), dropout(dropout) {
    norm1 = register_module("norm1", nn::GroupNorm(nn::GroupNormOptions(groups, in).eps(1e-6)));
    norm2 = register_module("norm2", nn::GroupNorm(nn::GroupNormOptions(groups, out).eps(1e-6)));
    modulation = register_module("emb", nn::Linear(emb, 2 * out));
    if (image) {
      conv1 = register_module("conv1", conv(in, out, 3));
      conv2 = register_module("conv2", conv(out, out, 3));
      zeroInit(conv2->weight, conv2->bias);
      if (in != out)
        skip = register_module("skip", conv(in, out, 1));
    } else {
      lin1 = register_module("lin1", nn::Linear(in, out));
      lin2 = register_module("lin2", nn::Linear(out, out));
      zeroInit(lin2->weight, lin2->bias);
      TORCH_CHECK(in == out, "initializer MLP blocks keep their width");
    }
  }

  torch::Tensor resampled(const torch::Tensor& x) const {
    if (resample == Resample::Down)
      return F::avg_pool2d(x, F::AvgPool2dFuncOptions(2));
    if (resample == Resample::Up)
      return F::interpolate(x, F::InterpolateFuncOptions()
                                   .scale_factor(std::vector<double>{2.0, 2.0})
                                   .mode(torch::kNearest));
    return x;
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb) {
    auto h = resampled(torch::silu(norm1(x)));
    const auto xs = resampled(x);
    h = image ? conv1(h) : lin1(h);
    auto ss = modulation(torch::silu(emb)).chunk(2, 1);
    auto scale = ss[0], shift = ss[1];
    if (image) {
      scale = scale.unsqueeze(-1).unsqueeze(-1);
      shift = shift.unsqueeze(-1).unsqueeze(-1);
    }
    h = norm2(h) * (1 + scale) + shift;
    h = F::dropout(torch::silu(h), F::DropoutFuncOptions().p(dropout).training(is_training()));
    h = image ? conv2(h) : lin2(h);
    return (skip ? skip(xs) : xs) + h;
  }

  bool image;
  Resample resample;
  double dropout;
  nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  nn::Linear modulation{nullptr}, lin1{nullptr}, lin2{nullptr};
  nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
};
TORCH_MODULE(ResBlock);

// Single-head self-attention over the positions, residual, output projection zero-initialised.
struct AttentionImpl : nn::Module {
  AttentionImpl(int64_t c, int64_t groups) {
    norm = register_module("norm", nn::GroupNorm(nn::GroupNormOptions(groups, c).eps(1e-6)));
    qkv = register_module("qkv", conv(c, 3 * c, 1));
    proj = register_module("proj", conv(c, c, 1));
    zeroInit(proj->weight, proj->bias);
  }

  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const auto parts = qkv(norm(x)).reshape({b, 3, c, h * w}).unbind(1);
    const auto weights = torch::softmax(
        torch::bmm(parts[0].transpose(1, 2), parts[1]) / std::sqrt(static_cast<double>(c)), -1);
    const auto out = torch::bmm(parts[2], weights.transpose(1, 2)).reshape({b, c, h, w});
    return x + proj(out);
  }

  nn::GroupNorm norm{nullptr};
  nn::Conv2d qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(Attention);

void checkInitializerOptions(const InitializerOptions& o) {
  if (o.family != "unet" && o.family != "mlp")
    throw ConfigError("initializer: family must be unet or mlp, got '" + o.family + "'");
  if (o.inChannels < 1 || o.dim < 1 || o.tembDim < 2 || o.tembDim % 2 != 0 ||
      o.blocksPerLevel < 1 || o.dimMults.empty() || o.groups < 1 || o.numClasses < 0)
    throw ConfigError("initializer: channels, width, blocks and groups must be >= 1 and the "
                      "embedding size even and >= 2");
  if (!(o.dropout >= 0 && o.dropout < 1))
    throw ConfigError("initializer: dropout must be in [0, 1), got " + std::to_string(o.dropout));
  for (int64_t m : o.dimMults)
    if (m < 1 || (o.dim * m) % o.groups != 0)
      throw ConfigError("initializer: " + std::to_string(o.groups) +
                        " GroupNorm groups must divide every width (dim " + std::to_string(o.dim) +
                        " x " + std::to_string(m) + ")");
  if (o.family == "unet" && o.imageSize % (1 << (o.dimMults.size() - 1)) != 0)
    throw ConfigError("initializer: image size " + std::to_string(o.imageSize) +
                      " does not halve " + std::to_string(o.dimMults.size() - 1) + " times");
}

} // namespace

/// One step of the U-Net: a residual block (optionally consuming a skip), an attention layer,
/// or a marker that pushes the current features onto the skip stack.
struct InitializerNetImpl::Plan {
  struct Step {
    ResBlock block{nullptr};
    Attention attention{nullptr};
    bool push = false; // down path: keep the output as a skip
    bool pop = false;  // up path: concatenate the last skip before the block
  };
  std::vector<Step> steps;
  nn::Conv2d in{nullptr}, out{nullptr};
  nn::GroupNorm outNorm{nullptr};
  nn::Linear mlpIn{nullptr}, mlpOut{nullptr};
};

InitializerNetImpl::InitializerNetImpl(InitializerOptions options)
    : m_options(std::move(options)), m_plan(std::make_shared<Plan>()) {
  checkInitializerOptions(m_options);
  const bool unet = m_options.family == "unet";
  const int64_t emb = unet ? 4 * m_options.dim : m_options.tembDim;
  m_time1 = register_module("time1", nn::Linear(m_options.tembDim, emb));
  m_time2 = register_module("time2", nn::Linear(emb, emb));
  if (m_options.numClasses > 0)
    m_label = register_module("label", nn::Linear(m_options.numClasses + 1, emb));
  if (unet)
    buildUnet();
  else
    buildMlp();
}

void InitializerNetImpl::buildUnet() {
  const InitializerOptions& o = m_options;
  const int64_t emb = 4 * o.dim;
  Plan& p = *m_plan;
  int n = 0;
  auto block = [&](int64_t in, int64_t out, Resample r) {
    Plan::Step s;
    s.block = register_module("block" + std::to_string(n++),
                              ResBlock(in, out, emb, o.groups, o.dropout, true, r));
    return s;
  };
  auto attentionAt = [&](int64_t res, int64_t c, std::vector<Plan::Step>& steps) {
    if (std::find(o.attentionResolutions.begin(), o.attentionResolutions.end(), res) ==
        o.attentionResolutions.end())
      return;
    Plan::Step s;
    s.attention = register_module("attn" + std::to_string(n++), Attention(c, o.groups));
    steps.push_back(s);
  };
  p.in = register_module("conv_in", conv(o.inChannels, o.dim, 3));
  std::vector<int64_t> skips{o.dim};
  int64_t c = o.dim, res = o.imageSize;
  const size_t levels = o.dimMults.size();
  for (size_t l = 0; l < levels; ++l) {
    for (int64_t b = 0; b < o.blocksPerLevel; ++b) {
      p.steps.push_back(block(c, o.dim * o.dimMults[l], Resample::None));
      c = o.dim * o.dimMults[l];
      attentionAt(res, c, p.steps);
      p.steps.back().push = true;
      skips.push_back(c);
    }
    if (l + 1 < levels) {
      p.steps.push_back(block(c, c, Resample::Down));
      p.steps.back().push = true;
      skips.push_back(c);
      res /= 2;
    }
  }
  p.steps.push_back(block(c, c, Resample::None)); // the middle: block, attention, block
  {
    Plan::Step s;
    s.attention = register_module("attn_mid", Attention(c, o.groups));
    p.steps.push_back(s);
  }
  p.steps.push_back(block(c, c, Resample::None));
  for (size_t l = levels; l-- > 0;) {
    for (int64_t b = 0; b <= o.blocksPerLevel; ++b) {
      Plan::Step s = block(c + skips.back(), o.dim * o.dimMults[l], Resample::None);
      s.pop = true;
      skips.pop_back();
      p.steps.push_back(s);
      c = o.dim * o.dimMults[l];
      attentionAt(res, c, p.steps);
    }
    if (l > 0) {
      p.steps.push_back(block(c, c, Resample::Up));
      res *= 2;
    }
  }
  p.outNorm =
      register_module("norm_out", nn::GroupNorm(nn::GroupNormOptions(o.groups, c).eps(1e-6)));
  p.out = register_module("conv_out", conv(c, o.inChannels, 3));
  zeroInit(p.out->weight, p.out->bias);
}

void InitializerNetImpl::buildMlp() {
  const InitializerOptions& o = m_options;
  Plan& p = *m_plan;
  p.mlpIn = register_module("lin_in", nn::Linear(o.inChannels, o.dim));
  for (int64_t b = 0; b < o.blocksPerLevel; ++b) {
    Plan::Step s;
    s.block =
        register_module("block" + std::to_string(b), ResBlock(o.dim, o.dim, o.tembDim, o.groups,
                                                              o.dropout, false, Resample::None));
    p.steps.push_back(s);
  }
  p.mlpOut =
      register_module("lin_out", nn::Linear(nn::LinearOptions(o.dim, o.inChannels).bias(false)));
  torch::Tensor noBias;
  zeroInit(p.mlpOut->weight, noBias);
}

torch::Tensor InitializerNetImpl::embedding(const torch::Tensor& sinusoid,
                                            const torch::Tensor& labels) {
  TORCH_CHECK(sinusoid.dim() == 2 && sinusoid.size(1) == m_options.tembDim,
              "initializer: expected (N, ", m_options.tembDim, ") time features, got ",
              sinusoid.sizes());
  auto e = m_time2(torch::silu(m_time1(sinusoid)));
  if (m_label) {
    TORCH_CHECK(labels.defined() && labels.dim() == 1 && labels.size(0) == sinusoid.size(0),
                "conditional initializer: expected (N) labels beside (N, D) time features");
    const auto oneHot = F::one_hot(labels.to(torch::kLong) + 1, m_options.numClasses + 1)
                            .to(sinusoid.scalar_type());
    e = e + m_label(oneHot);
  }
  return e;
}

torch::Tensor InitializerNetImpl::forward(const torch::Tensor& x, const torch::Tensor& emb) {
  return m_options.family == "unet" ? forwardUnet(x, emb) : forwardMlp(x, emb);
}

torch::Tensor InitializerNetImpl::forwardUnet(const torch::Tensor& x, const torch::Tensor& emb) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == m_options.inChannels &&
                  x.size(2) == m_options.imageSize && x.size(3) == m_options.imageSize,
              "initializer: unexpected input shape ", x.sizes());
  Plan& p = *m_plan;
  auto h = p.in(x);
  std::vector<torch::Tensor> skips{h};
  for (Plan::Step& s : p.steps) {
    if (s.pop) {
      h = torch::cat({h, skips.back()}, 1);
      skips.pop_back();
    }
    h = s.block ? s.block(h, emb) : s.attention(h);
    if (s.push)
      skips.push_back(h);
  }
  return x + p.out(torch::silu(p.outNorm(h)));
}

torch::Tensor InitializerNetImpl::forwardMlp(const torch::Tensor& x, const torch::Tensor& emb) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == m_options.inChannels,
              "initializer: unexpected input shape ", x.sizes());
  Plan& p = *m_plan;
  auto h = p.mlpIn(x);
  for (Plan::Step& s : p.steps)
    h = s.block(h, emb);
  return x + p.mlpOut(torch::silu(h));
}

} // namespace ebm
