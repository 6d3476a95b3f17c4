#include "landscape_overlay.h"

#include <QFontMetrics>
#include <QLinearGradient>
#include <QObject>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QPalette>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ebm::ui {
namespace {

namespace lc = landscape_colors;

constexpr int kPad = 6;        // gap between things, px
constexpr int kTick = 5;       // tick length, px
constexpr int kBarGap = 12;    // plot to colour bar
const QColor kBoxFill(12, 12, 18, 205);
const QColor kBoxText(246, 246, 246);
const QColor kWarnText(255, 196, 64);

enum class Swatch { Disc, Ring, Tail, Dot, Contour, Path, Arrow };
struct LegendEntry {
  Swatch swatch;
  QString text;
};

std::vector<LegendEntry> legendEntries(const OverlayScene& s) {
  std::vector<LegendEntry> out;
  if (s.chains) {
    out.push_back({Swatch::Disc, QObject::tr("chain at step t")});
    out.push_back({Swatch::Tail, QObject::tr("its recent path")});
    out.push_back({Swatch::Ring, QObject::tr("chain start")});
  }
  if (s.data)
    out.push_back({Swatch::Dot, QObject::tr("data sample")});
  if (s.density)
    out.push_back({Swatch::Contour, QObject::tr("true density p(x)")});
  if (s.path)
    out.push_back({Swatch::Path, QObject::tr("interpolation A → B")});
  if (s.outside.count > 0)
    out.push_back({Swatch::Arrow, QObject::tr("chain outside the view")});
  return out;
}

/// The legend's entries laid out left to right in rows no wider than `wrap` (one entry per row
/// when `wrap` is 0): each entry's rectangle relative to the box, and the box's size.
struct LegendArrangement {
  std::vector<QRect> entries;
  QSize size;
};
LegendArrangement arrangeLegend(const QFontMetrics& fm, const std::vector<LegendEntry>& entries,
                                int wrap) {
  LegendArrangement a;
  if (entries.empty())
    return a;
  const int row = fm.height() + 2, swatch = fm.height() + 6, gap = 2 * kPad;
  int x = kPad, y = kPad, right = 0;
  for (const auto& e : entries) {
    const int w = swatch + kPad + fm.horizontalAdvance(e.text);
    if (x > kPad && (wrap == 0 || x + w + kPad > wrap)) {
      x = kPad;
      y += row;
    }
    a.entries.emplace_back(x, y, w, fm.height());
    right = std::max(right, x + w);
    x += w + gap;
  }
  a.size = QSize(right + kPad, y + fm.height() + kPad);
  return a;
}

/// Tick labels short enough for a margin: fixed decimals, or three significant digits when the
/// values are large or tiny.
QString tickText(double v, const Ticks& t) {
  double magnitude = 0;
  for (double x : t.values)
    magnitude = std::max(magnitude, std::abs(x));
  if (magnitude >= 1e4 || t.decimals > 4)
    return QString::number(v, 'g', 3);
  return QString::number(v, 'f', t.decimals);
}

int widestTick(const QFontMetrics& fm, const Ticks& t) {
  int w = fm.horizontalAdvance("-0.0");
  for (double v : t.values)
    w = std::max(w, fm.horizontalAdvance(tickText(v, t)));
  return w;
}

// The bar says what the colour means; with the legend hidden it also names the contours.
bool colorBarNamesContours(const OverlayScene& s) { return s.density && !s.legend; }
int colorBarTitleLines(const OverlayScene& s) { return colorBarNamesContours(s) ? 2 : 1; }

void drawBoxedText(QPainter& p, const QRect& box, const QString& text, const QColor& fg) {
  p.setPen(Qt::NoPen);
  p.setBrush(kBoxFill);
  p.drawRoundedRect(box, 4, 4);
  p.setPen(fg);
  p.drawText(box, Qt::AlignCenter, text);
}

void drawSwatch(QPainter& p, Swatch s, const QRect& r) {
  const QPointF c = QRectF(r).center();
  const double rad = std::min(r.width(), r.height()) * 0.28;
  p.setBrush(Qt::NoBrush);
  switch (s) {
  case Swatch::Disc:
    p.setPen(QPen(Qt::black, 1));
    p.setBrush(lc::kChain);
    p.drawEllipse(c, rad, rad);
    break;
  case Swatch::Ring:
    p.setPen(QPen(lc::kStart, 2));
    p.drawEllipse(c, rad, rad);
    break;
  case Swatch::Tail:
    p.setPen(QPen(lc::kTail, 2));
    p.drawLine(QPointF(r.left(), c.y() + 3), QPointF(r.right(), c.y() - 3));
    break;
  case Swatch::Dot:
    p.setPen(Qt::NoPen);
    p.setBrush(lc::kData);
    p.drawEllipse(c, 2.5, 2.5);
    break;
  case Swatch::Contour:
    p.setPen(QPen(lc::kContour, 1.5));
    p.drawEllipse(c, rad * 1.5, rad);
    break;
  case Swatch::Path:
    p.setPen(QPen(lc::kPath, 2));
    p.drawLine(QPointF(r.left(), c.y()), QPointF(r.right(), c.y()));
    break;
  case Swatch::Arrow: {
    QPainterPath tri;
    tri.moveTo(c.x() + rad * 1.3, c.y());
    tri.lineTo(c.x() - rad, c.y() - rad);
    tri.lineTo(c.x() - rad, c.y() + rad);
    tri.closeSubpath();
    p.setPen(QPen(Qt::black, 1));
    p.setBrush(lc::kChain);
    p.drawPath(tri);
    break;
  }
  }
}

void paintLegendBox(QPainter& p, const QRect& box, const std::vector<LegendEntry>& entries,
                    const LegendArrangement& a) {
  const QFontMetrics fm(p.font());
  p.setPen(Qt::NoPen);
  p.setBrush(kBoxFill);
  p.drawRoundedRect(box, 5, 5);
  const int swatch = fm.height() + 6;
  for (size_t i = 0; i < entries.size(); ++i) {
    const QRect r = a.entries[i].translated(box.topLeft());
    drawSwatch(p, entries[i].swatch, QRect(r.left(), r.top(), swatch, r.height()));
    p.setPen(kBoxText);
    p.drawText(r.adjusted(swatch + kPad, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
               entries[i].text);
  }
}

/// The corner of the plot where the legend covers the fewest chains.
QRect emptiestCorner(const OverlayLayout& l, QSize box, const OverlayScene& s,
                     const std::vector<float>& chainXY) {
  const QRect inner = l.plot.adjusted(kPad, kPad, -kPad, -kPad);
  const QRect corners[4] = {
      QRect(QPoint(inner.right() - box.width() + 1, inner.bottom() - box.height() + 1), box),
      QRect(QPoint(inner.left(), inner.bottom() - box.height() + 1), box),
      QRect(QPoint(inner.right() - box.width() + 1, inner.top()), box),
      QRect(inner.topLeft(), box)};
  int best = 0, fewest = std::numeric_limits<int>::max();
  for (int k = 0; k < 4; ++k) {
    int covered = 0;
    for (size_t i = 0; i + 1 < chainXY.size(); i += 2)
      covered += corners[k].contains(planeToWidget(s.view, l.plot, chainXY[i], chainXY[i + 1])
                                         .toPoint());
    if (covered < fewest) {
      fewest = covered;
      best = k;
    }
  }
  return corners[best];
}

void paintAxes(QPainter& p, const OverlayLayout& l, const OverlayScene& s, const QPalette& pal) {
  const QFontMetrics fm(p.font());
  const QColor ink = pal.color(QPalette::WindowText);
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(s.focused ? pal.color(QPalette::Highlight) : ink, s.focused ? 2 : 1));
  p.drawRect(QRectF(l.plot).adjusted(-0.5, -0.5, 0.5, 0.5));
  p.setPen(QPen(ink, 1));
  const int spacing = fm.horizontalAdvance("-0.00") + 3 * kPad;
  const Ticks xt = niceTicks(s.view.xLo, s.view.xHi, std::max(3, l.plot.width() / spacing));
  for (double v : xt.values) {
    const double x = planeToWidget(s.view, l.plot, v, 0).x();
    p.drawLine(QPointF(x, l.plot.bottom() + 1), QPointF(x, l.plot.bottom() + 1 + kTick));
    const QString t = tickText(v, xt);
    const int w = fm.horizontalAdvance(t);
    p.drawText(QRectF(x - w / 2.0 - 2, l.plot.bottom() + kTick + 2, w + 4, fm.height()),
               Qt::AlignCenter, t);
  }
  const int rows = std::max(3, l.plot.height() / (2 * fm.height() + kPad));
  const Ticks yt = niceTicks(s.view.yLo, s.view.yHi, rows);
  const int labelRight = l.plot.left() - kTick - 3;
  for (double v : yt.values) {
    const double y = planeToWidget(s.view, l.plot, 0, v).y();
    p.drawLine(QPointF(l.plot.left() - 1 - kTick, y), QPointF(l.plot.left() - 1, y));
    p.drawText(QRectF(labelRight - 200, y - fm.height() / 2.0, 200, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, tickText(v, yt));
  }
  const int titleY = l.plot.bottom() + kTick + 2 + fm.height();
  p.drawText(QRect(l.plot.left(), titleY, l.plot.width(), fm.height()), Qt::AlignCenter, "x₁");
  const int ytitleX = labelRight - widestTick(fm, yt) - kPad - fm.height();
  p.drawText(QRect(ytitleX, l.plot.top(), fm.height(), l.plot.height()), Qt::AlignCenter, "x₂");
}

void paintColorBar(QPainter& p, const OverlayLayout& l, const OverlayScene& s,
                   const QPalette& pal) {
  if (!s.energy || l.colorBar.isEmpty())
    return;
  const QFontMetrics fm(p.font());
  const QRect bar = l.colorBar;
  // Top = highest energy (t = 0, dark), bottom = lowest (t = 1, yellow), as the shader maps.
  QLinearGradient g(bar.topLeft(), bar.bottomLeft());
  for (int k = 0; k <= 16; ++k) {
    const auto c = viridis(k / 16.0);
    g.setColorAt(k / 16.0, QColor::fromRgbF(c[0], c[1], c[2]));
  }
  p.setPen(QPen(pal.color(QPalette::WindowText), 1));
  p.setBrush(g);
  p.drawRect(QRectF(bar).adjusted(-0.5, -0.5, 0.5, 0.5));
  const double lo = s.energy->lo, hi = std::max<double>(s.energy->hi, s.energy->lo + 1e-9);
  const Ticks t = niceTicks(lo, hi, std::max(2, bar.height() / (2 * fm.height())));
  for (double v : t.values) {
    const double y = bar.top() + (hi - v) / (hi - lo) * bar.height();
    p.drawLine(QPointF(bar.right() + 1, y), QPointF(bar.right() + 1 + kTick - 1, y));
    p.drawText(QRectF(bar.right() + kTick + 3, y - fm.height() / 2.0, 200, fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, tickText(v, t));
  }
  // The meaning, along the bar (read bottom to top).
  const int titleX = bar.right() + kTick + 3 + widestTick(fm, t) + kPad;
  p.save();
  p.translate(titleX, bar.bottom());
  p.rotate(-90);
  // A short bar (a small pane) gets the short forms rather than clipped words.
  auto fitted = [&](const QString& full, const QString& shorter) {
    if (fm.horizontalAdvance(full) <= bar.height())
      return full;
    return fm.elidedText(shorter, Qt::ElideRight, bar.height());
  };
  const QString title = s.energyTitle.isEmpty()
                            ? fitted(QObject::tr("energy E(x) · low = likely"), QObject::tr("E(x)"))
                            : fitted(s.energyTitle, s.energyTitle);
  p.drawText(QRect(0, 0, bar.height(), fm.height()), Qt::AlignCenter, title);
  if (colorBarNamesContours(s))
    p.drawText(QRect(0, fm.height(), bar.height(), fm.height()), Qt::AlignCenter,
               fitted(QObject::tr("white lines: true density"), QObject::tr("lines: density")));
  p.restore();
}

void paintCaption(QPainter& p, const OverlayLayout& l, const OverlayScene& s,
                  const QPalette& pal) {
  const QFontMetrics fm(p.font());
  p.setPen(pal.color(QPalette::WindowText));
  p.drawText(l.caption, Qt::AlignLeft | Qt::AlignVCenter,
             fm.elidedText(s.caption, Qt::ElideRight, std::max(0, l.caption.width())));
}

void paintOutsideChains(QPainter& p, const OverlayLayout& l, const OverlayScene& s) {
  if (s.outside.count <= 0)
    return;
  const QFontMetrics fm(p.font());
  const QRectF inner = QRectF(l.plot).adjusted(3, 3, -3, -3);
  const QPointF c = inner.center();
  p.setPen(QPen(Qt::black, 1));
  p.setBrush(lc::kChain);
  for (const auto& pos : s.outside.positions) {
    const QPointF d = planeToWidget(s.view, l.plot, pos[0], pos[1]) - c;
    const double len = std::hypot(d.x(), d.y());
    if (len < 1e-6)
      continue;
    const QPointF u = d / len, n(-u.y(), u.x());
    // The ray from the centre leaves the inner rectangle at scale k.
    const double kx = std::abs(u.x()) > 1e-9 ? (inner.width() / 2) / std::abs(u.x()) : 1e9;
    const double ky = std::abs(u.y()) > 1e-9 ? (inner.height() / 2) / std::abs(u.y()) : 1e9;
    const QPointF tip = c + u * std::min(kx, ky);
    QPainterPath tri;
    tri.moveTo(tip);
    tri.lineTo(tip - u * 11 + n * 6);
    tri.lineTo(tip - u * 11 - n * 6);
    tri.closeSubpath();
    p.drawPath(tri);
  }
  QString text = s.outside.count == 1
                     ? QObject::tr("1 chain outside the view")
                     : QObject::tr("%1 chains outside the view").arg(s.outside.count);
  if (fm.horizontalAdvance(text) + 2 * kPad > l.plot.width())
    text = QObject::tr("%1 outside").arg(s.outside.count);  // a small pane
  const int w = std::min(fm.horizontalAdvance(text) + 2 * kPad, l.plot.width());
  const QRect box(l.plot.center().x() - w / 2, l.plot.top() + kPad, w, fm.height() + 4);
  drawBoxedText(p, box, text, kWarnText);
}

void paintPath(QPainter& p, const OverlayLayout& l, const OverlayScene& s) {
  const auto& xy = s.pathXY;
  if (xy.size() < 4)
    return;
  QPolygonF line;
  for (size_t i = 0; i + 1 < xy.size(); i += 2)
    line << planeToWidget(s.view, l.plot, xy[i], xy[i + 1]);
  // A dark casing under the line keeps it visible on yellow and on purple.
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(QColor(0, 0, 0, 170), 4.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  p.drawPolyline(line);
  p.setPen(QPen(lc::kPath, 2.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  p.drawPolyline(line);
  p.setPen(QPen(Qt::black, 1));
  p.setBrush(lc::kPath);
  for (const QPointF& q : line)
    p.drawEllipse(q, 2.5, 2.5);
  const QFontMetrics fm(p.font());
  const QPointF ends[2] = {line.front(), line.back()};
  const QString names[2] = {"A", "B"};
  for (int k = 0; k < 2; ++k) {
    p.setPen(QPen(Qt::black, 1));
    p.setBrush(lc::kPath);
    p.drawEllipse(ends[k], 5, 5);
    const int side = fm.height() + 4;
    // Labels sit away from the other end, so A and B never cover the path between them.
    const QPointF away = ends[k] - ends[1 - k];
    const double len = std::max(1e-6, std::hypot(away.x(), away.y()));
    const QPointF at = ends[k] + away / len * (side * 0.9);
    drawBoxedText(p, QRect(int(at.x() - side / 2.0), int(at.y() - side / 2.0), side, side),
                  names[k], lc::kPath);
  }
}

struct OverlayMargins {
  int left = 0, right = 0, top = 0, bottom = 0, barWidth = 0;
};

/// Room around the plot for the tick labels, the axis titles, the caption row and the colour
/// bar with its labels and title.
OverlayMargins marginsOf(const QFontMetrics& fm, const OverlayScene& scene, int topReserved) {
  OverlayMargins m;
  const int line = fm.height();
  m.left = kPad + line + kPad + widestTick(fm, niceTicks(scene.view.yLo, scene.view.yHi, 6)) +
           kTick + 3;
  m.bottom = kTick + 2 + 2 * line + kPad;
  m.top = std::max(topReserved, line + kPad) + 2;
  m.barWidth = std::max(12, line);
  m.right = kPad;
  if (scene.energy)
    m.right = kBarGap + m.barWidth + kTick + 3 +
              widestTick(fm, niceTicks(scene.energy->lo, scene.energy->hi, 6)) + kPad +
              colorBarTitleLines(scene) * line + kPad;
  return m;
}

} // namespace

QPointF planeToWidget(const PlaneRect& view, const QRect& plot, double x, double y) {
  const double w = std::max(1e-12, view.width()), h = std::max(1e-12, view.height());
  return {plot.left() + (x - view.xLo) / w * plot.width(),
          plot.top() + (view.yHi - y) / h * plot.height()};
}

OverlayLayout layoutOverlay(QSize size, const QFont& font, const OverlayScene& scene,
                            const QRect& buttons) {
  const QFontMetrics fm(font);
  const OverlayMargins m = marginsOf(fm, scene, buttons.bottom() + 4);
  const int freeW = size.width() - m.left - m.right, freeH = size.height() - m.top - m.bottom;
  int side = std::max(40, std::min(freeW, freeH));
  OverlayLayout l;
  l.caption = QRect(QPoint(kPad, buttons.top()), QPoint(buttons.left() - kPad, buttons.bottom()));
  const auto entries = scene.legend ? legendEntries(scene) : std::vector<LegendEntry>{};
  // The legend goes beside the colour bar as a column if the widget is wide enough, else in
  // rows below the axis if the plot stays large, else over the plot's emptiest corner.
  const QSize column = arrangeLegend(fm, entries, 0).size;
  QSize legend;
  enum class Where { Nowhere, Beside, Below, Over } where = Where::Nowhere;
  if (!entries.empty()) {
    const int wrap = size.width() - 2 * kPad;
    const QSize rows = arrangeLegend(fm, entries, wrap).size;
    const int shrunk = std::min(freeW, freeH - rows.height() - kPad);
    if (size.width() - (m.left + side + m.right) >= column.width() + kPad) {
      where = Where::Beside;
      legend = column;
    } else if (shrunk >= std::max(160, side * 3 / 4)) {
      where = Where::Below;
      legend = rows;
      side = shrunk;
      l.legendWrap = wrap;
    } else {
      where = Where::Over;
      legend = column;
    }
  }
  const int groupW = m.left + side + m.right + (where == Where::Beside ? legend.width() + kPad : 0);
  const int groupH = m.top + side + m.bottom + (where == Where::Below ? legend.height() + kPad : 0);
  const int x0 = std::max(0, (size.width() - groupW) / 2);
  const int y0 = std::max(0, (size.height() - groupH) / 2);
  l.plot = QRect(x0 + m.left, y0 + m.top, side, side);
  if (scene.energy)
    l.colorBar = QRect(l.plot.right() + 1 + kBarGap, l.plot.top(), m.barWidth, side);
  if (where == Where::Beside)
    l.legend = QRect(QPoint(x0 + m.left + side + m.right, l.plot.top()), legend);
  else if (where == Where::Below)
    l.legend = QRect(QPoint(std::max(kPad, (size.width() - legend.width()) / 2),
                            l.plot.bottom() + 1 + m.bottom),
                     legend);
  l.legendOver = where == Where::Over;
  return l;
}

void paintOverlay(QPainter& p, const OverlayLayout& layout, const OverlayScene& scene,
                  const QPalette& palette, const std::vector<float>& chainXY) {
  p.setRenderHint(QPainter::Antialiasing);
  paintAxes(p, layout, scene, palette);
  paintColorBar(p, layout, scene, palette);
  paintCaption(p, layout, scene, palette);
  p.save();
  p.setClipRect(layout.plot);
  paintPath(p, layout, scene);
  paintOutsideChains(p, layout, scene);
  p.restore();
  if (!scene.legend)
    return;
  const auto entries = legendEntries(scene);
  if (entries.empty())
    return;
  const LegendArrangement a = arrangeLegend(QFontMetrics(p.font()), entries, layout.legendWrap);
  const QRect box = layout.legendOver ? emptiestCorner(layout, a.size, scene, chainXY)
                                      : QRect(layout.legend.topLeft(), a.size);
  paintLegendBox(p, box, entries, a);
}

} // namespace ebm::ui
