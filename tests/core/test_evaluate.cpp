#include "evaluate.h"
#include "eval/eval_data.h"
#include "config.h"
#include "errors.h"
#include "base/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace ebm {
namespace {

// The paper's central claim (Table 4) on the shipped model: starting z-Langevin from the
// inference model beats both the inference model alone and chains started from noise.
TEST(Evaluate, InferencePlusLangevinBeatsInferenceAloneAndNoiseStartedChains) {
  const std::string ckpt =
      std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  ReconstructionOptions o;
  o.checkpoint = ckpt;
  o.images = 64;
  o.batch = 64;
  o.steps = {0, 10};
  o.device = "cpu";
  o.threads = 2;
  const auto rows = evaluateReconstruction(o);
  ASSERT_EQ(rows.size(), 4u);
  const auto& infOnly = rows[0];
  const auto& infPlus = rows[1];
  const auto& noisePlus = rows[3];
  ASSERT_EQ(infOnly.init, "inference-mean");
  ASSERT_EQ(infPlus.steps, 10);
  ASSERT_EQ(noisePlus.init, "gaussian");
  EXPECT_LT(infPlus.mse, 0.9 * infOnly.mse) << infPlus.mse << " vs " << infOnly.mse;
  EXPECT_LT(infPlus.mse, 0.9 * noisePlus.mse) << infPlus.mse << " vs " << noisePlus.mse;
  EXPECT_GT(infPlus.psnr, infOnly.psnr);
  EXPECT_GT(infPlus.ssim, infOnly.ssim - 0.01);
  EXPECT_DOUBLE_EQ(infPlus.mse01, infPlus.mse / 4);
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(Evaluate, OodAurocIsConsistentWithTheEnergies) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  OodOptions o;
  o.checkpoint = std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";
  o.images = 200;
  o.sets = {"uniform", "vflip"};
  o.device = "cpu";
  o.threads = 2;
  const auto rows = evaluateOod(o);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].set, "uniform");
  for (const auto& r : rows) {
    EXPECT_GE(r.auroc, 0.0);
    EXPECT_LE(r.auroc, 1.0);
    // The rank statistic and the mean energies must agree on which set scores higher.
    if (std::fabs(r.meanEnergyIn - r.meanEnergyOut) > 1.0)
      EXPECT_EQ(r.auroc > 0.5, r.meanEnergyIn < r.meanEnergyOut) << r.set;
  }
  o.sets = {"nonsense"};
  EXPECT_THROW(evaluateOod(o), Error);
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

const std::string kFmnistFolder = "/usr/share/datasets/fashion-mnist";

std::string fmnistSmall() {
  return std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";
}

TEST(Evaluate, SplitIsExplicitAndChecked) {
  if (!std::filesystem::exists(kFmnistFolder))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  const RunConfig cfg = RunConfig::fromPreset("fmnist-small");
  auto gen = makeGenerator(torch::kCPU, 1);
  const auto test = evaluationData(cfg, "test", 20, gen);
  const auto train = evaluationData(cfg, "train", 20, gen);
  EXPECT_EQ(test.sizes(), (std::vector<int64_t>{20, 1, 32, 32}));
  EXPECT_EQ(train.sizes(), test.sizes());
  EXPECT_FALSE(torch::equal(test, train));
  EXPECT_THROW(evaluationData(cfg, "validation", 20, gen), Error);

  ReconstructionOptions o;
  o.checkpoint = fmnistSmall();
  o.images = 16;
  o.batch = 16;
  o.steps = {0};
  o.inits = {"inference-mean"};
  o.device = "cpu";
  o.split = "train";
  const auto rows = evaluateReconstruction(o);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(std::isfinite(rows[0].mse));
  o.split = "dev";
  EXPECT_THROW(evaluateReconstruction(o), Error);
}

// Writes an IDX file of unsigned bytes with the given dimensions (values i % 256).
void writeIdxFile(const std::string& path, const std::vector<uint32_t>& dims) {
  std::ofstream f(path, std::ios::binary);
  const unsigned char magic[4] = {0, 0, 0x08, static_cast<unsigned char>(dims.size())};
  f.write(reinterpret_cast<const char*>(magic), 4);
  size_t n = 1;
  for (uint32_t d : dims) {
    const unsigned char be[4] = {static_cast<unsigned char>(d >> 24),
                                 static_cast<unsigned char>(d >> 16),
                                 static_cast<unsigned char>(d >> 8), static_cast<unsigned char>(d)};
    f.write(reinterpret_cast<const char*>(be), 4);
    n *= d;
  }
  for (size_t i = 0; i < n; ++i)
    f.put(static_cast<char>(i % 256));
}

TEST(Evaluate, ForeignImagesAreMatchedToTheModelShape) {
  const auto dir = std::filesystem::path(EBM_TEST_TMP) / "foreign";
  std::filesystem::create_directories(dir);
  const std::string grey = (dir / "grey-28.idx").string();
  writeIdxFile(grey, {5, 28, 28});
  std::string note;
  const auto padded = loadForeignImages(grey, {1, 32, 32}, 0, &note);
  EXPECT_EQ(padded.sizes(), (std::vector<int64_t>{5, 1, 32, 32}));
  EXPECT_NE(note.find("28->32 padded"), std::string::npos) << note;
  EXPECT_EQ(padded[0][0][0][0].item<float>(), -1.0f);  // the border
  EXPECT_EQ(padded[0][0][2][2].item<float>(), -1.0f);  // first pixel is byte 0
  const auto colour = loadForeignImages(grey, {3, 32, 32}, 3, &note);
  EXPECT_EQ(colour.sizes(), (std::vector<int64_t>{3, 3, 32, 32}));
  EXPECT_TRUE(torch::equal(colour.select(1, 0), colour.select(1, 2)));
  const auto smaller = loadForeignImages(grey, {1, 16, 16}, 0, &note);
  EXPECT_EQ(smaller.sizes(), (std::vector<int64_t>{5, 1, 16, 16}));
  EXPECT_NE(note.find("bilinear"), std::string::npos) << note;

  const std::string wide = (dir / "wide.idx").string();
  writeIdxFile(wide, {2, 28, 20});
  EXPECT_THROW(loadForeignImages(wide, {1, 32, 32}, 0), DataError);
  const std::string fourD = (dir / "four-d.idx").string();
  writeIdxFile(fourD, {2, 28, 28, 2});
  try {
    loadForeignImages(fourD, {1, 32, 32}, 0);
    ADD_FAILURE() << "a 4-D IDX file accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("four-d.idx"), std::string::npos) << e.what();
  }
  EXPECT_THROW(loadForeignImages((dir / "absent").string(), {1, 32, 32}, 0), DataError);
}

TEST(Evaluate, OodAgainstADataSetGivenByPath) {
  if (!std::filesystem::exists(kFmnistFolder))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  // The test split given as "another" data set: identical images, identical energies.
  OodOptions o;
  o.checkpoint = fmnistSmall();
  o.images = 100;
  o.sets = {};
  o.oodPath = kFmnistFolder + "/t10k-images-idx3-ubyte.gz";
  o.device = "cpu";
  o.threads = 2;
  const auto rows = evaluateOod(o);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].set, "path:" + o.oodPath);
  EXPECT_NE(rows[0].note.find("padded"), std::string::npos) << rows[0].note;
  EXPECT_DOUBLE_EQ(rows[0].auroc, 0.5);
  o.oodPath = kFmnistFolder;  // an MNIST-layout folder: its test split
  EXPECT_DOUBLE_EQ(evaluateOod(o)[0].auroc, 0.5);
}

} // namespace
} // namespace ebm
