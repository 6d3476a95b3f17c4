#include "evaluate.h"
#include "checkpoint.h"
#include "config.h"
#include "dual_mcmc.h"
#include "errors.h"
#include "image_io.h"
#include "metrics.h"
#include "runtime.h"

#include "test_helpers.h"

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

namespace ebm {
namespace {

namespace fs = std::filesystem;

/// Writes `n` grey 32x32 PNGs of seeded random bytes as dir/img000.png, ...
void writeNoisePngs(const fs::path& dir, int n, uint64_t seed) {
  fs::create_directories(dir);
  auto gen = test::seeded(seed);
  for (int i = 0; i < n; ++i) {
    const auto bytes = torch::randint(0, 256, {32 * 32}, gen, torch::kUInt8).contiguous();
    Image img;
    img.width = img.height = 32;
    img.channels = 1;
    img.pixels.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
    char name[32];
    std::snprintf(name, sizeof name, "img%03d.png", i);
    writePng((dir / name).string(), img);
  }
}

/// An untrained grey 32-px Dual-MCMC model saved as a checkpoint, on a folder of synthetic
/// images (train/ and test/), for protocols that must not depend on Fashion-MNIST.
struct TinyModel {
  RunConfig config;
  std::string checkpoint;
};

TinyModel tinyFolderModel(const std::string& name, int testImages) {
  const fs::path dir = test::tempDir(name);
  writeNoisePngs(dir / "data" / "train", 4, 1);
  writeNoisePngs(dir / "data" / "test", testImages, 2);
  TinyModel t;
  RunConfig& c = t.config;
  c.model.family = "conv";
  c.model.imageSize = 32;
  c.model.channels = 1;
  c.model.nz = 8;
  c.model.ebmWidth = c.model.genWidth = c.model.infWidth = 8;
  c.model.genTanh = true;
  c.data.kind = "folder";
  c.data.path = (dir / "data").string();
  c.validate();
  torch::manual_seed(3);
  DualMcmc model(c, torch::kCPU);
  t.checkpoint = (dir / "tiny.safetensors").string();
  saveCheckpoint(t.checkpoint, model, c, 0, 0);
  return t;
}

// 101 images in batches of 50: every image counts once in the count and in every mean, which
// equal the means of per-image values computed here (running statistics make each
// reconstruction independent of its batch).
TEST(Evaluate, ReconstructionMeansCountEveryImageOnce) {
  configureThreads(2);
  const TinyModel tiny = tinyFolderModel("recon_count", 101);
  ReconstructionOptions o;
  o.checkpoint = tiny.checkpoint;
  o.images = 101;
  o.batch = 50;
  o.steps = {0};
  o.inits = {"inference-mean"};
  o.generatorEval = true;
  o.device = "cpu";
  const auto rows = evaluateReconstruction(o);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].images, 101);

  DualMcmc model(tiny.config, torch::kCPU);
  loadCheckpointInto(tiny.checkpoint, model);
  model.generator().eval();
  auto gen = makeGenerator(torch::kCPU, 1);
  const auto x = evaluationData(tiny.config, "test", 101, gen);
  ASSERT_EQ(x.size(0), 101);
  torch::NoGradGuard noGrad;
  const auto recon = model.generator().forward(model.inference().forward(x).mu);
  const double mse = (recon - x).pow(2).flatten(1).mean(1).mean().item<double>();
  const double meanPsnr = psnr(recon, x, 2.0).mean().item<double>();
  const double meanSsim = ssim((recon + 1) / 2, (x + 1) / 2, 1.0).mean().item<double>();
  EXPECT_NEAR(rows[0].mse, mse, 1e-6 * mse);
  EXPECT_NEAR(rows[0].mse01, mse / 4, 1e-6 * mse);
  EXPECT_NEAR(rows[0].psnr, meanPsnr, 1e-5);
  EXPECT_NEAR(rows[0].ssim, meanSsim, 1e-6);

  // Batch statistics need two images per batch: the lone 101st joins the second batch.
  o.generatorEval = false;
  const auto trainMode = evaluateReconstruction(o);
  EXPECT_EQ(trainMode[0].images, 101);
  EXPECT_TRUE(std::isfinite(trainMode[0].mse) && std::isfinite(trainMode[0].psnr));
  o.images = 100;
  EXPECT_EQ(evaluateReconstruction(o)[0].images, 100);
}

} // namespace
} // namespace ebm
