// Writing result files: PNG images (via stb_image_write), image grids, 2-D scatter and
// trajectory plots rendered into RGB buffers, and CSV tables. Plain C++ (no LibTorch,
// no Qt/GL) so every layer may use it; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

/// An 8-bit RGB or grey image, row-major, `channels` interleaved bytes per pixel.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 3;
  std::vector<uint8_t> pixels;
};

/// Writes a PNG; throws ebm::Error naming the path if it cannot be written.
void writePng(const std::string& path, const Image& image);

/// Tiles `rows x cols` images of (channels, h, w) float values in [-1, 1] (clamped),
/// given as one flat buffer in row-major tile order, with `pad` pixels of background between
/// tiles. Grey tiles stay grey (channels 1) unless channels == 3.
Image imageGrid(const std::vector<float>& tiles, int rows, int cols, int channels, int h, int w,
                int pad = 2, uint8_t background = 255);

/// A 2-D scatter/trajectory plot of points in the square [lo, hi]^2.
struct Plot2d {
  int size = 512;              // output side in pixels
  double lo = -1.5, hi = 1.5;  // visible data range on both axes
  Image canvas;                // created by begin()

  void begin(uint8_t r = 255, uint8_t g = 255, uint8_t b = 255);
  /// Fills the background with a scalar field sampled on a res x res grid over [lo,hi]^2
  /// (row 0 = top = y hi), mapped through viridis between its min and max (NaN/inf = grey).
  void heatmap(const std::vector<float>& field, int res);
  void point(double x, double y, int radius, uint8_t r, uint8_t g, uint8_t b, float alpha = 1.f);
  void line(double x0, double y0, double x1, double y1, uint8_t r, uint8_t g, uint8_t b,
            float alpha = 1.f);
};

/// The viridis colormap at t in [0, 1] (clamped) as RGB bytes.
void viridis(float t, uint8_t rgb[3]);

/// Writes a CSV with a header row; rows may be shorter than the header. Numbers are written
/// with full float precision; throws ebm::Error naming the path on failure.
void writeCsv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<std::vector<double>>& rows);

} // namespace ebm
