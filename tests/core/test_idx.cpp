#include "data/idx.h"

#include "errors.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#ifndef EBM_TEST_TMP
#error "EBM_TEST_TMP must name a scratch directory"
#endif

namespace {

namespace fs = std::filesystem;

const char* const kFashionMnist = "/usr/share/datasets/fashion-mnist";

// A scratch folder per test: ctest may run the tests of this binary in parallel processes.
fs::path scratchDir() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir =
      fs::path(EBM_TEST_TMP) / "idx" / (std::string(info->test_suite_name()) + "." + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<uint8_t> idxBytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data,
                              uint8_t type = 0x08) {
  std::vector<uint8_t> out = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<uint8_t>(d >> shift));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::vector<uint8_t> iota(size_t n, int start = 0) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(start + static_cast<int>(i));
  return v;
}

std::string writeRaw(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << path;
  return path.string();
}

std::string writeGzip(const fs::path& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr) << path;
  EXPECT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  EXPECT_EQ(gzclose(f), Z_OK);
  return path.string();
}

std::vector<uint8_t> readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Expects readIdx(path) to throw a DataError naming the file and containing `fragment`.
void expectDataError(const std::string& path, const std::string& fragment) {
  try {
    ebm::readIdx(path);
    ADD_FAILURE() << "no exception for " << path;
  } catch (const ebm::DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

TEST(Idx, RawAndGzipRoundTrip) {
  const fs::path dir = scratchDir();
  const auto data = iota(2 * 3 * 4, 100);
  const auto bytes = idxBytes({2, 3, 4}, data);
  for (const auto& path : {writeRaw(dir / "a.idx", bytes), writeGzip(dir / "a.idx.gz", bytes),
                           writeGzip(dir / "gzip-without-suffix", bytes)}) {
    SCOPED_TRACE(path);
    const ebm::IdxArray arr = ebm::readIdx(path);
    EXPECT_EQ(arr.dims, (std::vector<int64_t>{2, 3, 4}));
    EXPECT_EQ(arr.data, data);
  }
}

TEST(Idx, ReadsConcatenatedGzipMembers) {
  const fs::path dir = scratchDir();
  const auto bytes = idxBytes({5}, iota(5));
  const std::string first =
      writeGzip(dir / "p1.gz", std::vector<uint8_t>(bytes.begin(), bytes.begin() + 6));
  const std::string second =
      writeGzip(dir / "p2.gz", std::vector<uint8_t>(bytes.begin() + 6, bytes.end()));
  auto joined = readAll(first);
  const auto tail = readAll(second);
  joined.insert(joined.end(), tail.begin(), tail.end());
  const ebm::IdxArray arr = ebm::readIdx(writeRaw(dir / "joined.gz", joined));
  EXPECT_EQ(arr.dims, (std::vector<int64_t>{5}));
  EXPECT_EQ(arr.data, iota(5));
}

TEST(Idx, EmptyArrayIsValid) {
  const fs::path dir = scratchDir();
  const ebm::IdxArray arr = ebm::readIdx(writeRaw(dir / "empty.idx", idxBytes({0, 28, 28}, {})));
  EXPECT_EQ(arr.dims, (std::vector<int64_t>{0, 28, 28}));
  EXPECT_TRUE(arr.data.empty());
}

TEST(Idx, BadFilesThrowDataErrorNamingTheFile) {
  const fs::path dir = scratchDir();
  expectDataError((dir / "missing.idx").string(), "cannot open");
  expectDataError(dir.string(), "cannot open");

  auto bytes = idxBytes({4, 5}, iota(20));
  expectDataError(writeRaw(dir / "short.idx", std::vector<uint8_t>(bytes.begin(), bytes.end() - 3)),
                  "truncated: expected 20 data bytes, found 17");
  expectDataError(writeGzip(dir / "short.gz", std::vector<uint8_t>(bytes.begin(), bytes.end() - 3)),
                  "truncated: expected 20 data bytes, found 17");
  expectDataError(
      writeRaw(dir / "header.idx", std::vector<uint8_t>(bytes.begin(), bytes.begin() + 6)),
      "truncated: expected 8 header bytes");
  auto longer = bytes;
  longer.push_back(0);
  expectDataError(writeRaw(dir / "long.idx", longer), "trailing bytes");

  auto magic = bytes;
  magic[0] = 0x12;
  magic[1] = 0x34;
  expectDataError(writeRaw(dir / "magic.idx", magic), "not an IDX file (magic 0x12340802)");
  expectDataError(writeRaw(dir / "tiny.idx", {0, 0}), "not an IDX file");
  expectDataError(writeRaw(dir / "float.idx", idxBytes({4, 5}, iota(20), 0x0D)),
                  "unsupported element type 0x0D");

  // Dims whose product is 2^64 would wrap to 0 without the guard.
  expectDataError(writeRaw(dir / "huge.idx", idxBytes({65536, 65536, 65536, 65536}, {})),
                  "too large");
  expectDataError(writeRaw(dir / "big.idx", idxBytes({4, 0xFFFFFFFFu}, {})), "too large");
}

TEST(Idx, CorruptGzipThrowsDataError) {
  const fs::path dir = scratchDir();
  const auto bytes = idxBytes({64, 64}, iota(64 * 64));
  auto gz = readAll(writeGzip(dir / "good.gz", bytes));
  ASSERT_GT(gz.size(), 30u);

  // A wrong CRC in the trailer: the data inflates fine but fails the integrity check.
  auto badCrc = gz;
  badCrc[badCrc.size() - 8] ^= 0xFF;
  expectDataError(writeRaw(dir / "crc.gz", badCrc), "gzip stream corrupt");

  // Garbage in the deflate data.
  auto garbage = gz;
  for (size_t i = 12; i < 24; ++i)
    garbage[i] = 0xFF;
  expectDataError(writeRaw(dir / "garbage.gz", garbage), "gzip stream corrupt");

  // Compressed stream cut short.
  expectDataError(
      writeRaw(dir / "cut.gz", std::vector<uint8_t>(gz.begin(), gz.begin() + gz.size() / 2)),
      "gzip stream corrupt");
}

void writeMnistSplit(const fs::path& dir, const std::string& prefix, uint32_t nImages,
                     uint32_t nLabels, bool gzip) {
  auto images = idxBytes({nImages, 28, 28}, iota(nImages * 28 * 28));
  auto labels = idxBytes({nLabels}, iota(nLabels));
  const std::string suffix = gzip ? ".gz" : "";
  const auto write = gzip ? writeGzip : writeRaw;
  write(dir / (prefix + "-images-idx3-ubyte" + suffix), images);
  write(dir / (prefix + "-labels-idx1-ubyte" + suffix), labels);
}

TEST(Idx, LoadsMnistLayoutFromRawAndGzip) {
  const fs::path dir = scratchDir();
  writeMnistSplit(dir, "train", 3, 3, /*gzip=*/false);
  writeMnistSplit(dir, "t10k", 4, 4, /*gzip=*/true);

  const ebm::ImageSet train = ebm::loadMnistFolder(dir.string(), "train", /*pad32=*/false);
  ASSERT_EQ(train.images.sizes(), torch::IntArrayRef({3, 1, 28, 28}));
  EXPECT_EQ(train.images.scalar_type(), torch::kFloat);
  EXPECT_EQ(train.labels.scalar_type(), torch::kLong);
  EXPECT_TRUE(torch::equal(train.labels, torch::arange(3, torch::kLong)));
  // Pixel i of the flattened data is (i mod 256), mapped to p / 127.5 - 1.
  auto expected = (torch::arange(3 * 28 * 28, torch::kLong) % 256).to(torch::kFloat) / 127.5 - 1;
  EXPECT_TRUE(torch::allclose(train.images.flatten(), expected));

  const ebm::ImageSet test =
      ebm::loadMnistFolder(dir.string(), "test", /*pad32=*/true, /*limit=*/2);
  ASSERT_EQ(test.images.sizes(), torch::IntArrayRef({2, 1, 32, 32}));
  EXPECT_EQ(test.labels.size(0), 2);
  // The 2-pixel border is -1, the interior the original image.
  EXPECT_EQ(test.images.index({torch::indexing::Slice(), 0, 0}).eq(-1).all().item<bool>(), true);
  EXPECT_EQ(test.images.index({torch::indexing::Slice(), 0, torch::indexing::Slice(), 31})
                .eq(-1)
                .all()
                .item<bool>(),
            true);
  auto interior = test.images.index(
      {torch::indexing::Slice(), 0, torch::indexing::Slice(2, 30), torch::indexing::Slice(2, 30)});
  EXPECT_TRUE(torch::allclose(interior.flatten(), expected.narrow(0, 0, 2 * 28 * 28)));
}

TEST(Idx, MnistFolderErrors) {
  const fs::path dir = scratchDir();
  writeMnistSplit(dir, "train", 3, 2, /*gzip=*/false);
  try {
    ebm::loadMnistFolder(dir.string(), "train", true);
    ADD_FAILURE() << "label count mismatch accepted";
  } catch (const ebm::DataError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "train-labels-idx1-ubyte").string()),
              std::string::npos)
        << e.what();
  }
  // The test split is absent.
  try {
    ebm::loadMnistFolder(dir.string(), "test", true);
    ADD_FAILURE() << "missing split accepted";
  } catch (const ebm::DataError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "t10k-images-idx3-ubyte").string()),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ebm::loadMnistFolder(dir.string(), "validation", true), ebm::DataError);

  // Labels where images belong: wrong rank.
  const fs::path flat = dir / "flat";
  fs::create_directories(flat);
  writeRaw(flat / "train-images-idx3-ubyte", idxBytes({6}, iota(6)));
  writeRaw(flat / "train-labels-idx1-ubyte", idxBytes({6}, iota(6)));
  EXPECT_THROW(ebm::loadMnistFolder(flat.string(), "train", true), ebm::DataError);
}

TEST(Idx, LoadsRealFashionMnistTestSplit) {
  if (!fs::exists(kFashionMnist))
    GTEST_SKIP() << kFashionMnist << " not present";
  const ebm::ImageSet set = ebm::loadMnistFolder(kFashionMnist, "test", /*pad32=*/true);
  ASSERT_EQ(set.images.sizes(), torch::IntArrayRef({10000, 1, 32, 32}));
  ASSERT_EQ(set.labels.sizes(), torch::IntArrayRef({10000}));
  EXPECT_EQ(set.images.min().item<float>(), -1.0f);
  EXPECT_EQ(set.images.max().item<float>(), 1.0f);
  EXPECT_EQ(set.labels.min().item<int64_t>(), 0);
  EXPECT_EQ(set.labels.max().item<int64_t>(), 9);
  // Fashion-MNIST's test split is balanced: 1000 per class.
  EXPECT_TRUE(torch::equal(torch::bincount(set.labels), torch::full({10}, 1000, torch::kLong)));
}

} // namespace
