#include "landscape_tools.h"

#include <QFontMetrics>
#include <QImage>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <climits>
#include <cmath>

namespace ebm::ui {
namespace {

namespace tc = landscape_tool_colors;

const QColor kToolBox{0, 0, 0, 170};  // text boxes over the heatmap

QPointF toWidget(const PlaneRect& v, const QRect& plot, double x, double y) {
  return {plot.left() + (x - v.xLo) / v.width() * plot.width(),
          plot.top() + (v.yHi - y) / v.height() * plot.height()};
}

QString length(double v) { return QString::number(v, 'g', 3); }

// An arrow from `a` to `b` with a dark halo so it reads on every colour of the heatmap.
void drawArrow(QPainter& p, QPointF a, QPointF b, const QColor& c) {
  const QPointF d = b - a;
  const double len = std::hypot(d.x(), d.y());
  if (len < 0.5)
    return;
  const QPointF u = d / len, n(-u.y(), u.x());
  const double head = std::min(9.0, 0.45 * len);
  QPolygonF tip({b, b - u * head + n * head * 0.5, b - u * head - n * head * 0.5});
  for (int pass = 0; pass < 2; ++pass) {
    const QColor col = pass == 0 ? QColor(0, 0, 0, 200) : c;
    p.setPen(QPen(col, pass == 0 ? 4.5 : 2.2, Qt::SolidLine, Qt::RoundCap));
    p.setBrush(col);
    p.drawLine(a, b - u * head * 0.6);
    p.drawPolygon(tip);
  }
}

// 1, 2 or 5 times a power of ten, at most `v` (the arrows' magnification).
double niceFactor(double v) {
  if (!(v > 1))
    return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * p <= v)
      return m * p;
  return p;
}

void textBox(QPainter& p, const QRect& box) {
  p.setPen(Qt::NoPen);
  p.setBrush(kToolBox);
  p.drawRoundedRect(box, 4, 4);
}

QImage histogramImage(const std::vector<float>& v, int bins) {
  QImage img(bins, bins, QImage::Format_RGB32);
  const float top = std::max(1e-12f, *std::max_element(v.begin(), v.end()));
  for (int r = 0; r < bins; ++r)
    for (int k = 0; k < bins; ++k) {
      const auto c = viridis(std::sqrt(v[size_t(r * bins + k)] / top));
      img.setPixel(k, r, qRgb(int(255 * c[0]), int(255 * c[1]), int(255 * c[2])));
    }
  return img;
}

} // namespace

LandscapeTools::LandscapeTools(QObject* parent) : QObject(parent) {}

void LandscapeTools::setSelected(std::vector<int> chains) {
  std::sort(chains.begin(), chains.end());
  chains.erase(std::unique(chains.begin(), chains.end()), chains.end());
  m_selected = std::move(chains);
  Q_EMIT changed();
}

LandscapeTools::ClickResult LandscapeTools::click(const Trace* trace, int cursorStep, double x,
                                                  double y, bool add, double pickRadius) {
  if (m_placing) {
    addStart(float(x), float(y));
    return ClickResult::StartPlaced;
  }
  const int chain = trace ? nearestChain(*trace, snapshotAt(*trace, cursorStep), x, y, pickRadius)
                          : -1;
  if (chain < 0) {
    if (add || m_selected.empty())
      return ClickResult::None;
    clearSelection();
    return ClickResult::Cleared;
  }
  auto sel = m_selected;
  const auto it = std::find(sel.begin(), sel.end(), chain);
  const bool had = it != sel.end();
  if (!add)
    sel = {chain};
  else if (had)
    sel.erase(it);
  else
    sel.push_back(chain);
  setSelected(std::move(sel));
  return add && had ? ClickResult::Deselected : ClickResult::Selected;
}

void LandscapeTools::selectRandom(const Trace* trace) {
  if (!trace || trace->chains <= 0)
    return;
  setSelected(pickChains(trace->chains, kRandomPick, ++m_picks));
}

void LandscapeTools::clearSelection() { setSelected({}); }

std::vector<ChainArrow> LandscapeTools::arrows(const Trace* trace, int cursorStep) const {
  if (!trace || m_selected.empty())
    return {};
  return chainArrows(*trace, cursorStep, m_selected);
}

void LandscapeTools::setPlacingStarts(bool on) {
  if (m_placing == on)
    return;
  m_placing = on;
  Q_EMIT changed();
}

void LandscapeTools::addStart(float x, float y) {
  if (!std::isfinite(x) || !std::isfinite(y))
    return;
  m_starts.push_back({x, y});
  Q_EMIT startsChanged(int(m_starts.size()));
  Q_EMIT changed();
}

void LandscapeTools::clearStarts() {
  if (m_starts.empty())
    return;
  m_starts.clear();
  Q_EMIT startsChanged(0);
  Q_EMIT changed();
}

void LandscapeTools::setHistogramShown(bool on) {
  if (m_histogram == on)
    return;
  m_histogram = on;
  Q_EMIT changed();
}

void LandscapeTools::addActions(QMenu* menu) {
  QAction* place = menu->addAction(tr("Place chain starts by clicking\tS"));
  place->setCheckable(true);
  place->setChecked(m_placing);
  connect(place, &QAction::toggled, this, [this](bool on) { setPlacingStarts(on); });
  QAction* clear = menu->addAction(tr("Clear the placed starts (%1)\tC").arg(m_starts.size()),
                                   this, [this] { clearStarts(); });
  clear->setEnabled(!m_starts.empty());
  menu->addSeparator();
  menu->addAction(tr("Drift and noise arrows on %1 random chains\tA").arg(kRandomPick), this,
                  [this] { Q_EMIT randomPickWanted(); });
  QAction* none = menu->addAction(tr("Clear the arrows\tD"), this, [this] { clearSelection(); });
  none->setEnabled(!m_selected.empty());
  QAction* hist = menu->addAction(tr("Histogram of chain positions vs the true density\tH"));
  hist->setCheckable(true);
  hist->setChecked(m_histogram);
  connect(hist, &QAction::toggled, this, [this](bool on) { setHistogramShown(on); });
}

void LandscapeTools::paint(QPainter& p, const QRect& plot, const ToolScene& s,
                           const QFont& font) const {
  if (!(s.view.width() > 0) || plot.width() < 20)
    return;
  p.save();
  p.setClipRect(plot);
  p.setRenderHint(QPainter::Antialiasing);
  QFont small = font;
  small.setPixelSize(std::max(11, int(font.pixelSize() * 0.8)));
  p.setFont(small);
  paintStarts(p, plot, s.view);
  paintArrows(p, plot, s);
  if (m_histogram)
    paintHistogram(p, plot, s);
  paintBanner(p, plot);
  p.restore();
}

void LandscapeTools::paintStarts(QPainter& p, const QRect& plot, const PlaneRect& view) const {
  const QFontMetrics fm(p.font());
  for (size_t i = 0; i < m_starts.size(); ++i) {
    const QPointF at = toWidget(view, plot, m_starts[i][0], m_starts[i][1]);
    const QRectF sq(at.x() - 6, at.y() - 6, 12, 12);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0, 0, 0, 200), 4));
    p.drawRect(sq);
    p.setPen(QPen(tc::kStartMark, 2));
    p.drawRect(sq);
    const QString label = QString::number(i + 1);
    const QRectF tag(at.x() + 8, at.y() - 8 - fm.height(), fm.horizontalAdvance(label) + 6,
                     fm.height());
    textBox(p, tag.toRect());
    p.setPen(tc::kStartMark);
    p.drawText(tag, Qt::AlignCenter, label);
  }
}

void LandscapeTools::paintArrows(QPainter& p, const QRect& plot, const ToolScene& s) const {
  const auto list = arrows(s.trace, s.cursorStep);
  if (m_selected.empty() || !s.trace)
    return;
  const double pxPerUnit = plot.width() / s.view.width();
  // One scale for both kinds, so their lengths compare; magnified when the longest would be
  // hard to see.
  double longest = 0;
  for (const auto& a : list)
    longest = std::max({longest, double(std::hypot(a.drift[0], a.drift[1])),
                        double(std::hypot(a.noise[0], a.noise[1]))});
  const double scale = niceFactor(0.16 * plot.width() / std::max(1e-12, longest * pxPerUnit));
  m_lastPlotPositions.clear();
  for (const auto& a : list) {
    const QPointF at = toWidget(s.view, plot, a.x, a.y);
    m_lastPlotPositions[a.chain] = at.toPoint();
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(tc::kSelected, 1.5));
    p.drawEllipse(at, 8, 8);
    auto tipOf = [&](const std::array<float, 2>& v) {
      return toWidget(s.view, plot, a.x + scale * v[0], a.y + scale * v[1]);
    };
    drawArrow(p, at, tipOf(a.noise), tc::kNoise);
    drawArrow(p, at, tipOf(a.drift), tc::kDrift);
    // The label on the side away from the move, so the arrows stay clear.
    const QPointF move = tipOf({a.drift[0] + a.noise[0], a.drift[1] + a.noise[1]}) - at;
    const double len = std::max(1e-9, std::hypot(move.x(), move.y()));
    const QString label = QString("#%1").arg(a.chain);
    const QFontMetrics fm(p.font());
    const QPointF centre = at - move / len * (12 + 0.5 * fm.horizontalAdvance(label));
    p.setPen(tc::kSelected);
    p.drawText(QRectF(centre.x() - 40, centre.y() - fm.height() / 2.0, 80, fm.height()),
               Qt::AlignCenter, label);
  }
  paintArrowLegend(p, plot, s.aside, list, scale);
}

void LandscapeTools::paintArrowLegend(QPainter& p, const QRect& plot, const QRect& aside,
                                      const std::vector<ChainArrow>& list, double scale) const {
  const QFontMetrics fm(p.font());
  QStringList lines;
  if (list.empty()) {
    lines << tr("no move from this step (the final state): step the cursor back");
  } else {
    lines << tr("move from step %1 to %2 · arrows ×%3")
                 .arg(list.front().step)
                 .arg(list.front().step + 1)
                 .arg(scale, 0, 'g', 3);
    // As many chains as fit in under half the plot's height, at most 6.
    const int room = std::max(1, int(0.45 * plot.height()) / std::max(1, fm.height()) - 2);
    const int shown = std::min({int(list.size()), 6, room});
    for (int i = 0; i < shown; ++i)
      lines << tr("#%1  |drift| %2   |noise| %3")
                   .arg(list[size_t(i)].chain)
                   .arg(length(list[size_t(i)].driftNorm), length(list[size_t(i)].noiseNorm));
    if (int(list.size()) > shown)
      lines << tr("… and %1 more").arg(int(list.size()) - shown);
  }
  const QString drift = tr("drift −½s²∇E"), noise = tr("noise n ξ");
  const int swatch = 18, lh = fm.height();
  int w = swatch + 6 + fm.horizontalAdvance(drift) + 14 + swatch + 6 + fm.horizontalAdvance(noise);
  for (const auto& l : lines)
    w = std::max(w, fm.horizontalAdvance(l));
  const QSize full(w + 16, (int(lines.size()) + 1) * lh + 8);
  // Beside the plot when there is room (it covers nothing there), else in a corner of the plot.
  const bool besides = aside.width() >= full.width() && aside.height() >= full.height();
  w = std::min(w + 4, (besides ? aside.width() : plot.width() - 24) - 12);
  for (auto& l : lines)
    l = fm.elidedText(l, Qt::ElideRight, w);
  const QSize size(w + 12, full.height());
  const QRect box = besides ? QRect(aside.topLeft(), size) : legendCorner(plot, size, list);
  p.save();
  p.setClipping(false);
  textBox(p, box);
  int x = box.left() + 6;
  const int y0 = box.top() + 4;
  drawArrow(p, QPointF(x, y0 + lh / 2.0), QPointF(x + swatch, y0 + lh / 2.0), tc::kDrift);
  x += swatch + 6;
  p.setPen(tc::kDrift);
  p.drawText(QPoint(x, y0 + fm.ascent()), drift);
  x += fm.horizontalAdvance(drift) + 14;
  drawArrow(p, QPointF(x, y0 + lh / 2.0), QPointF(x + swatch, y0 + lh / 2.0), tc::kNoise);
  x += swatch + 6;
  p.setPen(tc::kNoise);
  p.drawText(QPoint(x, y0 + fm.ascent()), noise);
  p.setPen(Qt::white);
  for (int i = 0; i < int(lines.size()); ++i)
    p.drawText(QPoint(box.left() + 6, y0 + (i + 1) * lh + fm.ascent()), lines[i]);
  p.restore();
}

QRect LandscapeTools::legendCorner(const QRect& plot, QSize size,
                                   const std::vector<ChainArrow>& list) const {
  // The corner of the plot that covers the fewest selected particles (bottom left first; not
  // the histogram's bottom right, nor the banner's top left).
  std::vector<QRect> corners{
      QRect(QPoint(plot.left() + 6, plot.bottom() - 6 - size.height()), size),
      QRect(QPoint(plot.right() - 6 - size.width(), plot.top() + 6), size)};
  if (!m_histogram)
    corners.push_back(QRect(QPoint(plot.right() - 6 - size.width(),
                                   plot.bottom() - 6 - size.height()), size));
  if (!m_placing && m_starts.empty())
    corners.push_back(QRect(QPoint(plot.left() + 6, plot.top() + 6), size));
  QRect best = corners.front();
  int fewest = INT_MAX;
  for (const QRect& c : corners) {
    int covered = 0;
    for (const auto& a : list)
      covered += c.adjusted(-10, -10, 10, 10).contains(m_lastPlotPositions.count(a.chain)
                                                           ? m_lastPlotPositions.at(a.chain)
                                                           : QPoint(-1, -1));
    if (covered < fewest) {
      fewest = covered;
      best = c;
    }
  }
  return best;
}

void LandscapeTools::paintBanner(QPainter& p, const QRect& plot) const {
  QString text;
  if (m_placing)
    text = tr("Placing starts: click to add (%1 placed) · Run chains starts there · C clears · "
              "S ends")
               .arg(m_starts.size());
  else if (!m_starts.empty())
    text = tr("%1 placed starts: the next revision of this chain starts from them (C clears)")
               .arg(m_starts.size());
  if (text.isEmpty())
    return;
  const QFontMetrics fm(p.font());
  const QString shown = fm.elidedText(text, Qt::ElideRight, plot.width() - 24);
  const QRect box(plot.left() + 6, plot.top() + 6, fm.horizontalAdvance(shown) + 12,
                  fm.height() + 6);
  textBox(p, box);
  p.setPen(tc::kStartMark);
  p.drawText(box, Qt::AlignCenter, shown);
}

void LandscapeTools::paintHistogram(QPainter& p, const QRect& plot, const ToolScene& s) const {
  const QFontMetrics fm(p.font());
  const int lh = fm.height();
  if (!s.trace) {
    const QRect box(plot.right() - 6 - fm.horizontalAdvance(tr("histogram: no chains yet")) - 12,
                    plot.bottom() - lh - 12, fm.horizontalAdvance(tr("histogram: no chains yet")) + 12,
                    lh + 6);
    textBox(p, box);
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, tr("histogram: no chains yet"));
    return;
  }
  const auto h = positionHistogram(*s.trace, s.cursorStep, s.landscape, s.view, kHistogramBins);
  const bool density = !h.density.empty();
  const int gap = 8, panes = density ? 2 : 1;
  // Two squares side by side in at most the plot's width less a margin, and under half its
  // height with the text.
  // Beside the plot when two squares of 110 px fit there (under the legend), else inside it.
  const QRect& aside = s.aside;
  const int asideSide = std::min((aside.width() - 12 - gap) / panes, aside.height() - 3 * lh - 14);
  const bool besides = asideSide >= 110 && m_selected.empty();  // (arrows keep it otherwise)
  const QRect area = besides ? aside : plot;
  const int side = besides ? std::min(240, asideSide)
                           : std::clamp(std::min((plot.width() - 24 - gap) / panes,
                                                 int(0.5 * plot.height()) - 3 * lh - 14),
                                        24, 240);
  const int imgW = panes * side + (panes - 1) * gap;
  QString line1 = tr("where the chains were, steps 0–%1 (%2 positions)")
                      .arg(h.lastStep)
                      .arg(h.samples);
  QString line2 = density ? tr("total variation to the density: %1")
                                .arg(h.totalVariation, 0, 'f', 2)
                          : tr("this data has no known density");
  const int textW = std::min(area.width() - 24,
                             std::max(fm.horizontalAdvance(line1), fm.horizontalAdvance(line2)));
  line1 = fm.elidedText(line1, Qt::ElideRight, textW);
  line2 = fm.elidedText(line2, Qt::ElideRight, textW);
  const int w = std::max(imgW, textW) + 12;
  const QSize size(w, side + 3 * lh + 14);
  const QRect box = besides ? QRect(aside.topLeft(), size)
                            : QRect(QPoint(plot.right() - 6 - w, plot.bottom() - 6 - size.height()),
                                    size);
  p.save();
  p.setClipping(false);
  textBox(p, box);
  p.setPen(Qt::white);
  const int x0 = box.left() + 6, y0 = box.top() + 4;
  p.drawText(QPoint(x0, y0 + fm.ascent()), tr("chains"));
  if (density)
    p.drawText(QPoint(x0 + side + gap, y0 + fm.ascent()), tr("true density"));
  const QRect a(x0, y0 + lh + 2, side, side);
  p.drawImage(a, histogramImage(h.chains, h.bins));
  if (density)
    p.drawImage(a.translated(side + gap, 0), histogramImage(h.density, h.bins));
  p.drawText(QPoint(x0, a.bottom() + 4 + fm.ascent()), line1);
  p.drawText(QPoint(x0, a.bottom() + 4 + lh + fm.ascent()), line2);
  p.restore();
}

} // namespace ebm::ui
