#include "evaluate.h"
#include "eval/eval_data.h"
#include "methods/checkpoint.h"
#include "config.h"
#include "methods/dual_mcmc/dual_mcmc.h"
#include "errors.h"
#include "base/runtime.h"
#include "image_io.h"
#include "eval/metrics.h"

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
  test::DualEdit(c)->model.nz = 8;
  test::DualEdit(c)->model.ebmWidth = 8;
  test::DualEdit(c)->model.genWidth = 8;
  test::DualEdit(c)->model.infWidth = 8;
  test::DualEdit(c)->model.genTanh = true;
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


/// A CIFAR-100 binary record file of `n` records; record i has every red byte 10 i, green
/// 100, blue 200 (so its grey value by luma is known).
void writeCifar100(const fs::path& path, int n) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary);
  for (int i = 0; i < n; ++i) {
    f.put(static_cast<char>(i % 20));
    f.put(static_cast<char>(i % 100));
    for (const int v : {10 * i, 100, 200})
      for (int p = 0; p < 1024; ++p)
        f.put(static_cast<char>(v));
  }
}

/// A `w` x `h` PNG filled with one colour (channels 1 or 3).
void writeFlatPng(const fs::path& path, int w, int h, std::vector<uint8_t> colour) {
  fs::create_directories(path.parent_path());
  Image img;
  img.width = w;
  img.height = h;
  img.channels = static_cast<int>(colour.size());
  for (int p = 0; p < w * h; ++p)
    img.pixels.insert(img.pixels.end(), colour.begin(), colour.end());
  writePng(path.string(), img);
}

TEST(Evaluate, Cifar100IsAnOodSetByFolderOrFile) {
  const fs::path dir = fs::path(test::tempDir("ood_cifar100")) / "cifar-100-binary";
  writeCifar100(dir / "test.bin", 5);
  writeCifar100(dir / "train.bin", 2);
  std::string note;
  const auto colour = loadForeignImages(dir.string(), {3, 32, 32}, 0, &note);
  EXPECT_EQ(colour.sizes(), (std::vector<int64_t>{5, 3, 32, 32}));
  EXPECT_NE(note.find("CIFAR-100"), std::string::npos) << note;
  EXPECT_FLOAT_EQ(colour[3][0][7][9].item<float>(), 30 / 127.5f - 1);
  EXPECT_FLOAT_EQ(colour[3][2][7][9].item<float>(), 200 / 127.5f - 1);
  // Grey models see the luma; the parent folder and the record file itself work too.
  const auto grey = loadForeignImages(dir.parent_path().string(), {1, 32, 32}, 3, &note);
  EXPECT_EQ(grey.sizes(), (std::vector<int64_t>{3, 1, 32, 32}));
  EXPECT_NE(note.find("colour->grey"), std::string::npos) << note;
  const double luma = (0.299 * 20 + 0.587 * 100 + 0.114 * 200) / 127.5 - 1;
  EXPECT_NEAR(grey[2][0][5][5].item<double>(), luma, 1e-5);
  const auto file = loadForeignImages((dir / "test.bin").string(), {3, 32, 32}, 0, &note);
  EXPECT_TRUE(torch::equal(file, colour));

  // A corrupt file is named, with what is wrong.
  std::ofstream(dir / "test.bin", std::ios::binary | std::ios::app) << "xyz";
  try {
    loadForeignImages(dir.string(), {3, 32, 32}, 0);
    ADD_FAILURE() << "a truncated CIFAR-100 file accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("test.bin"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("3074-byte records"), std::string::npos) << e.what();
  }
  fs::remove(dir / "test.bin");
  EXPECT_THROW(loadForeignImages(dir.string(), {3, 32, 32}, 0), DataError);  // test.bin missing
}

TEST(Evaluate, AnImageFolderIsAnOodSet) {
  const fs::path dir = test::tempDir("ood_folder");
  // Colour images of other sizes and shapes: centre-cropped, resized, converted to grey.
  writeFlatPng(dir / "a.png", 40, 30, {200, 100, 50});
  writeFlatPng(dir / "b" / "c.png", 64, 64, {10, 20, 30});
  writeFlatPng(dir / "d.png", 20, 20, {255, 255, 255});
  std::string note;
  const auto x = loadForeignImages(dir.string(), {1, 32, 32}, 0, &note);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{3, 1, 32, 32}));
  EXPECT_NE(note.find("image folder"), std::string::npos) << note;
  // Path order a.png, b/c.png, d.png; a flat image stays flat at its luma (stb: 77, 150, 29 / 256).
  const double lumaA = ((200 * 77 + 100 * 150 + 50 * 29) >> 8) / 127.5 - 1;
  EXPECT_NEAR(x[0].min().item<double>(), lumaA, 1.0 / 127.5 + 1e-6);
  EXPECT_NEAR(x[0].max().item<double>(), lumaA, 1.0 / 127.5 + 1e-6);
  EXPECT_NEAR(x[2].mean().item<double>(), 1.0, 1e-6);
  const auto colour = loadForeignImages(dir.string(), {3, 32, 32}, 2, &note);
  EXPECT_EQ(colour.sizes(), (std::vector<int64_t>{2, 3, 32, 32}));
  EXPECT_NEAR(colour[0][0].mean().item<double>(), 200 / 127.5 - 1, 1.0 / 127.5);

  // With train/ and test/ folders, the test images only.
  const fs::path split = test::tempDir("ood_folder_split");
  writeFlatPng(split / "train" / "t.png", 32, 32, {0});
  writeFlatPng(split / "test" / "u.png", 32, 32, {255});
  writeFlatPng(split / "test" / "v.png", 32, 32, {255});
  const auto held = loadForeignImages(split.string(), {1, 32, 32}, 0, &note);
  EXPECT_EQ(held.size(0), 2);
  EXPECT_EQ(held.min().item<float>(), 1.0f);

  // A folder without images says what it accepts.
  const fs::path empty = test::tempDir("ood_folder_empty");
  std::ofstream(empty / "readme.txt") << "no images here\n";
  try {
    loadForeignImages(empty.string(), {1, 32, 32}, 0);
    ADD_FAILURE() << "an empty folder accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("CIFAR-100"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("PNG/JPEG/BMP"), std::string::npos) << e.what();
  }
}

// eval-ood end to end with the new sets, on a model that needs no installed data.
TEST(Evaluate, OodAgainstCifar100AndAnImageFolder) {
  configureThreads(2);
  const TinyModel tiny = tinyFolderModel("ood_tiny", 12);
  const fs::path sets = test::tempDir("ood_tiny_sets");
  writeCifar100(sets / "cifar-100-binary" / "test.bin", 12);
  for (int i = 0; i < 12; ++i)
    writeFlatPng(sets / "folder" / ("img" + std::to_string(i) + ".png"), 48, 40,
                 {uint8_t(20 * i), 90, 160});
  OodOptions o;
  o.checkpoint = tiny.checkpoint;
  o.images = 12;
  o.sets = {};
  o.device = "cpu";
  for (const auto& [path, kind] : {std::pair{sets / "cifar-100-binary", "CIFAR-100"},
                                   std::pair{sets / "folder", "image folder"}}) {
    o.oodPath = path.string();
    const auto rows = evaluateOod(o);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].set, "path:" + o.oodPath);
    EXPECT_NE(rows[0].note.find(kind), std::string::npos) << rows[0].note;
    EXPECT_GE(rows[0].auroc, 0.0);
    EXPECT_LE(rows[0].auroc, 1.0);
    EXPECT_TRUE(std::isfinite(rows[0].meanEnergyOut));
  }
  // The in-distribution test split given as an image folder: the same images (in another
  // order), so AUROC 0.5 up to ties broken by round-off.
  o.oodPath = tiny.config.data.path + "/test";
  EXPECT_NEAR(evaluateOod(o)[0].auroc, 0.5, 0.05);
}

} // namespace
} // namespace ebm
