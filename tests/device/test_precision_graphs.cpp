// The GPU path's settings (base/runtime.h, sampling/step_graph.h): the precision setting's
// arithmetic (bf16 autocast close to float32, and really in effect) and CUDA graphs (a replayed
// chain is the eager chain bit for bit; a step that cannot be captured runs eagerly). The tests
// named *_CUDA skip without a GPU; the others run everywhere.
#include "base/runtime.h"
#include "errors.h"
#include "methods/capabilities.h"
#include "methods/method.h"
#include "models/spectral_norm.h"
#include "sampling/langevin.h"
#include "sampling/step_graph.h"

#include "small_nets.h"

#include <gtest/gtest.h>

#include <iostream>

namespace ebm {
namespace {

using test::buffersOf;
using test::convNet;
using test::mlpNet;

// Puts the process-wide settings back when a test ends.
class GpuSettings : public ::testing::Test {
protected:
  void TearDown() override {
    setPrecision("tf32");
    setCudaGraphs(false);
  }
};

torch::Device cuda() { return torch::Device(torch::kCUDA, 0); }

struct ChainRun {
  torch::Tensor state;
  std::vector<torch::Tensor> buffers;  // the model's buffers afterwards (u, v, BN statistics)
};

// An unrecorded x-chain (the training chains' path) from fixed weights and a fixed seed.
ChainRun runX(const NetConfig& net, torch::Device device, int chains, int steps) {
  torch::manual_seed(5);
  auto energy = makeEnergyNet(net);
  energy->to(device);
  energy->train(true);
  auto shape = dataShape(net);
  shape.insert(shape.begin(), chains);
  auto gen = makeGenerator(device, 21);
  const auto x0 = torch::randn(shape, gen, torch::TensorOptions().device(device));
  LangevinXConfig cfg;
  cfg.steps = steps;
  cfg.stepSize = 0.05;
  cfg.noise = 0.01;
  ChainControl control;
  control.gen = &gen;
  ChainRun r;
  r.state = langevinX(*energy, x0, cfg, control).cpu();
  r.buffers = buffersOf(*energy);
  return r;
}

// An unrecorded z-chain with the generator in training mode (BatchNorm over the batch).
ChainRun runZ(const NetConfig& net, torch::Device device, int chains, int steps) {
  torch::manual_seed(6);
  auto generator = makeGeneratorNet(net);
  generator->to(device);
  generator->train(true);
  auto gen = makeGenerator(device, 22);
  const auto opts = torch::TensorOptions().device(device);
  auto shape = dataShape(net);
  shape.insert(shape.begin(), chains);
  const auto x = torch::rand(shape, gen, opts) * 2 - 1;
  const auto z0 = torch::randn({chains, net.nz, 1, 1}, gen, opts);
  LangevinZConfig cfg;
  cfg.steps = steps;
  ChainControl control;
  control.gen = &gen;
  ChainRun r;
  r.state = langevinZ(*generator, x, z0, cfg, control).cpu();
  r.buffers = buffersOf(*generator);
  return r;
}

void expectSameRun(const ChainRun& a, const ChainRun& b) {
  EXPECT_TRUE(torch::equal(a.state, b.state))
      << "max |difference| " << (a.state - b.state).abs().max().item<double>();
  ASSERT_EQ(a.buffers.size(), b.buffers.size());
  for (size_t i = 0; i < a.buffers.size(); ++i)
    EXPECT_TRUE(torch::equal(a.buffers[i], b.buffers[i]))
        << "buffer " << i << " " << a.buffers[i].sizes() << ": max |difference| "
        << (a.buffers[i].to(torch::kDouble) - b.buffers[i].to(torch::kDouble)).abs().max()
               .item<double>();
}

struct GradientError {
  double relative = 0;  // |g_bf16 - g_fp32| / |g_fp32| over the batch
  double cosine = 0;    // the direction: g_bf16 . g_fp32 / (|g_bf16| |g_fp32|)
};

// The bf16 input gradient of the energy against the float32 one for a batch, both through the
// precision scope the chains use, at the same weights (the power iteration held).
GradientError bf16GradientError(EnergyNet& energy, const torch::Tensor& x) {
  const HoldPowerIteration hold;
  const auto gradient = [&](const std::string& precision) {
    setPrecision(precision);
    const PrecisionScope scope(x.device());
    torch::Tensor g;
    energy.energyAndGrad(x, g, false);
    return g.to(torch::kFloat);
  };
  const auto g32 = gradient("fp32").flatten();
  const auto g16 = gradient("bf16").flatten();
  return {((g16 - g32).norm() / g32.norm()).item<double>(),
          (torch::dot(g16, g32) / (g16.norm() * g32.norm())).item<double>()};
}

TEST_F(GpuSettings, PrecisionRefusesAnUnknownNameAndSwitchesTf32) {
  EXPECT_EQ(RunConfig{}.runtime.precision, "tf32");
  const std::string before = precisionSetting();
  EXPECT_THROW(setPrecision("fp16"), ConfigError);
  EXPECT_EQ(precisionSetting(), before);
  setPrecision("tf32");
  EXPECT_TRUE(at::globalContext().allowTF32CuBLAS());
  EXPECT_TRUE(at::globalContext().allowTF32CuDNN());
  setPrecision("fp32");
  EXPECT_FALSE(at::globalContext().allowTF32CuBLAS());
  EXPECT_FALSE(at::globalContext().allowTF32CuDNN());
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  cfg.applyOverride("runtime.precision=bf16");
  cfg.applyOverride("runtime.cuda_graphs=true");
  EXPECT_NO_THROW(cfg.validate());
  EXPECT_THROW(cfg.applyOverride("runtime.precision=half"), ConfigError);
}

TEST_F(GpuSettings, Bf16AutocastIsInEffectAndCloseToFloat32OnTheCpu) {
  torch::manual_seed(3);
  auto energy = makeEnergyNet(convNet());
  const auto x = torch::rand({8, 1, 28, 28}) * 2 - 1;
  const auto error = bf16GradientError(*energy, x);
  std::cout << "bf16 vs fp32 input gradient, small conv EBM at its initial weights on the CPU: "
            << "relative error " << error.relative << ", cosine " << error.cosine << "\n";
  EXPECT_GT(error.relative, 0.0) << "autocast changed nothing";
  EXPECT_GT(error.cosine, 0.95);
  // The scope leaves nothing behind: after it, the gradient is the float32 one again.
  setPrecision("fp32");
  energy->eval();
  torch::Tensor before, after;
  energy->energyAndGrad(x, before, false);
  setPrecision("bf16");
  {
    const PrecisionScope scope(torch::kCPU);
    torch::Tensor inside;
    energy->energyAndGrad(x, inside, false);
    EXPECT_FALSE(torch::equal(inside, before));
  }
  energy->energyAndGrad(x, after, false);
  EXPECT_TRUE(torch::equal(after, before));
}

TEST_F(GpuSettings, Bf16ChainsMoveCloseToFloat32Chains) {
  for (const auto& net : {convNet(), mlpNet()}) {
    SCOPED_TRACE(net.family);
    const auto fp32 = runX(net, torch::kCPU, 6, 3);
    setPrecision("bf16");
    const auto bf16 = runX(net, torch::kCPU, 6, 3);
    setPrecision("fp32");
    const double diff = (bf16.state - fp32.state).abs().max().item<double>();
    EXPECT_GT(diff, 0.0);
    EXPECT_LT(diff, 1e-2);
  }
}

TEST_F(GpuSettings, OnTheCpuCudaGraphsChangeNothing) {
  const auto eager = runX(convNet(), torch::kCPU, 6, 4);
  setCudaGraphs(true);
  expectSameRun(runX(convNet(), torch::kCPU, 6, 4), eager);
  StepGraph graph;
  std::string why;
  if (!cudaGraphsAvailable()) {
    EXPECT_FALSE(graph.capture([] {}, why));
    EXPECT_FALSE(why.empty());
    EXPECT_EQ(stepGraphCounts().replays, 0);
  }
}

// A replayed chain can match the eager one bit for bit only if the eager chain repeats itself:
// this tells a capture that changes the arithmetic from kernels that reduce in a varying order.
TEST_F(GpuSettings, EagerChainsRepeatThemselvesBitForBit_CUDA) {
  if (!torch::cuda::is_available())
    GTEST_SKIP() << "no CUDA device";
  expectSameRun(runX(convNet(), cuda(), 64, 12), runX(convNet(), cuda(), 64, 12));
  expectSameRun(runZ(convNet(), cuda(), 32, 10), runZ(convNet(), cuda(), 32, 10));
}

TEST_F(GpuSettings, ReplayedXChainIsTheEagerChainBitForBit_CUDA) {
  if (!torch::cuda::is_available() || !cudaGraphsAvailable())
    GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build";
  // Spectral norm in training mode: the power iteration advances in place inside the graph.
  const auto eager = runX(convNet(), cuda(), 64, 12);
  setCudaGraphs(true);
  const auto counts = stepGraphCounts();
  const auto replayed = runX(convNet(), cuda(), 64, 12);
  EXPECT_EQ(stepGraphCounts().captures, counts.captures + 1);
  EXPECT_EQ(stepGraphCounts().replays, counts.replays + 11);  // step 0 eager, 1..11 replayed
  expectSameRun(replayed, eager);
}

TEST_F(GpuSettings, ReplayedZChainInTrainingIsTheEagerChainBitForBit_CUDA) {
  if (!torch::cuda::is_available() || !cudaGraphsAvailable())
    GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build";
  const auto eager = runZ(convNet(), cuda(), 32, 10);
  setCudaGraphs(true);
  const auto counts = stepGraphCounts();
  const auto replayed = runZ(convNet(), cuda(), 32, 10);
  EXPECT_EQ(stepGraphCounts().replays, counts.replays + 9);
  expectSameRun(replayed, eager);
}

TEST_F(GpuSettings, AStepThatWaitsForTheHostIsNeverCaptured_CUDA) {
  if (!torch::cuda::is_available() || !cudaGraphsAvailable())
    GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build";
  // The MLP EBM reads its spectral scales on the host: its kernel says so, and runs eagerly.
  EXPECT_FALSE(makeEnergyNet(mlpNet())->graphCapturable());
  EXPECT_TRUE(makeEnergyNet(convNet())->graphCapturable());
  const auto eager = runX(mlpNet(), cuda(), 64, 6);
  setCudaGraphs(true);
  const auto counts = stepGraphCounts();
  expectSameRun(runX(mlpNet(), cuda(), 64, 6), eager);
  EXPECT_EQ(stepGraphCounts().captures, counts.captures);
  EXPECT_EQ(stepGraphCounts().failures, counts.failures);
  EXPECT_EQ(stepGraphCounts().replays, counts.replays);
  EXPECT_TRUE(cudaGraphsSetting());
}

TEST_F(GpuSettings, Bf16ReplayedChainIsTheBf16EagerChain_CUDA) {
  if (!torch::cuda::is_available() || !cudaGraphsAvailable())
    GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build";
  setPrecision("bf16");
  const auto eager = runX(convNet(), cuda(), 64, 8);
  setCudaGraphs(true);
  const auto counts = stepGraphCounts();
  const auto replayed = runX(convNet(), cuda(), 64, 8);
  EXPECT_EQ(stepGraphCounts().replays, counts.replays + 7);
  expectSameRun(replayed, eager);
}

TEST_F(GpuSettings, Bf16GradientOfThePaperCifarEbm_CUDA) {
  if (!torch::cuda::is_available())
    GTEST_SKIP() << "no CUDA device";
  RunConfig cfg = RunConfig::fromPreset("paper-cifar10");
  auto method = makeMethod(cfg, cuda());
  auto& energy = requireEnergy(*method, "the bf16 gradient check");
  torch::manual_seed(11);
  const auto x = torch::rand({cfg.train.batchSize, 3, 32, 32}, torch::TensorOptions().device(cuda())) * 2 - 1;
  for (const char* mode : {"train", "eval"}) {
    energy.energyNet().train(std::string(mode) == "train");
    const auto error = bf16GradientError(energy.energyNet(), x);
    std::cout << "bf16 vs fp32 input gradient, paper-cifar10 EBM at its initial weights ("
              << mode << ", batch " << cfg.train.batchSize << "): relative error "
              << error.relative << ", cosine " << error.cosine << "\n";
    EXPECT_GT(error.relative, 0.0);
    EXPECT_GT(error.cosine, 0.95);
  }
}

} // namespace
} // namespace ebm
