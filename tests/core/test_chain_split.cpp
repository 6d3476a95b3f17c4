// Chains split across intra-op threads (sampling/chain_driver.h): on a fixed seed a chain run
// with its batch in P parts on two threads gives the trace and final state of the same parts
// run one after another on one thread, bit for bit, and leaves the models (the spectral norm's
// power-iteration buffers) as that run leaves them; and the parts agree with the whole batch to
// float rounding (a part holds its own chains, no others).
#include "base/runtime.h"
#include "data/toy2d.h"
#include "methods/method.h"
#include "sampling/langevin.h"

#include "small_nets.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace ebm {
namespace {

using test::buffersOf;
using test::convNet;
using test::mlpNet;

// Restores the thread count and the part setting when a test ends.
class SplitFixture : public ::testing::Test {
protected:
  void SetUp() override { m_threads = at::get_num_threads(); }
  void TearDown() override {
    at::set_num_threads(m_threads);
    setChainParts(0);
  }

  static void use(int threads, int parts) {
    at::set_num_threads(threads);
    setChainParts(parts);
  }

private:
  int m_threads = 1;
};

struct ChainRun {
  torch::Tensor state;
  Trace trace;
  std::vector<torch::Tensor> buffers;  // the model's buffers after the run (u, v, BN stats)
};

// Bit for bit, so that the NaN placeholders of unrecorded values compare equal too.
bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The same chains to float rounding: what a part that mixed up its rows, or a power iteration
// advanced too often or too rarely, would not give.
void expectCloseTrace(const Trace& a, const Trace& b) {
  ASSERT_EQ(a.energy.size(), b.energy.size());
  for (size_t i = 0; i < a.energy.size(); ++i)
    for (size_t c = 0; c < a.energy[i].size(); ++c)
      EXPECT_NEAR(a.energy[i][c], b.energy[i][c], 1e-4 * std::fabs(b.energy[i][c]) + 1e-5)
          << "row " << i << " chain " << c;
}

void expectCloseRun(const ChainRun& a, const ChainRun& b) {
  EXPECT_TRUE(torch::allclose(a.state, b.state, 1e-4, 1e-5))
      << "max |difference| " << (a.state - b.state).abs().max().item<double>();
  expectCloseTrace(a.trace, b.trace);
  ASSERT_EQ(a.buffers.size(), b.buffers.size());
  for (size_t i = 0; i < a.buffers.size(); ++i)
    EXPECT_TRUE(torch::allclose(a.buffers[i], b.buffers[i], 1e-4, 1e-6)) << "buffer " << i;
}

void expectSameTrace(const Trace& a, const Trace& b) {
  ASSERT_FALSE(a.energy.empty());
  ASSERT_EQ(a.energy.size(), b.energy.size());
  for (size_t i = 0; i < a.energy.size(); ++i) {
    EXPECT_TRUE(sameBits(a.energy[i], b.energy[i])) << "energy row " << i;
    EXPECT_TRUE(sameBits(a.gradNorm[i], b.gradNorm[i])) << "gradient row " << i;
  }
  ASSERT_EQ(a.extras.size(), b.extras.size());
  for (size_t k = 0; k < a.extras.size(); ++k)
    for (size_t i = 0; i < a.extras[k].values.size(); ++i)
      EXPECT_TRUE(sameBits(a.extras[k].values[i], b.extras[k].values[i]))
          << a.extras[k].name << " row " << i;
  ASSERT_EQ(a.snapshots.size(), b.snapshots.size());
  for (size_t i = 0; i < a.snapshots.size(); ++i)
    EXPECT_TRUE(sameBits(a.snapshots[i].state, b.snapshots[i].state)) << "snapshot " << i;
}

void expectSameRun(const ChainRun& a, const ChainRun& b) {
  EXPECT_TRUE(torch::equal(a.state, b.state))
      << "max |difference| " << (a.state - b.state).abs().max().item<double>();
  expectSameTrace(a.trace, b.trace);
  ASSERT_EQ(a.trace.energy.size(), b.trace.energy.size());
  for (size_t i = 0; i < a.trace.energy.size(); ++i) {
    EXPECT_TRUE(sameBits(a.trace.energy[i], b.trace.energy[i])) << "energy row " << i;
    EXPECT_TRUE(sameBits(a.trace.gradNorm[i], b.trace.gradNorm[i])) << "gradient row " << i;
  }
  ASSERT_EQ(a.trace.snapshots.size(), b.trace.snapshots.size());
  for (size_t i = 0; i < a.trace.snapshots.size(); ++i)
    EXPECT_TRUE(sameBits(a.trace.snapshots[i].state, b.trace.snapshots[i].state))
        << "snapshot " << i;
  ASSERT_EQ(a.buffers.size(), b.buffers.size());
  for (size_t i = 0; i < a.buffers.size(); ++i)
    EXPECT_TRUE(torch::equal(a.buffers[i], b.buffers[i])) << "buffer " << i;
}

ChainRun runX(const NetConfig& net, bool training, int chains, int steps) {
  torch::manual_seed(5);
  auto energy = makeEnergyNet(net);
  energy->train(training);
  auto shape = dataShape(net);
  shape.insert(shape.begin(), chains);
  auto gen = test::seeded(21);
  const auto x0 = torch::randn(shape, gen);
  LangevinXConfig cfg;
  cfg.steps = steps;
  cfg.stepSize = 0.05;
  cfg.noise = 0.01;
  ChainRun r;
  ChainControl control;
  control.gen = &gen;
  control.trace = &r.trace;
  r.state = langevinX(*energy, x0, cfg, control);
  r.buffers = buffersOf(*energy);
  return r;
}

ChainRun runZ(const NetConfig& net, bool training, int chains, int steps) {
  torch::manual_seed(6);
  auto generator = makeGeneratorNet(net);
  generator->train(training);
  auto gen = test::seeded(22);
  auto shape = dataShape(net);
  shape.insert(shape.begin(), chains);
  const auto x = torch::rand(shape, gen) * 2 - 1;
  const auto z0 = torch::randn({chains, net.nz, 1, 1}, gen);
  LangevinZConfig cfg;
  cfg.steps = steps;
  ChainRun r;
  ChainControl control;
  control.gen = &gen;
  control.trace = &r.trace;
  r.state = langevinZ(*generator, x, z0, cfg, control);
  r.buffers = buffersOf(*generator);
  return r;
}

TEST_F(SplitFixture, PartsFollowTheThreadsUnlessSet) {
  use(2, 0);
  EXPECT_EQ(chainParts(64), 2);
  EXPECT_EQ(chainParts(3), 1);  // fewer than two chains a part
  use(1, 0);
  EXPECT_EQ(chainParts(64), 1);
  use(1, 3);
  EXPECT_EQ(chainParts(64), 3);
  EXPECT_EQ(chainParts(4), 2);
}

// E(x) = |x|^2 / 2, noting which threads evaluate its parts.
class ThreadNotingKernel : public ChainKernel {
public:
  std::string chainName() const override { return "x"; }
  std::string quantity() const override { return "energy"; }
  KernelEval evaluate(const torch::Tensor& x, const SettingValues&, bool) override {
    KernelEval e;
    e.energy = 0.5 * x.pow(2).sum(1);
    e.grad = x.clone();
    return e;
  }
  KernelEval evaluateFinal(const torch::Tensor& x, const SettingValues& s) override {
    return evaluate(x, s, true);
  }
  bool splitsByChain() const override { return true; }
  KernelEval evaluatePart(Evaluation, const torch::Tensor& x, int64_t begin,
                          const SettingValues& s, bool record) override {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_threads.insert(std::this_thread::get_id());
      m_begins.insert(begin);
    }
    return evaluate(x, s, record);
  }
  std::set<std::thread::id> m_threads;
  std::set<int64_t> m_begins;

private:
  std::mutex m_mutex;
};

TEST_F(SplitFixture, TwoPartsRunOnTwoThreads) {
  // The parallel loop is a pragma in LibTorch's headers: built without OpenMP, both parts would
  // quietly run on the calling thread.
  use(2, 2);
  ThreadNotingKernel kernel;
  auto gen = test::seeded(4);
  ChainControl control;
  control.gen = &gen;
  SettingValues s;
  s.numbers = {{"steps", 20}, {"step_size", 0.1}, {"noise", 0.0}};
  runChain(kernel, torch::randn({64, 2}, gen), s, control);
  EXPECT_EQ(kernel.m_begins, (std::set<int64_t>{0, 32}));
  EXPECT_EQ(kernel.m_threads.size(), 2u);
}

TEST_F(SplitFixture, MlpXChainInTrainingDependsOnThePartsNotTheThreads) {
  use(1, 2);
  const auto oneThread = runX(mlpNet(), true, 257, 12);
  use(2, 2);
  const auto twoThreads = runX(mlpNet(), true, 257, 12);
  expectSameRun(oneThread, twoThreads);
  use(1, 1);
  expectCloseRun(runX(mlpNet(), true, 257, 12), twoThreads);
}

TEST_F(SplitFixture, ConvXChainInTrainingAndEvalDependsOnThePartsNotTheThreads) {
  for (const bool training : {true, false}) {
    SCOPED_TRACE(training ? "training" : "eval");
    use(1, 3);
    const auto oneThread = runX(convNet(), training, 9, 3);
    use(2, 3);
    const auto twoThreads = runX(convNet(), training, 9, 3);
    expectSameRun(oneThread, twoThreads);
    use(1, 1);
    expectCloseRun(runX(convNet(), training, 9, 3), twoThreads);
  }
}

TEST_F(SplitFixture, ZChainsInEvalModeDependOnThePartsNotTheThreads) {
  for (const auto& net : {mlpNet(), convNet()}) {
    SCOPED_TRACE(net.family);
    use(1, 2);
    const auto oneThread = runZ(net, false, 10, 4);
    use(2, 2);
    const auto twoThreads = runZ(net, false, 10, 4);
    expectSameRun(oneThread, twoThreads);
    use(1, 1);
    expectCloseRun(runZ(net, false, 10, 4), twoThreads);
  }
}

TEST_F(SplitFixture, ZChainsStayWholeWhereBatchNormCouplesThem) {
  // In training mode the generator normalises over the batch: a split would change every
  // chain, so the run is the same with two parts asked for and with one.
  for (const auto& net : {mlpNet(), convNet()}) {
    SCOPED_TRACE(net.family);
    use(2, 1);
    const auto whole = runZ(net, true, 10, 4);
    use(2, 2);
    const auto asked = runZ(net, true, 10, 4);
    expectSameRun(whole, asked);
  }
}

// A recovery method on 2-D points, small enough for a test.
RunConfig tinyRecovery(const std::string& preset) {
  RunConfig cfg = RunConfig::fromPreset(preset);
  const std::string m = cfg.train.method;
  cfg.train.batchSize = 64;
  for (const char* o : {".model.ebm_width=16", ".model.temb_dim=16", ".y.steps=4",
                        ".sample.steps=3"})
    cfg.applyOverride(m + o);
  if (m == "cdrl")
    for (const char* o : {".model.init_groups=4", ".model.init_width=16",
                          ".model.init_temb_dim=16"})
      cfg.applyOverride(m + o);
  cfg.validate();
  return cfg;
}

// The chain `name` recorded while `run` drives a freshly built method (same seeds every time).
Trace recordedChain(const RunConfig& cfg, const std::string& name, uint64_t seed,
                    const std::function<void(TrainingMethod&, MethodContext&)>& run) {
  torch::manual_seed(3);
  auto method = makeMethod(cfg, torch::kCPU);
  auto gen = makeGenerator(torch::kCPU, seed);
  FixedChainSettings settings(*method, cfg);
  MethodContext ctx = settings.context(torch::kCPU, gen);
  Trace trace;
  ctx.traces[name] = &trace;
  run(*method, ctx);
  return trace;
}

// The recorded y-chain of one training iteration (DRL: the EBM in training mode, its power
// iteration advancing every step; every chain at a level of its own).
Trace trainingChain(const RunConfig& cfg) {
  return recordedChain(cfg, "y", 7, [](TrainingMethod& method, MethodContext& ctx) {
    auto dataGen = makeGenerator(torch::kCPU, 8);
    const auto r = method.iterate(sampleToy2d("checkerboard", 64, dataGen), ctx);
    EXPECT_FALSE(r.diverged) << r.message;
  });
}

// Progressive sampling, every level, recorded.
Trace samplingChain(const RunConfig& cfg) {
  return recordedChain(cfg, "sample", 9, [](TrainingMethod& method, MethodContext& ctx) {
    method.revise({"sample", 10, "", {}}, ctx);
  });
}

TEST_F(SplitFixture, RecoveryTrainingChainsDependOnThePartsNotTheThreads) {
  for (const char* preset : {"drl-toy2d", "cdrl-toy2d"}) {
    SCOPED_TRACE(preset);
    const RunConfig cfg = tinyRecovery(preset);
    use(1, 2);
    const Trace oneThread = trainingChain(cfg);
    use(2, 2);
    const Trace twoThreads = trainingChain(cfg);
    expectSameTrace(oneThread, twoThreads);
    use(1, 1);
    expectCloseTrace(trainingChain(cfg), twoThreads);
  }
}

TEST_F(SplitFixture, GuidedRecoverySamplingDependsOnThePartsNotTheThreads) {
  RunConfig cfg = tinyRecovery("cdrl-grid2d-cond");
  cfg.applyOverride("cdrl.sample.guidance=1.5");  // the unconditional and the class term
  use(1, 3);
  const Trace oneThread = samplingChain(cfg);
  use(2, 3);
  const Trace twoThreads = samplingChain(cfg);
  expectSameTrace(oneThread, twoThreads);
  use(1, 1);
  expectCloseTrace(samplingChain(cfg), twoThreads);
}

} // namespace
} // namespace ebm
