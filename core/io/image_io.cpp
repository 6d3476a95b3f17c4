#include "image_io.h"

#include "errors.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

// stb_image_write is compiled into this file only. STATIC keeps its symbols private so another
// library that bundles its own copy cannot clash at link time; NO_STDIO drops the FILE* writers
// because all output goes through writeFileAtomically() below, which reports errors properly.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace ebm {
namespace fs = std::filesystem;

namespace {

// Canvases and grids beyond this side length are certainly a mistake (a 16k x 16k RGB image is
// already 768 MiB); refusing them early avoids int overflow in the pixel arithmetic.
constexpr int64_t kMaxImageSide = 16384;
constexpr uint8_t kNonFiniteGrey = 128;

// Viridis as published by matplotlib (_viridis_data, 256 entries): every 5th entry, so the 52
// control points are evenly spaced at t = k / 51 and linear interpolation between them stays
// within 0.7 of a byte of the full table.
constexpr int kViridisPoints = 52;
constexpr float kViridis[kViridisPoints][3] = {
    {0.267004f, 0.004874f, 0.329415f}, {0.273809f, 0.031497f, 0.358853f},
    {0.278791f, 0.062145f, 0.386592f}, {0.281924f, 0.089666f, 0.412415f},
    {0.283197f, 0.115680f, 0.436115f}, {0.282623f, 0.140926f, 0.457517f},
    {0.280255f, 0.165693f, 0.476498f}, {0.276194f, 0.190074f, 0.493001f},
    {0.270595f, 0.214069f, 0.507052f}, {0.263663f, 0.237631f, 0.518762f},
    {0.255645f, 0.260703f, 0.528312f}, {0.246811f, 0.283237f, 0.535941f},
    {0.237441f, 0.305202f, 0.541921f}, {0.227802f, 0.326594f, 0.546532f},
    {0.218130f, 0.347432f, 0.550038f}, {0.208623f, 0.367752f, 0.552675f},
    {0.199430f, 0.387607f, 0.554642f}, {0.190631f, 0.407061f, 0.556089f},
    {0.182256f, 0.426184f, 0.557120f}, {0.174274f, 0.445044f, 0.557792f},
    {0.166617f, 0.463708f, 0.558119f}, {0.159194f, 0.482237f, 0.558073f},
    {0.151918f, 0.500685f, 0.557587f}, {0.144759f, 0.519093f, 0.556572f},
    {0.137770f, 0.537492f, 0.554906f}, {0.131172f, 0.555899f, 0.552459f},
    {0.125394f, 0.574318f, 0.549086f}, {0.121148f, 0.592739f, 0.544641f},
    {0.119423f, 0.611141f, 0.538982f}, {0.121380f, 0.629492f, 0.531973f},
    {0.128087f, 0.647749f, 0.523491f}, {0.140210f, 0.665859f, 0.513427f},
    {0.157851f, 0.683765f, 0.501686f}, {0.180653f, 0.701402f, 0.488189f},
    {0.208030f, 0.718701f, 0.472873f}, {0.239374f, 0.735588f, 0.455688f},
    {0.274149f, 0.751988f, 0.436601f}, {0.311925f, 0.767822f, 0.415586f},
    {0.352360f, 0.783011f, 0.392636f}, {0.395174f, 0.797475f, 0.367757f},
    {0.440137f, 0.811138f, 0.340967f}, {0.487026f, 0.823929f, 0.312321f},
    {0.535621f, 0.835785f, 0.281908f}, {0.585678f, 0.846661f, 0.249897f},
    {0.636902f, 0.856542f, 0.216620f}, {0.688944f, 0.865448f, 0.182725f},
    {0.741388f, 0.873449f, 0.149561f}, {0.793760f, 0.880678f, 0.120005f},
    {0.845561f, 0.887322f, 0.099702f}, {0.896320f, 0.893616f, 0.096335f},
    {0.945636f, 0.899815f, 0.112838f}, {0.993248f, 0.906157f, 0.143936f},
};

[[noreturn]] void failImage(const std::string& path, const std::string& problem) {
  throw Error(path + ": " + problem);
}

std::string errnoText() {
  return errno != 0 ? std::string(std::strerror(errno)) : std::string("unknown error");
}

// Writes through `<path>.tmp` and renames it over `path`, so a reader (or a crash) never sees a
// half-written file and an existing good file survives a failed write.
void writeFileAtomically(const std::string& path, const char* data, size_t size) {
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  // Checked up front because a failed open() alone cannot tell the caller what is wrong.
  if (!parent.empty() && !fs::is_directory(parent, ec))
    failImage(path, "directory " + parent.string() + " does not exist");
  const std::string tmp = path + ".tmp";
  {
    errno = 0;
    std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
    if (!os)
      failImage(path, "cannot create " + tmp + ": " + errnoText());
    os.write(data, static_cast<std::streamsize>(size));
    os.close();
    if (!os) {
      const std::string reason = errnoText();
      fs::remove(tmp, ec);
      failImage(path, "writing " + tmp + " failed: " + reason);
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::error_code ignored;
    fs::remove(tmp, ignored);
    failImage(path, "cannot rename " + tmp + " over it: " + reason);
  }
}

struct PngSink {
  std::vector<unsigned char> bytes;
  bool failed = false;
};

// stb calls this from C-style code; an exception must not unwind through it (it would leak
// stb's buffers), so running out of memory is recorded and reported after stb returns.
void appendToSink(void* context, void* data, int size) {
  auto* sink = static_cast<PngSink*>(context);
  if (sink->failed || size <= 0)
    return;
  try {
    const auto* p = static_cast<const unsigned char*>(data);
    sink->bytes.insert(sink->bytes.end(), p, p + size);
  } catch (...) {
    sink->failed = true;
  }
}

uint8_t unitToByte(float v) {
  if (std::isnan(v))
    return 0;
  const double c = std::clamp(static_cast<double>(v), -1.0, 1.0);
  // Round half up explicitly (0 -> 127.5 -> 128) rather than depend on a rounding mode.
  return static_cast<uint8_t>(std::floor((c + 1.0) * 127.5 + 0.5));
}

uint8_t toByte(double v) {
  return static_cast<uint8_t>(std::clamp(std::floor(v + 0.5), 0.0, 255.0));
}

void blendPixel(Image& img, int x, int y, const uint8_t rgb[3], float alpha) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height || !(alpha > 0.f))
    return;
  const double a = std::min(1.f, alpha);
  uint8_t* px = &img.pixels[(static_cast<size_t>(y) * img.width + x) * 3];
  for (int c = 0; c < 3; ++c)
    px[c] = toByte(px[c] + (rgb[c] - px[c]) * a);
}

// Liang-Barsky clipping of the segment to [lo, hi]^2; false when nothing of it is inside.
bool clipSegment(double& x0, double& y0, double& x1, double& y1, double lo, double hi) {
  const double dx = x1 - x0, dy = y1 - y0;
  double t0 = 0, t1 = 1;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {x0 - lo, hi - x0, y0 - lo, hi - y0};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0)
        return false;
      continue;
    }
    const double r = q[i] / p[i];
    if (p[i] < 0)
      t0 = std::max(t0, r);
    else
      t1 = std::min(t1, r);
    if (t0 > t1)
      return false;
  }
  const double nx0 = x0 + t0 * dx, ny0 = y0 + t0 * dy;
  x1 = x0 + t1 * dx;
  y1 = y0 + t1 * dy;
  x0 = nx0;
  y0 = ny0;
  return true;
}

} // namespace

void writePng(const std::string& path, const Image& image) {
  if (image.width <= 0 || image.height <= 0 || image.width > kMaxImageSide ||
      image.height > kMaxImageSide)
    failImage(path, "cannot write a " + std::to_string(image.width) + "x" +
                   std::to_string(image.height) + " image");
  if (image.channels < 1 || image.channels > 4)
    failImage(path, "cannot write an image with " + std::to_string(image.channels) + " channels");
  const size_t expected =
      static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * image.channels;
  if (image.pixels.size() != expected)
    failImage(path, "image has " + std::to_string(image.pixels.size()) + " bytes, expected " +
                   std::to_string(expected));
  PngSink sink;
  const int ok =
      stbi_write_png_to_func(appendToSink, &sink, image.width, image.height, image.channels,
                             image.pixels.data(), image.width * image.channels);
  if (!ok || sink.failed)
    failImage(path, "PNG encoding failed (out of memory?)");
  writeFileAtomically(path, reinterpret_cast<const char*>(sink.bytes.data()), sink.bytes.size());
}

Image imageGrid(const std::vector<float>& tiles, int rows, int cols, int channels, int h, int w,
                int pad, uint8_t background) {
  if (channels != 1 && channels != 3)
    throw Error("imageGrid: tiles must have 1 or 3 channels, not " + std::to_string(channels));
  if (rows < 1 || cols < 1 || h < 1 || w < 1 || pad < 0)
    throw Error("imageGrid: bad geometry rows=" + std::to_string(rows) +
                " cols=" + std::to_string(cols) + " h=" + std::to_string(h) +
                " w=" + std::to_string(w) + " pad=" + std::to_string(pad));
  // 64-bit arithmetic: every factor is a positive int, so the sides cannot overflow here.
  const int64_t width = int64_t{cols} * w + (int64_t{cols} + 1) * pad;
  const int64_t height = int64_t{rows} * h + (int64_t{rows} + 1) * pad;
  if (width > kMaxImageSide || height > kMaxImageSide)
    throw Error("imageGrid: a " + std::to_string(width) + "x" + std::to_string(height) +
                " grid is too large");
  // Bounded by the checks above (rows*h and cols*w are at most kMaxImageSide each).
  const size_t tileSize = static_cast<size_t>(channels) * h * w;
  const size_t expected = static_cast<size_t>(rows) * cols * tileSize;
  if (tiles.size() != expected)
    throw Error("imageGrid: expected " + std::to_string(expected) + " values (" +
                std::to_string(rows) + "x" + std::to_string(cols) + " tiles of " +
                std::to_string(channels) + "x" + std::to_string(h) + "x" + std::to_string(w) +
                ") but got " + std::to_string(tiles.size()));

  Image img;
  img.width = static_cast<int>(width);
  img.height = static_cast<int>(height);
  img.channels = channels;
  img.pixels.assign(static_cast<size_t>(width) * height * channels, background);
  const size_t plane = static_cast<size_t>(h) * w;
  for (int tr = 0; tr < rows; ++tr)
    for (int tc = 0; tc < cols; ++tc) {
      const float* tile = tiles.data() + (static_cast<size_t>(tr) * cols + tc) * tileSize;
      const size_t x0 = static_cast<size_t>(pad) + static_cast<size_t>(tc) * (w + pad);
      const size_t y0 = static_cast<size_t>(pad) + static_cast<size_t>(tr) * (h + pad);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          uint8_t* px = &img.pixels[((y0 + y) * img.width + x0 + x) * channels];
          for (int c = 0; c < channels; ++c)
            px[c] = unitToByte(tile[c * plane + static_cast<size_t>(y) * w + x]);
        }
    }
  return img;
}

void viridis(float t, uint8_t rgb[3]) {
  if (std::isnan(t))
    t = 0.f;
  const double pos = std::clamp(static_cast<double>(t), 0.0, 1.0) * (kViridisPoints - 1);
  const int i = std::min(static_cast<int>(pos), kViridisPoints - 2);
  const double f = pos - i;
  for (int c = 0; c < 3; ++c)
    rgb[c] = toByte(255.0 * (kViridis[i][c] * (1.0 - f) + kViridis[i + 1][c] * f));
}

void Plot2d::begin(uint8_t r, uint8_t g, uint8_t b) {
  if (size < 1 || size > kMaxImageSide)
    throw Error("Plot2d: size must be 1.." + std::to_string(kMaxImageSide) + ", not " +
                std::to_string(size));
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo))
    throw Error("Plot2d: the data range needs finite lo < hi");
  canvas.width = size;
  canvas.height = size;
  canvas.channels = 3;
  canvas.pixels.resize(static_cast<size_t>(size) * size * 3);
  for (size_t i = 0; i < canvas.pixels.size(); i += 3) {
    canvas.pixels[i] = r;
    canvas.pixels[i + 1] = g;
    canvas.pixels[i + 2] = b;
  }
}

namespace {

// Drawing before begin() (or after changing `size`) is a programming error, not bad input.
void requireCanvas(const Plot2d& p) {
  if (p.canvas.width != p.size || p.canvas.height != p.size || p.canvas.channels != 3 ||
      p.canvas.pixels.size() != static_cast<size_t>(p.size) * p.size * 3)
    throw std::logic_error("Plot2d: call begin() before drawing");
}

} // namespace

void Plot2d::heatmap(const std::vector<float>& field, int res) {
  requireCanvas(*this);
  if (res < 1 || res > kMaxImageSide || field.size() != static_cast<size_t>(res) * res)
    throw Error("Plot2d::heatmap: a " + std::to_string(res) + "x" + std::to_string(res) +
                " field needs " + std::to_string(static_cast<int64_t>(res) * res) +
                " values, got " + std::to_string(field.size()));
  float mn = std::numeric_limits<float>::infinity();
  float mx = -std::numeric_limits<float>::infinity();
  for (float v : field)
    if (std::isfinite(v)) {
      mn = std::min(mn, v);
      mx = std::max(mx, v);
    }
  const double range = static_cast<double>(mx) - mn;

  // Grid sample k sits at lo + (hi - lo) * k / (res - 1) and pixel centres at
  // lo + (hi - lo) * (c + 0.5) / size, so the grid coordinate of a pixel does not depend on
  // lo/hi. Per-axis lookups are the same for every row/column, so compute them once.
  struct Sample {
    int i0, i1, nearest;
    double f;
  };
  std::vector<Sample> axis(size);
  for (int c = 0; c < size; ++c) {
    const double g = (c + 0.5) / size * (res - 1);
    const int i0 = std::min(static_cast<int>(g), std::max(res - 2, 0));
    const int i1 = std::min(i0 + 1, res - 1);
    axis[c] = {i0, i1, static_cast<int>(std::floor(g + 0.5)), g - i0};
  }
  auto at = [&](int row, int col) { return field[static_cast<size_t>(row) * res + col]; };
  for (int py = 0; py < size; ++py) {
    const Sample& sy = axis[py];
    for (int px = 0; px < size; ++px) {
      const Sample& sx = axis[px];
      const float a = at(sy.i0, sx.i0), b = at(sy.i0, sx.i1);
      const float c = at(sy.i1, sx.i0), d = at(sy.i1, sx.i1);
      double v;
      if (std::isfinite(a) && std::isfinite(b) && std::isfinite(c) && std::isfinite(d))
        v = (a * (1 - sx.f) + b * sx.f) * (1 - sy.f) + (c * (1 - sx.f) + d * sx.f) * sy.f;
      else
        // Interpolating towards a NaN/inf would smear it over a whole cell; fall back to the
        // nearest sample so only its own neighbourhood turns grey.
        v = at(sy.nearest, sx.nearest);
      uint8_t rgb[3] = {kNonFiniteGrey, kNonFiniteGrey, kNonFiniteGrey};
      if (std::isfinite(v))
        viridis(range > 0 ? static_cast<float>((v - mn) / range) : 0.5f, rgb);
      uint8_t* out = &canvas.pixels[(static_cast<size_t>(py) * size + px) * 3];
      std::copy(rgb, rgb + 3, out);
    }
  }
}

void Plot2d::point(double x, double y, int radius, uint8_t r, uint8_t g, uint8_t b, float alpha) {
  requireCanvas(*this);
  // Only points inside the visible range are drawn (their discs are clipped at the border); a
  // partial disc for an outside point would pretend it lies on the edge.
  if (!(x >= lo && x <= hi && y >= lo && y <= hi) || !(alpha > 0.f))
    return;
  const double scale = size / (hi - lo);
  const double cx = (x - lo) * scale, cy = (hi - y) * scale;
  // Radius 0 still marks the point with about one pixel.
  const double rad = std::max(0.5, static_cast<double>(std::min(radius, size)));
  const int xBegin = std::max(0, static_cast<int>(std::floor(cx - rad - 0.5)));
  const int xEnd = std::min(size - 1, static_cast<int>(std::ceil(cx + rad + 0.5)));
  const int yBegin = std::max(0, static_cast<int>(std::floor(cy - rad - 0.5)));
  const int yEnd = std::min(size - 1, static_cast<int>(std::ceil(cy + rad + 0.5)));
  const uint8_t rgb[3] = {r, g, b};
  for (int py = yBegin; py <= yEnd; ++py)
    for (int px = xBegin; px <= xEnd; ++px) {
      // Coverage ramps over one pixel across the rim, which is what softens the edge.
      const double d = std::hypot(px + 0.5 - cx, py + 0.5 - cy);
      const double coverage = std::clamp(rad + 0.5 - d, 0.0, 1.0);
      if (coverage > 0)
        blendPixel(canvas, px, py, rgb, static_cast<float>(alpha * coverage));
    }
}

void Plot2d::line(double x0, double y0, double x1, double y1, uint8_t r, uint8_t g, uint8_t b,
                  float alpha) {
  requireCanvas(*this);
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1) ||
      !(alpha > 0.f))
    return;
  // To pixel-centre coordinates (pixel k has its centre at k), then clip to the canvas so a
  // segment with far-away ends costs no more than one across the canvas.
  const double scale = size / (hi - lo);
  double ax = (x0 - lo) * scale - 0.5, ay = (hi - y0) * scale - 0.5;
  double bx = (x1 - lo) * scale - 0.5, by = (hi - y1) * scale - 0.5;
  if (!clipSegment(ax, ay, bx, by, -0.5, size - 0.5))
    return;
  const bool steep = std::abs(by - ay) > std::abs(bx - ax);
  if (steep) {
    std::swap(ax, ay);
    std::swap(bx, by);
  }
  if (ax > bx) {
    std::swap(ax, bx);
    std::swap(ay, by);
  }
  const double run = bx - ax;
  const double gradient = run > 0 ? (by - ay) / run : 0.0;
  const uint8_t rgb[3] = {r, g, b};
  auto plot = [&](int major, int minor, double coverage) {
    if (steep)
      blendPixel(canvas, minor, major, rgb, static_cast<float>(alpha * coverage));
    else
      blendPixel(canvas, major, minor, rgb, static_cast<float>(alpha * coverage));
  };
  // Xiaolin Wu's idea without the endpoint refinements: one step per pixel along the major
  // axis, splitting the ink between the two pixels the line passes between.
  const int begin = static_cast<int>(std::floor(ax + 0.5));
  const int end = static_cast<int>(std::floor(bx + 0.5));
  for (int m = begin; m <= end; ++m) {
    const double minor = ay + gradient * (m - ax);
    const double base = std::floor(minor);
    const double frac = minor - base;
    plot(m, static_cast<int>(base), 1.0 - frac);
    plot(m, static_cast<int>(base) + 1, frac);
  }
}

namespace {

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csvNumber(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[40];
  // Counters (iterations, steps) stay exact integers even past nine digits; everything else
  // gets nine significant digits, enough for any float to read back bit-exactly.
  if (v == std::floor(v) && std::abs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

} // namespace

void writeCsv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<std::vector<double>>& rows) {
  std::string text;
  for (size_t i = 0; i < header.size(); ++i)
    text += (i ? "," : "") + csvField(header[i]);
  text += '\n';
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() > header.size())
      failImage(path, "row " + std::to_string(r) + " has " + std::to_string(rows[r].size()) +
                     " values but the header only " + std::to_string(header.size()) + " columns");
    for (size_t i = 0; i < rows[r].size(); ++i) {
      if (i)
        text += ',';
      text += csvNumber(rows[r][i]);
    }
    text += '\n';
  }
  writeFileAtomically(path, text.data(), text.size());
}

} // namespace ebm
