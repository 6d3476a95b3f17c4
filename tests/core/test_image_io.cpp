#include "image_io.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef EBM_TEST_TMP
#error "EBM_TEST_TMP must name a scratch directory (a string literal)"
#endif

namespace {
namespace fs = std::filesystem;
using ebm::Image;
using ebm::Plot2d;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Each test uses its own file names so ctest may run them in parallel.
std::string imageTmpFile(const std::string& name) {
  const fs::path dir = fs::path(EBM_TEST_TMP) / "image_io";
  fs::create_directories(dir);
  return (dir / name).string();
}

std::vector<uint8_t> readBytes(const std::string& path) {
  std::ifstream is(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(is), {});
}

std::string readFileText(const std::string& path) {
  std::ifstream is(path);
  std::stringstream ss;
  ss << is.rdbuf();
  return ss.str();
}

uint32_t bigEndian32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}

// Runs `f`, expecting an ebm::Error whose message contains `needle`.
template <typename F> void expectErrorMentioning(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no ebm::Error thrown";
  } catch (const ebm::Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

Image solidImage(int w, int h, int channels, uint8_t value) {
  Image img;
  img.width = w;
  img.height = h;
  img.channels = channels;
  img.pixels.assign(static_cast<size_t>(w) * h * channels, value);
  return img;
}

const uint8_t* pixelAt(const Image& img, int x, int y) {
  return &img.pixels[(static_cast<size_t>(y) * img.width + x) * img.channels];
}

// ----- writePng -----------------------------------------------------------------------------

TEST(WritePng, WritesSignatureAndHeader) {
  const std::string path = imageTmpFile("rgb.png");
  ebm::writePng(path, solidImage(7, 5, 3, 200));
  const auto b = readBytes(path);
  ASSERT_GE(b.size(), 33u);
  const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(b[i], kSignature[i]) << "byte " << i;
  EXPECT_EQ(std::string(b.begin() + 12, b.begin() + 16), "IHDR");
  EXPECT_EQ(bigEndian32(b, 16), 7u);
  EXPECT_EQ(bigEndian32(b, 20), 5u);
  EXPECT_EQ(b[24], 8); // bit depth
  EXPECT_EQ(b[25], 2); // colour type: RGB
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(WritePng, GreyImageAndOverwrite) {
  const std::string path = imageTmpFile("grey.png");
  ebm::writePng(path, solidImage(3, 3, 3, 0));
  ebm::writePng(path, solidImage(11, 2, 1, 90));
  const auto b = readBytes(path);
  ASSERT_GE(b.size(), 33u);
  EXPECT_EQ(bigEndian32(b, 16), 11u);
  EXPECT_EQ(bigEndian32(b, 20), 2u);
  EXPECT_EQ(b[25], 0); // colour type: grey
}

TEST(WritePng, MissingDirectoryThrowsNamingThePath) {
  const std::string path = imageTmpFile("no_such_dir") + "/sub/out.png";
  expectErrorMentioning([&] { ebm::writePng(path, solidImage(2, 2, 3, 0)); }, path);
  EXPECT_FALSE(fs::exists(path));
}

TEST(WritePng, InconsistentImageThrows) {
  const std::string path = imageTmpFile("bad.png");
  Image img = solidImage(4, 4, 3, 0);
  img.pixels.pop_back();
  expectErrorMentioning([&] { ebm::writePng(path, img); }, path);
  expectErrorMentioning([&] { ebm::writePng(path, Image{}); }, path);
}

// ----- imageGrid ----------------------------------------------------------------------------

TEST(ImageGrid, MapsValuesToBytes) {
  // Rounding is half up: (v + 1) * 127.5, so 0 -> 127.5 -> 128 and 0.5 -> 191.25 -> 191.
  const std::vector<float> v{-1.f, 1.f, 0.f,  0.5f,
                             -5.f, 5.f, kNaN, std::numeric_limits<float>::infinity()};
  const Image img = ebm::imageGrid(v, 1, static_cast<int>(v.size()), 1, 1, 1, 0);
  ASSERT_EQ(img.channels, 1);
  ASSERT_EQ(img.width, 8);
  ASSERT_EQ(img.height, 1);
  const std::vector<uint8_t> expected{0, 255, 128, 191, 0, 255, 0, 255};
  EXPECT_EQ(img.pixels, expected);
}

TEST(ImageGrid, GeometryPaddingAndChannelOrder) {
  const int rows = 2, cols = 3, c = 3, h = 4, w = 5, pad = 2;
  const size_t tileSize = static_cast<size_t>(c) * h * w;
  std::vector<float> tiles(rows * cols * tileSize, 0.f);
  // Tile t: red plane -1, green plane +1, blue plane 0, except pixel (y=1, x=3) whose red value
  // encodes the tile index so misplaced tiles show up.
  for (int t = 0; t < rows * cols; ++t) {
    float* tile = tiles.data() + t * tileSize;
    for (int i = 0; i < h * w; ++i) {
      tile[i] = -1.f;
      tile[h * w + i] = 1.f;
      tile[2 * h * w + i] = 0.f;
    }
    tile[1 * w + 3] = -1.f + 0.25f * t; // exact in float
  }
  const Image img = ebm::imageGrid(tiles, rows, cols, c, h, w, pad, 17);
  EXPECT_EQ(img.width, cols * w + (cols + 1) * pad);
  EXPECT_EQ(img.height, rows * h + (rows + 1) * pad);
  EXPECT_EQ(img.channels, 3);
  ASSERT_EQ(img.pixels.size(), static_cast<size_t>(img.width) * img.height * 3);
  // Corners and the gap between tiles are background.
  for (int ch = 0; ch < 3; ++ch) {
    EXPECT_EQ(pixelAt(img, 0, 0)[ch], 17);
    EXPECT_EQ(pixelAt(img, pad + w, pad)[ch], 17);
    EXPECT_EQ(pixelAt(img, img.width - 1, img.height - 1)[ch], 17);
  }
  for (int tr = 0; tr < rows; ++tr)
    for (int tc = 0; tc < cols; ++tc) {
      const int x0 = pad + tc * (w + pad), y0 = pad + tr * (h + pad);
      const uint8_t* p = pixelAt(img, x0, y0);
      EXPECT_EQ(p[0], 0);
      EXPECT_EQ(p[1], 255);
      EXPECT_EQ(p[2], 128);
      const int t = tr * cols + tc;
      const uint8_t marker = pixelAt(img, x0 + 3, y0 + 1)[0];
      EXPECT_EQ(marker, static_cast<int>(std::floor(0.25 * t * 127.5 + 0.5))) << "tile " << t;
    }
}

TEST(ImageGrid, RejectsBadSizes) {
  std::vector<float> tiles(2 * 2 * 1 * 3 * 3, 0.f);
  EXPECT_NO_THROW(ebm::imageGrid(tiles, 2, 2, 1, 3, 3));
  tiles.pop_back();
  EXPECT_THROW(ebm::imageGrid(tiles, 2, 2, 1, 3, 3), ebm::Error);
  tiles.resize(2 * 2 * 2 * 3 * 3);
  EXPECT_THROW(ebm::imageGrid(tiles, 2, 2, 2, 3, 3), ebm::Error); // 2 channels unsupported
  EXPECT_THROW(ebm::imageGrid({}, 0, 2, 1, 3, 3), ebm::Error);
  EXPECT_THROW(ebm::imageGrid({}, 1, 1, 1, 1, 1, -1), ebm::Error);
}

// ----- viridis ------------------------------------------------------------------------------

void expectNear(const uint8_t got[3], int r, int g, int b, int tolerance) {
  EXPECT_NEAR(got[0], r, tolerance);
  EXPECT_NEAR(got[1], g, tolerance);
  EXPECT_NEAR(got[2], b, tolerance);
}

TEST(Viridis, MatchesPublishedValues) {
  uint8_t rgb[3];
  ebm::viridis(0.f, rgb);
  expectNear(rgb, 68, 1, 84, 2);
  ebm::viridis(1.f, rgb);
  expectNear(rgb, 253, 231, 37, 2);
  ebm::viridis(0.5f, rgb); // #21918c
  expectNear(rgb, 33, 145, 140, 2);
  ebm::viridis(0.25f, rgb); // #3b528b
  expectNear(rgb, 59, 82, 139, 2);
  ebm::viridis(0.75f, rgb); // #5ec962
  expectNear(rgb, 94, 201, 98, 2);
}

TEST(Viridis, ClampsAndHandlesNaN) {
  uint8_t lo[3], hi[3], below[3], above[3], nan[3];
  ebm::viridis(0.f, lo);
  ebm::viridis(1.f, hi);
  ebm::viridis(-3.f, below);
  ebm::viridis(7.f, above);
  ebm::viridis(kNaN, nan);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(below[c], lo[c]);
    EXPECT_EQ(above[c], hi[c]);
    EXPECT_EQ(nan[c], lo[c]);
  }
}

TEST(Viridis, LightnessIncreases) {
  // Viridis is designed so perceived lightness rises monotonically; luma is a fair proxy.
  double previous = -1;
  for (int i = 0; i <= 20; ++i) {
    uint8_t rgb[3];
    ebm::viridis(i / 20.f, rgb);
    const double luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    EXPECT_GT(luma, previous) << "t = " << i / 20.0;
    previous = luma;
  }
}

// ----- Plot2d -------------------------------------------------------------------------------

Plot2d makePlot(int size, double lo, double hi) {
  Plot2d p;
  p.size = size;
  p.lo = lo;
  p.hi = hi;
  p.begin(10, 20, 30);
  return p;
}

TEST(Plot2d, BeginFillsCanvas) {
  const Plot2d p = makePlot(9, -1, 1);
  EXPECT_EQ(p.canvas.width, 9);
  EXPECT_EQ(p.canvas.height, 9);
  EXPECT_EQ(p.canvas.channels, 3);
  ASSERT_EQ(p.canvas.pixels.size(), 9u * 9u * 3u);
  for (size_t i = 0; i < p.canvas.pixels.size(); i += 3) {
    EXPECT_EQ(p.canvas.pixels[i], 10);
    EXPECT_EQ(p.canvas.pixels[i + 1], 20);
    EXPECT_EQ(p.canvas.pixels[i + 2], 30);
  }
  Plot2d bad;
  bad.hi = bad.lo;
  EXPECT_THROW(bad.begin(), ebm::Error);
}

TEST(Plot2d, PointAtOriginColoursTheCentre) {
  // Odd size: the origin is the centre of pixel 50, which the disc covers fully.
  Plot2d p = makePlot(101, -1.5, 1.5);
  p.point(0, 0, 2, 255, 0, 0);
  const uint8_t* c = pixelAt(p.canvas, 50, 50);
  EXPECT_EQ(c[0], 255);
  EXPECT_EQ(c[1], 0);
  EXPECT_EQ(c[2], 0);
  // Far from the disc nothing changed.
  EXPECT_EQ(pixelAt(p.canvas, 50, 60)[0], 10);
  EXPECT_EQ(pixelAt(p.canvas, 0, 0)[0], 10);

  // Even size: the origin is the corner shared by pixels 255 and 256.
  Plot2d q = makePlot(512, -1.5, 1.5);
  q.point(0, 0, 1, 255, 0, 0);
  for (int y : {255, 256})
    for (int x : {255, 256})
      EXPECT_GT(pixelAt(q.canvas, x, y)[0], 200) << x << "," << y;
}

TEST(Plot2d, PointBlendsWithAlpha) {
  Plot2d p = makePlot(101, -1, 1);
  p.point(0, 0, 3, 210, 20, 30, 0.5f);
  // 10 + (210 - 10) * 0.5 = 110 in the fully covered middle.
  EXPECT_EQ(pixelAt(p.canvas, 50, 50)[0], 110);
  EXPECT_EQ(pixelAt(p.canvas, 50, 50)[1], 20);
}

TEST(Plot2d, PointsOutsideChangeNothing) {
  Plot2d p = makePlot(64, -1, 1);
  const auto before = p.canvas.pixels;
  p.point(5, 0, 3, 255, 0, 0);
  p.point(0, -1.01, 3, 255, 0, 0);
  p.point(1e308, -1e308, 1000000, 255, 0, 0);
  p.point(std::nan(""), 0, 3, 255, 0, 0);
  p.point(0, 0, 3, 255, 0, 0, 0.f); // fully transparent
  EXPECT_EQ(p.canvas.pixels, before);
  // On the border the disc is clipped, not skipped, and nothing is written out of bounds.
  p.point(1, 1, 5, 255, 0, 0);
  EXPECT_EQ(pixelAt(p.canvas, 63, 0)[0], 255);
  EXPECT_EQ(p.canvas.pixels.size(), before.size());
  // A huge radius covers the canvas without looping over the radius.
  p.point(0, 0, std::numeric_limits<int>::max(), 0, 255, 0);
  EXPECT_EQ(pixelAt(p.canvas, 0, 63)[1], 255);
}

TEST(Plot2d, HorizontalLineIsClipped) {
  Plot2d p = makePlot(100, -1, 1);
  // y = 0.49 puts the line on the centre of pixel row 25; the ends lie far outside the canvas.
  p.line(-1e6, 0.49, 1e6, 0.49, 0, 0, 250);
  for (int x = 0; x < 100; ++x) {
    EXPECT_GE(pixelAt(p.canvas, x, 25)[2], 245) << x;
    EXPECT_EQ(pixelAt(p.canvas, x, 10)[2], 30) << x;
  }
}

TEST(Plot2d, DiagonalLineAndDegenerateCases) {
  Plot2d p = makePlot(100, -1, 1);
  auto before = p.canvas.pixels;
  p.line(2, 2, 3, 3, 255, 0, 0);                // entirely outside
  p.line(std::nan(""), 0, 0, 0, 255, 0, 0);     // not a number
  p.line(-0.5, -0.5, 0.5, 0.5, 255, 0, 0, 0.f); // invisible
  EXPECT_EQ(p.canvas.pixels, before);
  p.line(-1, -1, 1, 1, 255, 0, 0); // bottom-left to top-right
  for (int i = 0; i < 100; i += 9)
    EXPECT_GT(pixelAt(p.canvas, i, 99 - i)[0], 200) << i;
  EXPECT_EQ(pixelAt(p.canvas, 10, 10)[0], 10);
  p.line(0.31, 0.31, 0.31, 0.31, 0, 255, 0); // zero length: still a dot
  EXPECT_GT(pixelAt(p.canvas, 65, 34)[1], 200);
}

TEST(Plot2d, HeatmapPutsTheMaximumAtTheBrightEnd) {
  Plot2d p = makePlot(60, -1, 1);
  // 3x3 field, row 0 = top (y = hi), column 0 = left (x = lo); maximum at the top right.
  std::vector<float> field{0, 1, 5, 0, 0, 1, -2, 0, 0};
  p.heatmap(field, 3);
  uint8_t bright[3], dark[3];
  ebm::viridis(1.f, bright);
  ebm::viridis(0.f, dark);
  const uint8_t* topRight = pixelAt(p.canvas, 59, 0);
  const uint8_t* bottomLeft = pixelAt(p.canvas, 0, 59);
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(topRight[c], bright[c], 12);
    EXPECT_NEAR(bottomLeft[c], dark[c], 12);
  }
  // Everything is painted over the background.
  EXPECT_NE(pixelAt(p.canvas, 30, 30)[1], 20);
}

TEST(Plot2d, HeatmapConstantAndNonFinite) {
  Plot2d p = makePlot(40, -1, 1);
  p.heatmap(std::vector<float>(16, 3.f), 4);
  uint8_t mid[3];
  ebm::viridis(0.5f, mid);
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(pixelAt(p.canvas, 17, 23)[c], mid[c]);

  // NaN in the top-left corner of a 2x2 field: grey there, colours elsewhere.
  p.heatmap({kNaN, 0.f, 1.f, std::numeric_limits<float>::infinity()}, 2);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(pixelAt(p.canvas, 0, 0)[c], 128);
    EXPECT_EQ(pixelAt(p.canvas, 39, 39)[c], 128);
  }
  uint8_t lo[3];
  ebm::viridis(0.f, lo);
  EXPECT_EQ(pixelAt(p.canvas, 39, 0)[2], lo[2]);

  p.heatmap(std::vector<float>(4, kNaN), 2); // nothing finite at all
  EXPECT_EQ(pixelAt(p.canvas, 20, 20)[0], 128);
}

TEST(Plot2d, HeatmapRejectsWrongFieldSize) {
  Plot2d p = makePlot(10, -1, 1);
  EXPECT_THROW(p.heatmap(std::vector<float>(8, 0.f), 3), ebm::Error);
  EXPECT_THROW(p.heatmap({}, 0), ebm::Error);
}

TEST(Plot2d, DrawingBeforeBeginIsAProgrammingError) {
  Plot2d p;
  EXPECT_THROW(p.point(0, 0, 1, 0, 0, 0), std::logic_error);
  EXPECT_THROW(p.line(0, 0, 1, 1, 0, 0, 0), std::logic_error);
  EXPECT_THROW(p.heatmap({0.f}, 1), std::logic_error);
}

// ----- writeCsv -----------------------------------------------------------------------------

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);)
    lines.push_back(line);
  return lines;
}

TEST(WriteCsv, RoundTrip) {
  const std::string path = imageTmpFile("table.csv");
  const float lossA = 0.1f, lossB = -3.14159274e-7f;
  ebm::writeCsv(path, {"iteration", "loss", "energy"},
                {{0, lossA, 2.5}, {1234567890, lossB, -7}, {3, 1e30}});
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  const auto lines = splitLines(readFileText(path));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "iteration,loss,energy");
  EXPECT_EQ(lines[1], "0,0.100000001,2.5");
  EXPECT_EQ(lines[2].substr(0, 11), "1234567890,");
  EXPECT_EQ(lines[3], "3,1e+30");
  // Float values read back bit-exactly.
  const std::string second = lines[2].substr(11, lines[2].find(',', 11) - 11);
  EXPECT_EQ(std::strtof(second.c_str(), nullptr), lossB);
  EXPECT_EQ(std::strtof("0.100000001", nullptr), lossA);
}

TEST(WriteCsv, NonFiniteAndQuoting) {
  const std::string path = imageTmpFile("nan.csv");
  const double inf = std::numeric_limits<double>::infinity();
  ebm::writeCsv(path, {"a", "b,c", "say \"hi\""},
                {{std::numeric_limits<double>::quiet_NaN(), inf, -inf}});
  EXPECT_EQ(readFileText(path), "a,\"b,c\",\"say \"\"hi\"\"\"\nnan,inf,-inf\n");
}

TEST(WriteCsv, ErrorsNameThePath) {
  const std::string missing = imageTmpFile("missing_dir") + "/x/table.csv";
  expectErrorMentioning([&] { ebm::writeCsv(missing, {"a"}, {{1}}); }, missing);
  const std::string path = imageTmpFile("long_row.csv");
  expectErrorMentioning([&] { ebm::writeCsv(path, {"a"}, {{1, 2}}); }, path);
  // Writing where a directory stands fails at the rename and leaves no temporary file.
  const std::string dir = imageTmpFile("is_a_dir.csv");
  fs::create_directories(dir);
  expectErrorMentioning([&] { ebm::writeCsv(dir, {"a"}, {{1}}); }, dir);
  EXPECT_FALSE(fs::exists(dir + ".tmp"));
}

} // namespace
