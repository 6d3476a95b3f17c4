// Which snapshots an image strip shows, without a toolkit: the snapshots of a trace up to the
// step cursor, thinned evenly to the columns that fit (the first and the one at the cursor always
// kept); for a chain that walks down noise levels one column per level begun, its last state up
// to the cursor. Also the strip as one atlas image (chains in rows, columns left to right, C x H x W
// in [-1, 1] like a model image), which a front end uploads as a single texture. Plain C++ over
// core/api; any thread.
#pragma once

#include "trace.h"

#include <cstdint>
#include <vector>

namespace ebm::ui {

/// The atlas' background between tiles, on the [-1, 1] scale of a model image.
constexpr float kStripBackground = -0.8f;

/// Indices into trace.snapshots, in step order, at most `maxColumns` (>= 2).
std::vector<int> stripColumns(const Trace& trace, int cursorStep, int maxColumns);

struct StripAtlas {
  int width = 0, height = 0;        // pixels
  int channels = 0;                 // 1 (grey) or 3
  int tileWidth = 0, tileHeight = 0, pad = 0;
  int rows = 0;                     // chains shown
  std::vector<int> columns;         // the snapshot of each column
  std::vector<float> chw;           // channels x height x width, in [-1, 1]
};

/// The first `maxRows` chains at `columns` of an image trace (decoded states when `decoded`),
/// `pad` pixels of dark background (kStripBackground) between tiles. Empty (width 0) when the states are not images.
StripAtlas stripAtlas(const Trace& trace, const std::vector<int>& columns, int maxRows,
                      bool decoded, int pad = 2);

} // namespace ebm::ui
