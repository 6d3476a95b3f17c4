#include "methods/checkpoint.h"
#include "methods/dual_mcmc/dual_mcmc.h"
#include "errors.h"
#include "base/runtime.h"
#include "io/safetensors.h"
#include "data/toy2d.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>

namespace ebm {
namespace {

void trainFew(DualMcmc& m, const RunConfig& cfg, int n) {
  auto gen = makeGenerator(torch::kCPU, 1);
  FixedChainSettings settings(m, cfg);
  auto ctx = settings.context(torch::kCPU, gen);
  for (int i = 0; i < n; ++i)
    m.iterate(sampleToy2d("8gaussians", 64, gen), ctx);
}

TEST(Checkpoint, RoundTripIsBitExactAndCarriesConfigAndIteration) {
  const auto dir = test::tempDir("checkpoint_roundtrip");
  RunConfig cfg = test::smallToy();
  test::DualEdit(cfg)->x.stepSize = 0.123456789;
  DualMcmc a(cfg, torch::kCPU);
  trainFew(a, cfg, 3);
  const std::string path = dir + "/a.safetensors";
  saveCheckpoint(path, a, cfg, 3, 0);

  RunConfig other = cfg;
  other.train.seed = 777;  // different initial weights
  DualMcmc b(other, torch::kCPU);
  const auto info = loadCheckpointInto(path, b);
  EXPECT_EQ(info.iteration, 3);
  EXPECT_EQ(info.method, "dual-mcmc");
  EXPECT_EQ(test::dual(info.config).x.stepSize, 0.123456789);
  const auto sa = a.stateTensors(), sb = b.stateTensors();
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].first, sb[i].first);
    EXPECT_TRUE(torch::equal(sa[i].second, sb[i].second)) << sa[i].first;
  }
  // Readable by the format's own definition (what Python's safetensors reads).
  const std::string checker = std::string(EBM_SOURCE_DIR) + "/../shared/tools/safetensors_check.py";
  if (std::ifstream(checker).good() && std::system("python3 --version > /dev/null 2>&1") == 0)
    EXPECT_EQ(std::system(("python3 " + checker + " " + path + " > /dev/null").c_str()), 0);
}

TEST(Checkpoint, OtherArchitectureIsRefusedWithAClearMessageAndNothingChanges) {
  const auto dir = test::tempDir("checkpoint_arch");
  RunConfig cfg = test::smallToy();
  DualMcmc a(cfg, torch::kCPU);
  saveCheckpoint(dir + "/a.safetensors", a, cfg, 0, 0);
  RunConfig wide = cfg;
  test::DualEdit(wide)->model.ebmWidth = 48;
  DualMcmc b(wide, torch::kCPU);
  std::vector<torch::Tensor> before;
  for (auto& kv : b.stateTensors())
    before.push_back(kv.second.clone());
  try {
    loadCheckpointInto(dir + "/a.safetensors", b);
    FAIL() << "expected CheckpointError";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("another architecture"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a.safetensors"), std::string::npos) << e.what();
  }
  size_t i = 0;
  for (auto& kv : b.stateTensors())
    EXPECT_TRUE(torch::equal(before[i++], kv.second)) << kv.first;
}

TEST(Checkpoint, TruncatedOrForeignFilesGiveTypedErrors) {
  const auto dir = test::tempDir("checkpoint_corrupt");
  RunConfig cfg = test::smallToy();
  DualMcmc a(cfg, torch::kCPU);
  const std::string good = dir + "/good.safetensors";
  saveCheckpoint(good, a, cfg, 0, 0);
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const std::string cut = dir + "/cut.safetensors";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_THROW(readCheckpointInfo(cut), CheckpointError);
  EXPECT_THROW(loadCheckpointInto(cut, a), CheckpointError);

  const std::string garbage = dir + "/garbage.safetensors";
  std::ofstream(garbage, std::ios::binary) << "this is not a checkpoint at all";
  EXPECT_THROW(readCheckpointInfo(garbage), CheckpointError);

  EXPECT_THROW(readCheckpointInfo(dir + "/missing.safetensors"), CheckpointError);

  // A valid safetensors file that is not ours: no metadata.
  SafeTensors foreign;
  foreign.tensors.emplace_back("w", torch::zeros({2}));
  writeSafeTensors(dir + "/foreign.safetensors", foreign);
  try {
    readCheckpointInfo(dir + "/foreign.safetensors");
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("not an EBM Lab checkpoint"), std::string::npos);
  }
}


// A checkpoint whose contents are checked at load: `edit` changes a good one before it is loaded
// into a fresh model, and the error must contain `expected`; the model stays untouched.
void expectRefusedAfter(const std::string& name, const std::function<void(SafeTensors&)>& edit,
                        const std::string& expected) {
  const auto dir = test::tempDir("checkpoint_" + name);
  RunConfig cfg = test::smallToy();
  DualMcmc a(cfg, torch::kCPU);
  saveCheckpoint(dir + "/good.safetensors", a, cfg, 7, 1);
  SafeTensors st = readSafeTensors(dir + "/good.safetensors");
  edit(st);
  const std::string bad = dir + "/" + name + ".safetensors";
  writeSafeTensors(bad, st);
  DualMcmc b(cfg, torch::kCPU);
  const auto before = b.stateTensors().front().second.clone();
  try {
    loadCheckpointInto(bad, b);
    FAIL() << name << ": expected CheckpointError";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  EXPECT_TRUE(torch::equal(before, b.stateTensors().front().second)) << name;
}

TEST(Checkpoint, NanOrInfiniteWeightsAreRefusedNamingTheTensor) {
  auto firstReal = [](SafeTensors& st) -> torch::Tensor& {
    for (auto& kv : st.tensors)
      if (kv.second.is_floating_point() && kv.second.numel() > 1)
        return kv.second = kv.second.clone();
    throw std::runtime_error("no floating tensor");
  };
  expectRefusedAfter("nan", [&](SafeTensors& st) {
    firstReal(st).view(-1)[0] = std::nanf("");
  }, "holds 1 NaN or infinite value");
  expectRefusedAfter("inf", [&](SafeTensors& st) { firstReal(st).fill_(INFINITY); },
                     "diverged run or is corrupt");
}

TEST(Checkpoint, ANegativeIterationIsRefused) {
  expectRefusedAfter("negative", [](SafeTensors& st) { st.metadata["iteration"] = "-3"; },
                     "cannot be negative");
}

TEST(Checkpoint, UnknownTensorsAreRefusedNotIgnored) {
  expectRefusedAfter("extra", [](SafeTensors& st) {
    st.tensors.emplace_back("ebm.extra_head.weight", torch::zeros({4}));
  }, "tensor 'ebm.extra_head.weight' is not part of this model");
}

TEST(Checkpoint, AFileWithPartOfTheModelIsCalledThatNotAnotherArchitecture) {
  expectRefusedAfter("part", [](SafeTensors& st) {
    const std::string keep = st.tensors.front().first.substr(0, st.tensors.front().first.find('.'));
    std::vector<std::pair<std::string, torch::Tensor>> some;
    for (auto& kv : st.tensors)
      if (kv.first.rfind(keep + ".", 0) == 0)
        some.push_back(kv);
    st.tensors = some;
  }, "holds only part of the model");
}

} // namespace
} // namespace ebm
