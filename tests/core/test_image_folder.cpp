// ImageFolder and the "folder" data source: listing, centre-crop and resize, value range, the
// deterministic train/test split, caching and the errors for bad folders.
#include "data/image_folder.h"

#include "config.h"
#include "data/data_source.h"
#include "errors.h"
#include "eval/eval_data.h"
#include "evaluate.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace ebm {
namespace {

namespace fs = std::filesystem;

using PixelFn = std::function<uint8_t(int x, int y, int c)>;

/// Writes a PNG, JPEG or BMP (by extension) whose pixels are given by `pixel`.
void writeImage(const fs::path& path, int w, int h, int channels, const PixelFn& pixel) {
  fs::create_directories(path.parent_path());
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * channels);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < channels; ++c)
        px[(static_cast<size_t>(y) * w + x) * channels + c] = pixel(x, y, c);
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  int ok = 0;
  if (ext == ".png")
    ok = stbi_write_png(path.c_str(), w, h, channels, px.data(), w * channels);
  else if (ext == ".jpg")
    ok = stbi_write_jpg(path.c_str(), w, h, channels, px.data(), 95);
  else if (ext == ".bmp")
    ok = stbi_write_bmp(path.c_str(), w, h, channels, px.data());
  ASSERT_TRUE(ok) << "cannot write " << path;
}

PixelFn constant(uint8_t v) {
  return [v](int, int, int) { return v; };
}

/// A folder of `n` grey 8x8 PNGs, image i filled with the value 10 i + 5.
fs::path greyFolder(const std::string& name, int n) {
  const fs::path dir = test::tempDir("image_folder/" + name);
  for (int i = 0; i < n; ++i) {
    char file[32];
    std::snprintf(file, sizeof file, "img%03d.png", i);
    writeImage(fs::path(dir) / file, 8, 8, 1, constant(static_cast<uint8_t>(10 * i + 5)));
  }
  return dir;
}

ImageFolderOptions options(int side, int channels, double testFraction = 0.1) {
  ImageFolderOptions o;
  o.side = side;
  o.channels = channels;
  o.testFraction = testFraction;
  return o;
}

torch::Tensor firstN(int64_t n) {
  return torch::arange(n, torch::TensorOptions().dtype(torch::kLong));
}

/// Runs `f`, expects a DataError whose message contains every needle.
void expectFolderError(const std::function<void()>& f, std::initializer_list<std::string> needles) {
  try {
    f();
    ADD_FAILURE() << "no DataError thrown";
  } catch (const DataError& e) {
    const std::string msg = e.what();
    for (const std::string& needle : needles)
      EXPECT_NE(msg.find(needle), std::string::npos) << "'" << needle << "' not in: " << msg;
  }
}

TEST(ImageFolder, ListsImagesRecursivelyInPathOrderAndSkipsOtherFiles) {
  const fs::path dir = test::tempDir("image_folder/listing");
  writeImage(dir / "b" / "c" / "z.png", 9, 9, 3, constant(1));
  writeImage(dir / "a.png", 9, 9, 3, constant(2));
  writeImage(dir / "b" / "y.JPG", 9, 9, 3, constant(3));
  writeImage(dir / "b" / "x.bmp", 9, 9, 3, constant(4));
  std::ofstream(dir / "notes.txt") << "not an image\n";
  std::ofstream(dir / "._a.png") << "macOS resource fork, not an image\n";
  fs::create_directories(dir / ".cache");
  std::ofstream(dir / ".cache" / "junk.png") << "not an image either\n";

  ImageFolder folder(dir.string(), options(8, 3, 0.25));
  std::vector<std::string> files = folder.files(FolderSplit::Train);
  const auto& test = folder.files(FolderSplit::Test);
  files.insert(files.end(), test.begin(), test.end());
  std::sort(files.begin(), files.end());
  const std::vector<std::string> expected = {
      (dir / "a.png").string(), (dir / "b" / "c" / "z.png").string(),
      (dir / "b" / "x.bmp").string(), (dir / "b" / "y.JPG").string()};
  EXPECT_EQ(files, expected);
  EXPECT_EQ(folder.size(FolderSplit::Test), 1); // floor(4 * 0.25)
  EXPECT_EQ(folder.files(FolderSplit::Test).front(), expected.back());
}

TEST(ImageFolder, ImagesComeOutResizedInMinusOneToOne) {
  const fs::path dir = test::tempDir("image_folder/range");
  // An exact-size image keeps its bytes; others are resized, a constant staying constant.
  writeImage(dir / "exact.png", 32, 32, 3, [](int, int, int c) {
    return static_cast<uint8_t>(c == 0 ? 255 : c == 1 ? 100 : 0);
  });
  writeImage(dir / "large.png", 50, 70, 3, constant(200));
  writeImage(dir / "small.png", 10, 12, 3, constant(40));
  writeImage(dir / "noise.png", 45, 45, 3, [](int x, int y, int c) {
    return static_cast<uint8_t>((x * 37 + y * 101 + c * 53) % 256);
  });
  ImageFolder folder(dir.string(), options(32, 3));
  ASSERT_EQ(folder.size(FolderSplit::Train), 4);
  const auto x = folder.load(FolderSplit::Train, firstN(4));
  EXPECT_EQ(x.sizes(), torch::IntArrayRef({4, 3, 32, 32}));
  EXPECT_EQ(x.scalar_type(), torch::kFloat);
  EXPECT_GE(x.min().item<float>(), -1.0f);
  EXPECT_LE(x.max().item<float>(), 1.0f);
  const auto lsb = 1.0 / 127.5 + 1e-6;
  // Files in path order: exact, large, noise, small.
  EXPECT_TRUE(torch::equal(x[0][0], torch::full({32, 32}, 1.0f)));
  EXPECT_TRUE(torch::allclose(x[0][1], torch::full({32, 32}, 100 / 127.5f - 1)));
  EXPECT_TRUE(torch::equal(x[0][2], torch::full({32, 32}, -1.0f)));
  EXPECT_LE((x[1] - (200 / 127.5 - 1)).abs().max().item<double>(), lsb);
  EXPECT_LE((x[3] - (40 / 127.5 - 1)).abs().max().item<double>(), lsb);
  EXPECT_GT(x[2].std().item<double>(), 0.1); // resized noise is still noise
}

TEST(ImageFolder, NonSquareImagesAreCentreCropped) {
  const fs::path dir = test::tempDir("image_folder/crop");
  // 40x20: black left and right quarters, white centre; 20x40: black top and bottom quarters.
  writeImage(dir / "wide.png", 40, 20, 1,
             [](int x, int, int) { return static_cast<uint8_t>(x >= 10 && x < 30 ? 255 : 0); });
  writeImage(dir / "tall.png", 20, 40, 1,
             [](int, int y, int) { return static_cast<uint8_t>(y >= 10 && y < 30 ? 255 : 0); });
  ImageFolder folder(dir.string(), options(28, 1));
  ASSERT_EQ(folder.size(FolderSplit::Train), 2); // floor(2 * 0.1) = 0 held out
  const auto x = folder.load(FolderSplit::Train, firstN(2));
  EXPECT_EQ(x.sizes(), torch::IntArrayRef({2, 1, 28, 28}));
  EXPECT_GE(x.min().item<float>(), 0.99f) << "a black border survived the crop";
}

TEST(ImageFolder, ReadsJpegBmpAndRgbaPng) {
  const fs::path dir = test::tempDir("image_folder/formats");
  writeImage(dir / "a.jpg", 16, 16, 3, constant(180));
  writeImage(dir / "b.bmp", 16, 16, 3, constant(60));
  writeImage(dir / "c.png", 16, 16, 4, [](int, int, int c) {
    return static_cast<uint8_t>(c == 3 ? 0 : 120); // fully transparent: alpha is dropped
  });
  ImageFolder folder(dir.string(), options(16, 3));
  const auto x = folder.load(FolderSplit::Train, firstN(3));
  EXPECT_NEAR(x[0].mean().item<double>(), 180 / 127.5 - 1, 0.03); // JPEG is lossy
  EXPECT_TRUE(torch::allclose(x[1], torch::full({3, 16, 16}, 60 / 127.5f - 1)));
  EXPECT_TRUE(torch::allclose(x[2], torch::full({3, 16, 16}, 120 / 127.5f - 1)));
}

TEST(ImageFolder, SplitIsDeterministicDisjointAndEvenlySpread) {
  const fs::path dir = greyFolder("split", 20);
  ImageFolder a(dir.string(), options(8, 1, 0.1));
  ImageFolder b(dir.string(), options(8, 1, 0.1));
  EXPECT_EQ(a.files(FolderSplit::Train), b.files(FolderSplit::Train));
  EXPECT_EQ(a.files(FolderSplit::Test), b.files(FolderSplit::Test));
  // Every 10th file in path order is held out.
  const std::vector<std::string> test = {(dir / "img009.png").string(),
                                         (dir / "img019.png").string()};
  EXPECT_EQ(a.files(FolderSplit::Test), test);
  std::set<std::string> seen(a.files(FolderSplit::Train).begin(),
                             a.files(FolderSplit::Train).end());
  EXPECT_EQ(seen.size(), 18u);
  for (const std::string& f : test)
    EXPECT_EQ(seen.count(f), 0u) << f << " is in both splits";

  ImageFolder third(dir.string(), options(8, 1, 0.3));
  EXPECT_EQ(third.size(FolderSplit::Test), 6); // floor(20 * 0.3)

  ImageFolderOptions limited = options(8, 1, 0.1);
  limited.limit = 5;
  ImageFolder c(dir.string(), limited);
  EXPECT_EQ(c.size(FolderSplit::Train), 5);
  EXPECT_EQ(c.files(FolderSplit::Test), test); // the limit applies to training only
}

TEST(ImageFolder, TrainAndTestSubfoldersAreTheSplit) {
  const fs::path dir = test::tempDir("image_folder/subfolders");
  for (const char* name : {"1.png", "2.png", "3.png"})
    writeImage(dir / "train" / name, 8, 8, 1, constant(10));
  for (const char* name : {"4.png", "5.png"})
    writeImage(dir / "test" / "nested" / name, 8, 8, 1, constant(20));
  ImageFolder folder(dir.string(), options(8, 1, 0.5));
  EXPECT_TRUE(folder.subfolderSplit());
  EXPECT_EQ(folder.size(FolderSplit::Train), 3);
  ASSERT_EQ(folder.size(FolderSplit::Test), 2);
  for (const std::string& f : folder.files(FolderSplit::Test))
    EXPECT_NE(f.find("test"), std::string::npos) << f;

  fs::remove_all(dir / "test" / "nested");
  expectFolderError([&] { ImageFolder(dir.string(), options(8, 1)); },
                  {(dir / "test").string(), "contains no PNG, JPEG or BMP images"});
}

TEST(ImageFolder, DecodedImagesAreCachedWithinTheBudget) {
  const fs::path dir = greyFolder("cache", 4);
  ImageFolder cached(dir.string(), options(8, 1));
  ImageFolderOptions noCache = options(8, 1);
  noCache.cacheBytes = 0;
  ImageFolder uncached(dir.string(), noCache);
  const auto first = cached.load(FolderSplit::Train, firstN(4));
  EXPECT_TRUE(torch::equal(first, uncached.load(FolderSplit::Train, firstN(4))));

  fs::remove(dir / "img002.png");
  EXPECT_TRUE(torch::equal(cached.load(FolderSplit::Train, firstN(4)), first));
  expectFolderError([&] { uncached.load(FolderSplit::Train, firstN(4)); },
                  {(dir / "img002.png").string(), "cannot read image", "No such file"});
}

TEST(ImageFolder, BadFoldersGiveClearErrors) {
  const fs::path root = test::tempDir("image_folder/errors");
  const fs::path missing = root / "missing";
  expectFolderError([&] { ImageFolder(missing.string(), options(8, 1)); },
                  {missing.string(), "does not exist"});

  std::ofstream(root / "file.png") << "x";
  expectFolderError([&] { ImageFolder((root / "file.png").string(), options(8, 1)); },
                  {"file.png", "is not a folder"});

  const fs::path empty = root / "empty";
  fs::create_directories(empty / "sub");
  std::ofstream(empty / "readme.txt") << "no images here\n";
  expectFolderError([&] { ImageFolder(empty.string(), options(8, 1)); },
                  {empty.string(), "contains no PNG, JPEG or BMP images"});

  const fs::path corrupt = root / "corrupt";
  writeImage(corrupt / "good.png", 8, 8, 1, constant(7));
  std::ofstream(corrupt / "broken.png") << "this is no PNG at all";
  expectFolderError([&] { ImageFolder(corrupt.string(), options(8, 1)); },
                  {(corrupt / "broken.png").string(), "cannot read image"});

  const fs::path mixed = root / "mixed";
  writeImage(mixed / "colour.png", 8, 8, 3, constant(7));
  writeImage(mixed / "grey.png", 8, 8, 1, constant(7));
  expectFolderError([&] { ImageFolder(mixed.string(), options(8, 3)); },
                  {"mixes grey and colour", "colour.png has 3 channels", "grey.png has 1 channel"});

  const fs::path grey = greyFolder("errors_grey", 3);
  expectFolderError([&] { ImageFolder(grey.string(), options(8, 3)); },
                  {grey.string(), "grey images", "model.channels = 3"});
}

TEST(ImageFolder, TruncatedImageIsNamedWhenDecoded) {
  const fs::path dir = greyFolder("truncated", 3);
  const fs::path victim = dir / "img001.png";
  std::vector<char> bytes;
  {
    std::ifstream in(victim, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 40u);
  std::ofstream(victim, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), 40); // the header survives, the pixel data does not
  ImageFolder folder(dir.string(), options(8, 1));
  expectFolderError([&] { folder.load(FolderSplit::Train, firstN(3)); },
                  {victim.string(), "cannot decode image"});
}

// Found by tests/fuzz (fuzz_image): a 71-byte PNG whose second chunk claims ~1.9 GB made the
// decoder allocate that much before reading it. Chunk lengths are now checked against the file.
TEST(ImageFolder, APngChunkLongerThanTheFileIsRefusedBeforeAnyAllocation) {
  const fs::path dir = greyFolder("chunk_claim", 3);
  const fs::path victim = dir / "img001.png";
  const unsigned char bytes[] = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
      0x52, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x2c, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x03, 0x3b, 0x00, 0x73, 0x4a, 0x00, 0x1e, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
      0xd0, 0x08, 0x88, 0x58, 0x70, 0xe2, 0x83, 0xa7, 0x45, 0xa1, 0x90, 0x9b, 0x46, 0xf9, 0x00,
      0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x44, 0xae, 0x42, 0x60, 0x82};
  std::ofstream(victim, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  ImageFolder folder(dir.string(), options(8, 1));
  expectFolderError([&] { folder.load(FolderSplit::Train, firstN(3)); },
                    {victim.string(), "claims", "corrupt or truncated"});
}

TEST(FolderDataSource, TrainingNeverSeesHeldOutImages) {
  const fs::path dir = greyFolder("source", 10);
  DataConfig data;
  data.kind = "folder";
  data.path = dir.string();
  data.testFraction = 0.5; // files 1, 3, 5, 7, 9 are held out
  ModelConfig model;
  model.family = "conv";
  model.imageSize = 28;
  model.channels = 1;
  auto source = makeDataSource(data, model);
  EXPECT_EQ(source->size(), 5);
  EXPECT_NE(source->describe().find("5 train / 5 test"), std::string::npos) << source->describe();

  auto gen = test::seeded(3);
  std::set<int> seen;
  for (int i = 0; i < 20; ++i) {
    const auto batch = source->next(2, gen);
    ASSERT_EQ(batch.sizes(), torch::IntArrayRef({2, 1, 28, 28}));
    for (int b = 0; b < 2; ++b)
      seen.insert(static_cast<int>(std::lround((batch[b].mean().item<double>() + 1) * 127.5)));
  }
  EXPECT_EQ(seen, (std::set<int>{5, 25, 45, 65, 85})); // files 0, 2, 4, 6, 8

  const auto held = source->heldOut(100, gen);
  ASSERT_EQ(held.size(0), 5);
  for (int b = 0; b < 5; ++b)
    EXPECT_NEAR((held[b].mean().item<double>() + 1) * 127.5, 10 * (2 * b + 1) + 5, 0.5);

  data.path = (dir / "missing").string();
  expectFolderError([&] { makeDataSource(data, model); }, {"does not exist"});
}

// A synthetic aligned CelebA image (178x218, colour): four 74x74 quadrants of distinct colours
// fill the reference's face box (left 15, top 40, right 163, bottom 188); grey outside it.
constexpr uint8_t kQuadrant[4][3] = {{200, 10, 10}, {10, 200, 10}, {10, 10, 200}, {200, 200, 10}};
constexpr uint8_t kOutside = 90;

uint8_t celebaPixel(int x, int y, int c) {
  if (x < 15 || x >= 163 || y < 40 || y >= 188)
    return kOutside;
  const int q = (y >= 114 ? 2 : 0) + (x >= 89 ? 1 : 0);  // TL, TR, BL, BR
  return kQuadrant[q][c];
}

/// The colour of pixel (y, x) of image b, as bytes.
std::array<int, 3> colourAt(const torch::Tensor& x, int b, int y, int xx) {
  std::array<int, 3> rgb{};
  for (int c = 0; c < 3; ++c)
    rgb[c] = static_cast<int>(std::lround((x[b][c][y][xx].item<double>() + 1) * 127.5));
  return rgb;
}

bool near(const std::array<int, 3>& a, const uint8_t (&b)[3], int tolerance = 1) {
  for (int c = 0; c < 3; ++c)
    if (std::abs(a[c] - b[c]) > tolerance)
      return false;
  return true;
}

TEST(ImageFolder, CropBoxCutsTheReferenceFaceBox) {
  const fs::path dir = test::tempDir("image_folder/celeba_box");
  writeImage(dir / "000001.png", 178, 218, 3, celebaPixel);
  // At the box's own side there is no resampling: the output is the box's bytes exactly.
  ImageFolderOptions o = options(148, 3);
  o.cropBox = CropBox{15, 40, 163, 188};
  ImageFolder box(dir.string(), o);
  const auto x = box.load(FolderSplit::Train, firstN(1));
  ASSERT_EQ(x.sizes(), torch::IntArrayRef({1, 3, 148, 148}));
  for (const auto& [y, xx, q] : {std::tuple{0, 0, 0}, std::tuple{0, 147, 1},
                                 std::tuple{147, 0, 2}, std::tuple{147, 147, 3},
                                 std::tuple{73, 73, 0}, std::tuple{74, 74, 3}})
    EXPECT_TRUE(near(colourAt(x, 0, y, xx), kQuadrant[q], 0)) << "(" << y << ", " << xx << ")";
  const uint8_t grey[3] = {kOutside, kOutside, kOutside};
  for (int y = 0; y < 148; y += 7)
    for (int xx = 0; xx < 148; xx += 7)
      ASSERT_FALSE(near(colourAt(x, 0, y, xx), grey, 0)) << "outside pixel at " << y << ", " << xx;

  // The central square of the same image: rows 20..197, every column, grey margins included.
  ImageFolder centre(dir.string(), options(178, 3));
  const auto c = centre.load(FolderSplit::Train, firstN(1));
  EXPECT_TRUE(near(colourAt(c, 0, 0, 0), grey, 0));
  EXPECT_TRUE(near(colourAt(c, 0, 19, 15), grey, 0));      // image row 39: above the box
  EXPECT_TRUE(near(colourAt(c, 0, 20, 14), grey, 0));      // image column 14: left of it
  EXPECT_TRUE(near(colourAt(c, 0, 20, 15), kQuadrant[0], 0));  // the box's top-left pixel
  EXPECT_TRUE(near(colourAt(c, 0, 167, 162), kQuadrant[3], 0));  // its bottom-right pixel

  // An image the box does not fit is named when it is decoded.
  writeImage(dir / "small.png", 100, 100, 3, constant(5));
  ImageFolder mixed(dir.string(), o);
  expectFolderError([&] { mixed.load(FolderSplit::Train, firstN(2)); },
                  {"small.png", "100x100", "crop box", "data.crop_box"});
}

/// A CelebA-like folder: train/ and test/ each with `n` copies of the synthetic image.
fs::path celebaFolder(const std::string& name, int n) {
  const fs::path dir = test::tempDir("image_folder/" + name);
  for (const char* split : {"train", "test"})
    for (int i = 0; i < n; ++i)
      writeImage(dir / split / ("img" + std::to_string(i) + ".png"), 178, 218, 3, celebaPixel);
  return dir;
}

TEST(FolderDataSource, CropSettingPicksTheBoxOrTheCentre) {
  const fs::path dir = celebaFolder("celeba_source", 2);
  RunConfig cfg = RunConfig::fromPreset("paper-celeba64");
  cfg.data.path = dir.string();
  cfg.data.flip = false;
  auto gen = test::seeded(1);
  const auto boxed = makeDataSource(cfg.data, cfg.model)->heldOut(2, gen);
  ASSERT_EQ(boxed.sizes(), torch::IntArrayRef({2, 3, 64, 64}));
  // 148 -> 64 px: each quadrant is 32 px; their centres keep the colour, no grey anywhere.
  EXPECT_TRUE(near(colourAt(boxed, 0, 16, 16), kQuadrant[0]));
  EXPECT_TRUE(near(colourAt(boxed, 0, 16, 48), kQuadrant[1]));
  EXPECT_TRUE(near(colourAt(boxed, 0, 48, 16), kQuadrant[2]));
  EXPECT_TRUE(near(colourAt(boxed, 0, 48, 48), kQuadrant[3]));
  EXPECT_TRUE(near(colourAt(boxed, 0, 0, 0), kQuadrant[0], 3));
  cfg.data.crop = "center";
  const auto centred = makeDataSource(cfg.data, cfg.model)->heldOut(2, gen);
  const uint8_t grey[3] = {kOutside, kOutside, kOutside};
  EXPECT_TRUE(near(colourAt(centred, 0, 0, 0), grey));       // the grey margin is in the crop
  EXPECT_TRUE(near(colourAt(centred, 0, 63, 63), grey));
  EXPECT_TRUE(near(colourAt(centred, 0, 48, 2), grey));      // left of the face box
  EXPECT_TRUE(near(colourAt(boxed, 0, 48, 2), kQuadrant[2], 3));  // inside it (its BL)
}

TEST(FolderDataSource, TrainingBatchesAreFlippedHalfTheTimeAndTheTestSplitNever) {
  const fs::path dir = celebaFolder("celeba_flip", 4);
  RunConfig cfg = RunConfig::fromPreset("paper-celeba64");
  cfg.data.path = dir.string();
  ASSERT_TRUE(cfg.data.flip);
  // Mirrored, the top-left quadrant's colour shows on the right.
  auto flippedCount = [](const torch::Tensor& x, int b) {
    if (near(colourAt(x, b, 16, 16), kQuadrant[0]) && near(colourAt(x, b, 16, 48), kQuadrant[1]))
      return 0;
    EXPECT_TRUE(near(colourAt(x, b, 16, 16), kQuadrant[1]) &&
                near(colourAt(x, b, 16, 48), kQuadrant[0]))
        << "image " << b << " neither as is nor mirrored";
    return 1;
  };
  auto draw = [&](uint64_t seed) {
    auto source = makeDataSource(cfg.data, cfg.model);
    auto gen = test::seeded(seed);
    std::vector<int> flips;
    for (int i = 0; i < 50; ++i) {
      const auto batch = source->next(4, gen);
      for (int b = 0; b < 4; ++b)
        flips.push_back(flippedCount(batch, b));
    }
    const auto held = source->heldOut(4, gen);
    for (int b = 0; b < 4; ++b)
      EXPECT_EQ(flippedCount(held, b), 0) << "a test-split image was flipped";
    return flips;
  };
  const auto a = draw(11);
  const int flipped = std::accumulate(a.begin(), a.end(), 0);
  EXPECT_GT(flipped, 70) << "of 200";  // Binomial(200, 1/2): 100 +- 7
  EXPECT_LT(flipped, 130) << "of 200";
  EXPECT_EQ(draw(11), a) << "the same seed flips the same images";
  EXPECT_NE(draw(12), a);
  // Evaluations of the training split see the images unflipped.
  auto gen = test::seeded(11);
  const auto train = evaluationData(cfg, "train", 4, gen);
  for (int b = 0; b < 4; ++b)
    EXPECT_EQ(flippedCount(train, b), 0);
  cfg.data.flip = false;
  const auto plain = draw(11);
  EXPECT_EQ(std::accumulate(plain.begin(), plain.end(), 0), 0);
}

} // namespace
} // namespace ebm
