#include "models/temb_ebm.h"

#include "errors.h"

#include <cmath>

namespace ebm {
namespace {

namespace F = torch::nn::functional;

// Glorot-uniform with a scale (TF's variance_scaling, fan_avg, uniform), the DRL init (§2.6).
void glorotUniform(torch::Tensor& weight, torch::Tensor& bias, double scale) {
  torch::NoGradGuard noGrad;
  const int64_t receptive = weight.dim() > 2 ? weight[0][0].numel() : 1;
  const double fanIn = static_cast<double>(weight.size(1) * receptive);
  const double fanOut = static_cast<double>(weight.size(0) * receptive);
  const double limit = std::sqrt(3.0 * scale / ((fanIn + fanOut) / 2.0));
  weight.uniform_(-limit, limit);
  if (bias.defined())
    bias.zero_();
}

void checkEbmOptions(const TembEbmOptions& o) {
  if (o.family != "conv" && o.family != "mlp")
    throw ConfigError("time-conditioned EBM: family must be conv or mlp, got '" + o.family + "'");
  if (o.variant != "drl" && o.variant != "cdrl")
    throw ConfigError("time-conditioned EBM: variant must be drl or cdrl, got '" + o.variant + "'");
  if (o.inChannels < 1 || o.ch < 1 || o.tembDim < 2 || o.tembDim % 2 != 0 || o.blocksPerLevel < 1 ||
      o.chMult.empty() || o.numClasses < 0)
    throw ConfigError("time-conditioned EBM: channels, width and blocks must be >= 1 and the "
                      "embedding size even and >= 2");
  for (int64_t m : o.chMult)
    if (m < 1)
      throw ConfigError("time-conditioned EBM: every ch_mult entry must be >= 1");
}

} // namespace

torch::Tensor leakyRelu02(const torch::Tensor& x) {
  return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2));
}

TembEbmImpl::TembEbmImpl(TembEbmOptions options) : m_options(std::move(options)) {
  checkEbmOptions(m_options);
  m_drl = m_options.variant == "drl";
  m_conv = m_options.family == "conv";
  buildTimeBranch();
  buildBody();
}

void TembEbmImpl::buildTimeBranch() {
  const int64_t t = m_options.tembDim, wide = 4 * t;
  const bool sn = m_options.spectralNorm;
  m_temb1 = register_module("temb1", SnLinear(SnLinearOptions(t, wide).spectral_norm(sn)));
  m_temb2 = register_module("temb2", SnLinear(SnLinearOptions(wide, wide).spectral_norm(sn)));
  if (m_options.numClasses > 0)
    m_label = register_module(
        "label", SnLinear(SnLinearOptions(m_options.numClasses + 1, wide).spectral_norm(sn)));
  if (m_drl)
    for (SnLinear* l : {&m_temb1, &m_temb2, &m_label})
      if (*l)
        glorotUniform((*l)->weight, (*l)->bias, 1.0);
}

TembEbmImpl::Layer TembEbmImpl::layer(const std::string& name, int64_t in, int64_t out,
                                      bool zeroInit) {
  const bool sn = m_options.spectralNorm, oneSided = m_drl && zeroInit;
  Layer l;
  torch::Tensor *weight, *bias;
  if (m_conv) {
    l.conv = register_module(
        name,
        SnConv2d(SnConv2dOptions(in, out, 3).padding(1).spectral_norm(sn).one_sided(oneSided)));
    weight = &l.conv->weight;
    bias = &l.conv->bias;
  } else {
    l.linear = register_module(
        name, SnLinear(SnLinearOptions(in, out).spectral_norm(sn).one_sided(oneSided)));
    weight = &l.linear->weight;
    bias = &l.linear->bias;
  }
  // DRL: Glorot everywhere and the second layer of a block scaled to ~0 (§2.6); CDRL keeps
  // PyTorch's default init (§3.7).
  if (m_drl)
    glorotUniform(*weight, *bias, zeroInit ? 1e-10 : 1.0);
  return l;
}

void TembEbmImpl::buildBody() {
  const int64_t wide = 4 * m_options.tembDim;
  int64_t c = m_options.ch;
  m_in = layer("conv_in", m_options.inChannels, c, false);
  const size_t levels = m_options.chMult.size();
  for (size_t i = 0; i < levels; ++i) {
    const int64_t out = m_options.ch * m_options.chMult[i];
    for (int64_t b = 0; b < m_options.blocksPerLevel; ++b) {
      const std::string name = "block" + std::to_string(m_blocks.size());
      Block blk;
      blk.first = layer(name + "_1", c, out, false);
      blk.project = register_module(
          name + "_temb",
          SnLinear(SnLinearOptions(wide, out).spectral_norm(m_options.spectralNorm)));
      if (m_drl)
        glorotUniform(blk.project->weight, blk.project->bias, 1.0);
      blk.second = layer(name + "_2", out, out, true);
      if (c != out)
        blk.shortcut = layer(name + "_skip", c, out, false);
      blk.scale = register_parameter(name + "_scale", torch::ones({out}));
      blk.downsampleAfter = m_conv && b == m_options.blocksPerLevel - 1 && i + 1 < levels;
      m_blocks.push_back(std::move(blk));
      c = out;
    }
  }
  // Images: the head is an inner product of the summed features with a projection of the
  // embedding (bias in DRL only). Points: a plain linear read-out without bias (§3.9).
  m_head =
      m_conv
          ? register_module("head",
                            torch::nn::Linear(torch::nn::LinearOptions(wide, c).bias(m_drl)))
          : register_module("head", torch::nn::Linear(torch::nn::LinearOptions(c, 1).bias(false)));
  if (m_drl && m_conv)
    glorotUniform(m_head->weight, m_head->bias, 1.0);
}

torch::Tensor TembEbmImpl::temb(const torch::Tensor& sinusoid, const torch::Tensor& labels) {
  TORCH_CHECK(sinusoid.dim() == 2 && sinusoid.size(1) == m_options.tembDim,
              "time-conditioned EBM: expected (N, ", m_options.tembDim, ") time features, got ",
              sinusoid.sizes());
  auto t = m_temb2->forward(leakyRelu02(m_temb1->forward(sinusoid)));
  if (m_label) {
    TORCH_CHECK(labels.defined() && labels.dim() == 1 && labels.size(0) == sinusoid.size(0),
                "conditional EBM: expected (N) labels beside (N, D) time features");
    // Index 0 is the null label (-1 here), so class k sits at k + 1 (METHODS §3.7).
    const auto oneHot = F::one_hot(labels.to(torch::kLong) + 1, m_options.numClasses + 1)
                            .to(sinusoid.scalar_type());
    t = t + m_label->forward(oneHot);
  }
  return t;
}

TembContext TembEbmImpl::context(const torch::Tensor& sinusoid, const torch::Tensor& labels) {
  const auto a = leakyRelu02(temb(sinusoid, labels));
  TembContext ctx;
  ctx.blockShift.reserve(m_blocks.size());
  for (Block& b : m_blocks) {
    auto shift = b.project->forward(a);
    ctx.blockShift.push_back(m_drl ? shift : leakyRelu02(shift));
  }
  if (m_conv)
    ctx.head = m_head->forward(a);
  return ctx;
}

torch::Tensor TembEbmImpl::block(Block& b, const torch::Tensor& x, const torch::Tensor& shift) {
  auto h = b.first(leakyRelu02(x));
  h = h + (m_conv ? shift.unsqueeze(-1).unsqueeze(-1) : shift);
  h = b.second(leakyRelu02(h));
  h = h * (m_conv ? b.scale.view({1, -1, 1, 1}) : b.scale);
  return (b.shortcut ? b.shortcut(x) : x) + h;
}

torch::Tensor TembEbmImpl::forward(const torch::Tensor& y, const TembContext& ctx) {
  TORCH_CHECK(ctx.blockShift.size() == m_blocks.size(),
              "time-conditioned EBM: the context belongs to another network");
  TORCH_CHECK(m_conv ? (y.dim() == 4 && y.size(1) == m_options.inChannels)
                     : (y.dim() == 2 && y.size(1) == m_options.inChannels),
              "time-conditioned EBM: unexpected input shape ", y.sizes());
  auto h = m_in(y);
  for (size_t k = 0; k < m_blocks.size(); ++k) {
    h = block(m_blocks[k], h, ctx.blockShift[k]);
    if (m_blocks[k].downsampleAfter)
      h = F::avg_pool2d(h, F::AvgPool2dFuncOptions(2));
  }
  h = torch::relu(h);
  if (!m_conv)
    return m_head->forward(h).squeeze(1);
  return (h.sum({2, 3}) * ctx.head).sum(1);
}

void TembEbmImpl::advanceForwardPowerIterations(int forwards) {
  const auto advance = [](Layer& l) {
    if (l.conv && l.conv->is_training() && l.conv->options.spectral_norm())
      l.conv->sn.advance(l.conv->weight, PowerIterationPath::Forward);
    if (l.linear && l.linear->is_training() && l.linear->options.spectral_norm())
      l.linear->sn.advance(l.linear->weight, PowerIterationPath::Forward);
  };
  for (int i = 0; i < forwards; ++i) {
    advance(m_in);
    for (Block& b : m_blocks) {
      advance(b.first);
      advance(b.second);
      advance(b.shortcut);
    }
  }
}

torch::Tensor TembEbmImpl::energy(const torch::Tensor& y, const torch::Tensor& sinusoid,
                                  const torch::Tensor& labels) {
  return forward(y, context(sinusoid, labels));
}

} // namespace ebm
