#include "strip_columns.h"

#include "image_pixels.h"
#include "level_ladder.h"

#include <algorithm>
#include <cstring>

namespace ebm::ui {
namespace {

int lastAtOrBefore(const Trace& trace, int cursorStep) {
  int last = -1;
  for (int i = 0; i < int(trace.snapshots.size()); ++i)
    if (cursorStep < 0 || trace.snapshots[size_t(i)].step <= cursorStep)
      last = i;
  return last;
}

std::vector<int> levelEnds(const Trace& trace, int cursorStep) {
  std::vector<int> out;
  for (const auto& column : levelColumns(trace)) {
    if (cursorStep >= 0 && column.firstStep > cursorStep)
      break;
    const auto inside = snapshotsIn(trace, column);
    int pick = -1;
    for (int i : inside)
      if (cursorStep < 0 || trace.snapshots[size_t(i)].step <= cursorStep)
        pick = i;
    if (pick >= 0)
      out.push_back(pick);
  }
  return out;
}

void copyTile(StripAtlas& a, const float* tile, int row, int col) {
  const int x0 = a.pad + col * (a.tileWidth + a.pad), y0 = a.pad + row * (a.tileHeight + a.pad);
  const size_t plane = size_t(a.width) * size_t(a.height);
  const size_t tilePlane = size_t(a.tileWidth) * size_t(a.tileHeight);
  for (int c = 0; c < a.channels; ++c)
    for (int y = 0; y < a.tileHeight; ++y)
      std::memcpy(&a.chw[size_t(c) * plane + size_t(y0 + y) * size_t(a.width) + size_t(x0)],
                  &tile[size_t(c) * tilePlane + size_t(y) * size_t(a.tileWidth)],
                  size_t(a.tileWidth) * sizeof(float));
}

} // namespace

std::vector<int> stripColumns(const Trace& trace, int cursorStep, int maxColumns) {
  if (isLadder(trace))
    return levelEnds(trace, cursorStep);
  const int last = lastAtOrBefore(trace, cursorStep);
  if (last < 0)
    return {};
  const int count = last + 1, shown = std::min(count, std::max(2, maxColumns));
  std::vector<int> out;
  for (int k = 0; k < shown; ++k) {
    const int i = shown == 1 ? last : int((long long)k * last / (shown - 1));
    if (out.empty() || out.back() != i)
      out.push_back(i);
  }
  return out;
}

StripAtlas stripAtlas(const Trace& trace, const std::vector<int>& columns, int maxRows,
                      bool decoded, int pad) {
  StripAtlas a;
  const auto& shape = decoded ? trace.decodedShape : trace.stateShape;
  if (!isImageShape(shape) || columns.empty() || trace.chains < 1)
    return a;
  const int c = int(shape[0]), h = int(shape[1]), w = int(shape[2]);
  const size_t per = size_t(c) * size_t(h) * size_t(w);
  a.channels = c >= 3 ? 3 : 1;
  a.tileWidth = w;
  a.tileHeight = h;
  a.pad = pad;
  a.rows = std::min(trace.chains, std::max(1, maxRows));
  a.columns = columns;
  a.width = pad + int(columns.size()) * (w + pad);
  a.height = pad + a.rows * (h + pad);
  a.chw.assign(size_t(a.channels) * size_t(a.width) * size_t(a.height), kStripBackground);
  for (int col = 0; col < int(columns.size()); ++col) {
    const auto& snap = trace.snapshots[size_t(columns[size_t(col)])];
    const auto& states = decoded ? snap.decoded : snap.state;
    for (int r = 0; r < a.rows && size_t(r + 1) * per <= states.size(); ++r)
      copyTile(a, &states[size_t(r) * per], r, col);
  }
  return a;
}

} // namespace ebm::ui
