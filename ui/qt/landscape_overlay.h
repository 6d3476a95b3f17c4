// LandscapeOverlay: what LandscapeView paints with QPainter around and over its GL heatmap:
// the axes with their ticks, the energy colour bar with its scale and meaning, the caption,
// the legend, the "chains outside the view" badge with arrows at the border, and the labelled
// ends of an interpolation path. Text over the heatmap sits in a dark translucent box so it
// reads on any colour. Free functions over plain values; GUI thread only (QPainter).
#pragma once

#include "landscape_frame.h"
#include "landscape_palette.h"

#include <QColor>
#include <QFont>
#include <QRect>
#include <QString>

#include <optional>
#include <vector>

class QPainter;
class QPalette;

namespace ebm::ui {

/// The colours the GL marks are drawn in, shared with the legend's swatches.
namespace landscape_colors {
inline QColor qColor(landscape_palette::Rgb c) { return QColor(c.r, c.g, c.b); }
inline const QColor kChain = qColor(landscape_palette::kChain);
inline const QColor kTail = qColor(landscape_palette::kTail);
inline const QColor kStart = qColor(landscape_palette::kStart);
inline const QColor kData = qColor(landscape_palette::kData);
inline const QColor kPath = qColor(landscape_palette::kPath);
inline const QColor kContour = qColor(landscape_palette::kContour);
} // namespace landscape_colors

/// What the overlay shows; the widget fills it from its state each frame.
struct OverlayScene {
  PlaneRect view;
  std::optional<EnergyRange> energy;  // the colour bar's range (none: no bar)
  bool density = false;               // true-density contours are drawn
  bool data = false;                  // data dots are drawn
  bool chains = false;                // chains are drawn
  bool path = false;                  // an interpolation path is drawn
  QString caption;
  QString energyTitle;                // the colour bar's title ("": the data energy E(x))
  OutsideChains outside;
  std::vector<float> pathXY;          // the path, for its end labels
  bool legend = true;
  bool focused = false;
};

/// Where things go in a widget of `size`: the square plot, the colour bar, and the legend:
/// beside the colour bar as a column, in rows under the axis (`legendWrap` wide), or, when
/// neither leaves the plot large, over the plot's emptiest corner (`legendOver`).
struct OverlayLayout {
  QRect plot, colorBar, legend;
  int legendWrap = 0;       // the legend's rows are at most this wide (0: one entry per row)
  bool legendOver = false;  // the legend sits over the plot
  QRect caption;            // the row above the plot, left of the buttons
};
/// `buttons` is where the widget's buttons sit (top right): the caption shares their row.
OverlayLayout layoutOverlay(QSize size, const QFont& font, const OverlayScene& scene,
                            const QRect& buttons);

/// Widget coordinates of the data point (x, y) in `plot` showing `view`.
QPointF planeToWidget(const PlaneRect& view, const QRect& plot, double x, double y);

/// Paints everything but the GL content. `chainXY` are the chains' positions at the cursor (the
/// legend avoids covering them).
void paintOverlay(QPainter& p, const OverlayLayout& layout, const OverlayScene& scene,
                  const QPalette& palette, const std::vector<float>& chainXY);

} // namespace ebm::ui
