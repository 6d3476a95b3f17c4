#include "data/cifar10.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef EBM_TEST_TMP
#error "EBM_TEST_TMP must name a scratch directory"
#endif

namespace {

namespace fs = std::filesystem;

constexpr int kRecordBytes = 3073;
constexpr int kPlane = 1024;

// A scratch folder per test: ctest may run the tests of this binary in parallel processes.
fs::path cifarScratchDir() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(EBM_TEST_TMP) / "cifar10" /
                 (std::string(info->test_suite_name()) + "." + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The synthetic pixel byte at (channel, y, x) of record `seed`: distinct across channels, rows
// and columns so a layout mix-up shows.
uint8_t pixelByte(int seed, int c, int y, int x) {
  return static_cast<uint8_t>(seed * 13 + c * 71 + y * 5 + x * 3);
}

std::vector<uint8_t> patternRecord(uint8_t label, int seed) {
  std::vector<uint8_t> rec(kRecordBytes);
  rec[0] = label;
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x)
        rec[1 + c * kPlane + y * 32 + x] = pixelByte(seed, c, y, x);
  return rec;
}

std::vector<uint8_t> planeRecord(uint8_t label, uint8_t red, uint8_t green, uint8_t blue) {
  std::vector<uint8_t> rec(kRecordBytes);
  rec[0] = label;
  std::fill(rec.begin() + 1, rec.begin() + 1 + kPlane, red);
  std::fill(rec.begin() + 1 + kPlane, rec.begin() + 1 + 2 * kPlane, green);
  std::fill(rec.begin() + 1 + 2 * kPlane, rec.end(), blue);
  return rec;
}

std::string writeCifarFile(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << path;
  return path.string();
}

// Three pattern records with labels (3*file + i) % 10 and seeds 3*file + i.
std::vector<uint8_t> batchBytes(int file) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 3; ++i) {
    const auto rec = patternRecord(static_cast<uint8_t>((3 * file + i) % 10), 3 * file + i);
    bytes.insert(bytes.end(), rec.begin(), rec.end());
  }
  return bytes;
}

std::string batchName(int file) {
  return file == 5 ? "test_batch.bin" : "data_batch_" + std::to_string(file + 1) + ".bin";
}

// Writes data_batch_1..5.bin (files 0..4) and test_batch.bin (file 5) into `dir`.
void writeAllBatches(const fs::path& dir) {
  for (int file = 0; file < 6; ++file)
    writeCifarFile(dir / batchName(file), batchBytes(file));
}

// Checks image i of `set` against the pattern record with the given seed.
void expectPattern(const ebm::ImageSet& set, int64_t i, int seed) {
  const torch::Tensor image = set.images[i];
  const auto img = image.accessor<float, 3>();
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 32; y += 7)
      for (int x = 0; x < 32; x += 5)
        ASSERT_NEAR(img[c][y][x], pixelByte(seed, c, y, x) / 127.5 - 1.0, 1e-6)
            << "image " << i << " at " << c << "," << y << "," << x;
}

// Expects `fn` to throw a DataError whose message contains every fragment.
template <typename Fn> void expectCifarError(Fn fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "no exception";
  } catch (const ebm::DataError& e) {
    const std::string what = e.what();
    for (const std::string& fragment : fragments)
      EXPECT_NE(what.find(fragment), std::string::npos) << "'" << fragment << "' not in " << what;
  }
}

TEST(Cifar10, LoadsTestSplitWithShapesAndLabels) {
  const fs::path dir = cifarScratchDir();
  writeAllBatches(dir);
  const ebm::ImageSet set = ebm::loadCifar10(dir.string(), "test");
  EXPECT_EQ(set.images.sizes(), (std::vector<int64_t>{3, 3, 32, 32}));
  EXPECT_EQ(set.images.scalar_type(), torch::kFloat);
  EXPECT_TRUE(set.images.is_contiguous());
  ASSERT_EQ(set.labels.sizes(), (std::vector<int64_t>{3}));
  EXPECT_EQ(set.labels.scalar_type(), torch::kLong);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(set.labels[i].item<int64_t>(), (15 + i) % 10);
    expectPattern(set, i, 15 + i);
  }
  EXPECT_GE(set.images.min().item<float>(), -1.0f);
  EXPECT_LE(set.images.max().item<float>(), 1.0f);
}

TEST(Cifar10, MapsRedGreenBluePlanesToChannels) {
  const fs::path dir = cifarScratchDir();
  auto bytes = planeRecord(4, 255, 0, 128);
  const auto second = planeRecord(9, 0, 255, 1);
  bytes.insert(bytes.end(), second.begin(), second.end());
  writeCifarFile(dir / "test_batch.bin", bytes);

  const ebm::ImageSet set = ebm::loadCifar10(dir.string(), "test");
  ASSERT_EQ(set.images.size(0), 2);
  const torch::Tensor first = set.images[0];
  EXPECT_TRUE(first[0].eq(1.0f).all().item<bool>());
  EXPECT_TRUE(first[1].eq(-1.0f).all().item<bool>());
  EXPECT_NEAR(first[2].min().item<float>(), 0.00392157f, 1e-6);
  EXPECT_NEAR(first[2].max().item<float>(), 0.00392157f, 1e-6);
  EXPECT_TRUE(set.images[1][0].eq(-1.0f).all().item<bool>());
  EXPECT_TRUE(set.images[1][1].eq(1.0f).all().item<bool>());
  EXPECT_NEAR(set.images[1][2].max().item<float>(), 1 / 127.5 - 1, 1e-6);
  EXPECT_EQ(set.labels[0].item<int64_t>(), 4);
  EXPECT_EQ(set.labels[1].item<int64_t>(), 9);
}

TEST(Cifar10, TrainConcatenatesTheFiveBatchesInOrder) {
  const fs::path dir = cifarScratchDir();
  writeAllBatches(dir);
  const ebm::ImageSet set = ebm::loadCifar10(dir.string(), "train");
  EXPECT_EQ(set.images.sizes(), (std::vector<int64_t>{15, 3, 32, 32}));
  ASSERT_EQ(set.labels.size(0), 15);
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(set.labels[i].item<int64_t>(), i % 10) << i;
    expectPattern(set, i, i);
  }
}

TEST(Cifar10, LimitKeepsTheFirstImages) {
  const fs::path dir = cifarScratchDir();
  writeAllBatches(dir);
  const ebm::ImageSet four = ebm::loadCifar10(dir.string(), "train", 4); // crosses into batch 2
  EXPECT_EQ(four.images.sizes(), (std::vector<int64_t>{4, 3, 32, 32}));
  ASSERT_EQ(four.labels.size(0), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(four.labels[i].item<int64_t>(), i);
    expectPattern(four, i, i);
  }
  EXPECT_EQ(ebm::loadCifar10(dir.string(), "test", 1).images.size(0), 1);
  EXPECT_EQ(ebm::loadCifar10(dir.string(), "train", 1000).images.size(0), 15);
  EXPECT_EQ(ebm::loadCifar10(dir.string(), "train", 0).images.size(0), 15);
}

TEST(Cifar10, LimitStopsBeforeLaterFiles) {
  const fs::path dir = cifarScratchDir();
  writeCifarFile(dir / "data_batch_1.bin", batchBytes(0));
  writeCifarFile(dir / "data_batch_2.bin", std::vector<uint8_t>(100)); // broken, but never read
  const ebm::ImageSet set = ebm::loadCifar10(dir.string(), "train", 3);
  EXPECT_EQ(set.images.size(0), 3);
  EXPECT_EQ(set.labels.size(0), 3);
}

TEST(Cifar10, FindsTheBatchFolderInsideItsParent) {
  const fs::path parent = cifarScratchDir();
  const fs::path dir = parent / "cifar-10-batches-bin";
  fs::create_directories(dir);
  writeAllBatches(dir);
  const ebm::ImageSet viaParent = ebm::loadCifar10(parent.string(), "train");
  const ebm::ImageSet direct = ebm::loadCifar10(dir.string(), "train");
  EXPECT_EQ(viaParent.images.size(0), 15);
  EXPECT_TRUE(torch::equal(viaParent.images, direct.images));
  EXPECT_TRUE(torch::equal(viaParent.labels, direct.labels));
  EXPECT_EQ(ebm::loadCifar10(parent.string(), "test").images.size(0), 3);
}

TEST(Cifar10, TruncatedFileThrows) {
  const fs::path dir = cifarScratchDir();
  auto bytes = batchBytes(5);
  bytes.resize(bytes.size() - 5);
  const std::string path = writeCifarFile(dir / "test_batch.bin", bytes);
  expectCifarError(
      [&] { ebm::loadCifar10(dir.string(), "test"); },
      {path, std::to_string(bytes.size()) + " bytes", "not a whole number of 3073-byte records"});
}

TEST(Cifar10, LabelAboveNineThrows) {
  const fs::path dir = cifarScratchDir();
  writeAllBatches(dir);
  auto bytes = batchBytes(1);
  bytes[1 * kRecordBytes] = 200; // label byte of record 1
  const std::string path = writeCifarFile(dir / "data_batch_2.bin", bytes);
  expectCifarError([&] { ebm::loadCifar10(dir.string(), "train"); },
                  {path, "record 1 has label 200", "not a CIFAR-10 binary file"});
  // With a limit that stops inside batch 1 the bad file is not read.
  EXPECT_EQ(ebm::loadCifar10(dir.string(), "train", 2).images.size(0), 2);
}

TEST(Cifar10, MissingBatchFileThrows) {
  const fs::path dir = cifarScratchDir();
  writeAllBatches(dir);
  fs::remove(dir / "data_batch_3.bin");
  expectCifarError([&] { ebm::loadCifar10(dir.string(), "train"); },
                  {(dir / "data_batch_3.bin").string(), "cannot open"});
  fs::remove(dir / "test_batch.bin");
  expectCifarError([&] { ebm::loadCifar10(dir.string(), "test"); },
                  {(dir / "test_batch.bin").string(), "cannot open"});
}

TEST(Cifar10, MissingFolderThrows) {
  const std::string missing = (cifarScratchDir() / "no-such-folder").string();
  expectCifarError([&] { ebm::loadCifar10(missing, "train"); }, {missing, "cannot open"});
}

TEST(Cifar10, UnknownSplitThrows) {
  const fs::path dir = cifarScratchDir();
  writeAllBatches(dir);
  expectCifarError([&] { ebm::loadCifar10(dir.string(), "valid"); },
                  {dir.string(), "unknown split 'valid'"});
}

TEST(Cifar10, RealTestSplitIfPresent) {
  const char* env = std::getenv("CIFAR10_DIR");
  if (env == nullptr || *env == '\0')
    GTEST_SKIP() << "CIFAR10_DIR not set";
  if (!fs::exists(env))
    GTEST_SKIP() << env << " not present";
  const ebm::ImageSet set = ebm::loadCifar10(env, "test");
  EXPECT_EQ(set.images.sizes(), (std::vector<int64_t>{10000, 3, 32, 32}));
  ASSERT_EQ(set.labels.size(0), 10000);
  EXPECT_EQ(set.labels.min().item<int64_t>(), 0);
  EXPECT_EQ(set.labels.max().item<int64_t>(), 9);
  EXPECT_TRUE(torch::bincount(set.labels).eq(1000).all().item<bool>()); // 1000 per class
  EXPECT_GE(set.images.min().item<float>(), -1.0f);
  EXPECT_LE(set.images.max().item<float>(), 1.0f);
}

} // namespace

namespace {

// CIFAR-100 binary records: coarse label, fine label, then the same pixel planes as CIFAR-10.
std::vector<uint8_t> cifar100Records(int count, int firstSeed) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < count; ++i) {
    const int seed = firstSeed + i;
    const auto pixels = patternRecord(0, seed);  // label byte + 3072 pixel bytes
    bytes.push_back(static_cast<uint8_t>(seed % 20));        // coarse
    bytes.push_back(static_cast<uint8_t>((seed * 7) % 100)); // fine
    bytes.insert(bytes.end(), pixels.begin() + 1, pixels.end());
  }
  return bytes;
}

TEST(Cifar100, ReadsFineLabelsAndPixelPlanesFromFolderParentOrFile) {
  const fs::path parent = cifarScratchDir();
  const fs::path dir = parent / "cifar-100-binary";
  fs::create_directories(dir);
  writeCifarFile(dir / "train.bin", cifar100Records(4, 0));
  const std::string test = writeCifarFile(dir / "test.bin", cifar100Records(3, 40));
  const ebm::ImageSet set = ebm::loadCifar100(dir.string(), "test");
  EXPECT_EQ(set.images.sizes(), (std::vector<int64_t>{3, 3, 32, 32}));
  ASSERT_EQ(set.labels.sizes(), (std::vector<int64_t>{3}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(set.labels[i].item<int64_t>(), ((40 + i) * 7) % 100) << "the fine label";
    expectPattern(set, i, 40 + i);
  }
  const ebm::ImageSet train = ebm::loadCifar100(parent.string(), "train");  // via the parent
  EXPECT_EQ(train.images.size(0), 4);
  expectPattern(train, 3, 3);
  const ebm::ImageSet file = ebm::loadCifar100(test, "test", 2);  // a record file, limited
  EXPECT_EQ(file.images.size(0), 2);
  EXPECT_TRUE(torch::equal(file.images, set.images.narrow(0, 0, 2)));
}

TEST(Cifar100, BadFilesGiveClearErrors) {
  const fs::path dir = cifarScratchDir();
  // CIFAR-10 records (3073 bytes) are not CIFAR-100 records (3074 bytes).
  const std::string ten = writeCifarFile(dir / "test.bin", batchBytes(0));
  expectCifarError([&] { ebm::loadCifar100(dir.string(), "test"); },
                  {ten, std::to_string(3 * kRecordBytes) + " bytes",
                   "not a whole number of 3074-byte records of CIFAR-100"});
  auto bytes = cifar100Records(3, 0);
  bytes[3074 + 1] = 150;  // fine label of record 1
  writeCifarFile(dir / "test.bin", bytes);
  expectCifarError([&] { ebm::loadCifar100(dir.string(), "test"); },
                  {ten, "record 1 has fine label 150", "0..99", "not a CIFAR-100 binary file"});
  bytes = cifar100Records(3, 0);
  bytes[2 * 3074] = 25;  // coarse label of record 2
  writeCifarFile(dir / "test.bin", bytes);
  expectCifarError([&] { ebm::loadCifar100(dir.string(), "test"); },
                  {"record 2 has coarse label 25", "0..19"});
  writeCifarFile(dir / "test.bin", {});
  expectCifarError([&] { ebm::loadCifar100(dir.string(), "test"); }, {ten, "empty file"});
  expectCifarError([&] { ebm::loadCifar100(dir.string(), "train"); },
                  {(dir / "train.bin").string(), "cannot open"});
  expectCifarError([&] { ebm::loadCifar100(dir.string(), "valid"); }, {"unknown split 'valid'"});
  const std::string missing = (dir / "no-such-folder").string();
  expectCifarError([&] { ebm::loadCifar100(missing, "test"); }, {missing, "cannot open"});
}

} // namespace
