#include "image_grid_view.h"

#include "image_pixels.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

constexpr int kHeader = 16;
constexpr int kLeftLabel = 22;
constexpr int kChangeGap = 8;   // between the strip and the change column
constexpr int kNumbers = 78;    // width of the per-chain numbers
constexpr int kMinCell = 40;    // below this, a short dock shows fewer rows ...
constexpr int kMinRows = 4;     // ... but never fewer than these

// A diverging, colour-blind-safe map for a change in [-1, 1]: purple darker, white unchanged,
// orange brighter.
QRgb changeColour(float v) {
  const float a = std::clamp(std::fabs(v), 0.0f, 1.0f);
  const QColor end = v < 0 ? QColor(94, 60, 153) : QColor(230, 97, 1);
  auto mix = [a](int white, int c) { return static_cast<int>(std::lround(white + a * (c - white))); };
  return qRgb(mix(247, end.red()), mix(247, end.green()), mix(247, end.blue()));
}

// One row's change x_t - x_0 times `gain` as an image (channel-mean for colour images).
QImage changeImage(const float* x0, const float* xt, const std::vector<int64_t>& shape,
                   double gain) {
  const int c = static_cast<int>(shape[0]), h = static_cast<int>(shape[1]),
            w = static_cast<int>(shape[2]);
  QImage img(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      double d = 0;
      for (int k = 0; k < c; ++k) {
        const int i = (k * h + y) * w + x;
        d += double(xt[i]) - double(x0[i]);
      }
      line[x] = changeColour(static_cast<float>(gain * d / c));
    }
  }
  return img;
}

uchar toByte(float v) {
  return pixelByte(v);
}

} // namespace

QImage sampleToImage(const float* data, const std::vector<int64_t>& shape) {
  if (shape.size() != 3)
    return {};
  const int c = static_cast<int>(shape[0]), h = static_cast<int>(shape[1]),
            w = static_cast<int>(shape[2]);
  QImage img(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      const int i = y * w + x;
      if (c >= 3) {
        line[x] = qRgb(toByte(data[i]), toByte(data[h * w + i]), toByte(data[2 * h * w + i]));
      } else {
        const uchar g = toByte(data[i]);
        line[x] = qRgb(g, g, g);
      }
    }
  }
  return img;
}

ImageGridView::ImageGridView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(160, 120);
  setAutoFillBackground(true);
  setToolTip(tr("One row per chain, one column per snapshot (every k Langevin steps). "
                "Click a column to move the step cursor.\nΔ×A: the change x_t − x_0 at the "
                "cursor, amplified A times (white = unchanged, orange = brighter, purple = "
                "darker). RMS Δ: each chain's RMS change per pixel; ΔE: its energy change "
                "E(x_t) − E(x_0)."));
}

void ImageGridView::setShowChange(bool on) {
  m_showChange = on;
  updateChange();
  update();
}

void ImageGridView::updateChange() {
  m_change.clear();
  m_insight = {};
  if (!m_trace || !m_showChange || m_cells.empty())
    return;
  const Trace& t = *m_trace;
  const bool isZ = t.decodes();
  m_insight = revisionInsight(t, m_cursorStep, isZ);
  const TraceSnapshot* first = snapshotUpTo(t, 0);
  const TraceSnapshot* at = snapshotUpTo(t, m_cursorStep);
  const auto& shape = isZ ? t.decodedShape : t.stateShape;
  if (m_insight.step < 0 || !first || !at || shape.size() != 3)
    return;
  const auto& x0 = isZ ? first->decoded : first->state;
  const auto& xt = isZ ? at->decoded : at->state;
  const int64_t per = shape[0] * shape[1] * shape[2];
  const int rows = static_cast<int>(m_cells.front().size());
  if (static_cast<int64_t>(x0.size()) < per * rows || xt.size() != x0.size())
    return;
  for (int r = 0; r < rows; ++r)
    m_change.push_back(changeImage(x0.data() + r * per, xt.data() + r * per, shape,
                                   m_insight.amplification()));
}

void ImageGridView::setMaxRows(int rows) {
  m_maxRows = std::max(1, rows);
  setTrace(m_trace);
}

void ImageGridView::setTrace(std::shared_ptr<const Trace> trace) {
  m_trace = std::move(trace);
  m_cells.clear();
  m_columnSteps.clear();
  if (m_trace) {
    const Trace& t = *m_trace;
    const bool isZ = t.decodes();
    const auto& shape = isZ ? t.decodedShape : t.stateShape;
    if (shape.size() == 3) {
      int64_t per = 1;
      for (auto d : shape)
        per *= d;
      const int rows = std::min(t.chains, m_maxRows);
      if (isZ && static_cast<int64_t>(t.target.size()) >= per * rows) {
        std::vector<QImage> col;
        for (int r = 0; r < rows; ++r)
          col.push_back(sampleToImage(t.target.data() + r * per, shape));
        m_cells.push_back(std::move(col));
        m_columnSteps.push_back(-1);
      }
      for (const auto& s : t.snapshots) {
        const auto& v = isZ ? s.decoded : s.state;
        if (static_cast<int64_t>(v.size()) < per * rows)
          continue;
        std::vector<QImage> col;
        for (int r = 0; r < rows; ++r)
          col.push_back(sampleToImage(v.data() + r * per, shape));
        m_cells.push_back(std::move(col));
        m_columnSteps.push_back(s.step);
      }
    }
  }
  updateChange();
  update();
}

void ImageGridView::setCursorStep(int step) {
  if (step == m_cursorStep)
    return;
  m_cursorStep = step;
  updateChange();
  update();
}

ImageGridView::Layout ImageGridView::layout() const {
  Layout l;
  l.cols = static_cast<int>(m_cells.size());
  l.rows = l.cols ? static_cast<int>(m_cells.front().size()) : 0;
  if (!l.cols || !l.rows)
    return l;
  const bool change = !m_change.empty();
  const int extraW = change ? kChangeGap + kNumbers : 0;
  const int cols = l.cols + (change ? 1 : 0);
  const int availW = width() - kLeftLabel - 4 - extraW, availH = height() - kHeader - 4;
  auto cellFor = [&](int rows) {
    return std::max(4, std::min((availW - l.gap * (cols - 1)) / cols,
                                (availH - l.gap * (rows - 1)) / rows));
  };
  // In a short dock, fewer rows at a readable size beat many thumbnails too small to see.
  l.cell = cellFor(l.rows);
  while (l.rows > kMinRows && l.cell < kMinCell && cellFor(l.rows - 1) > l.cell)
    l.cell = cellFor(--l.rows);
  l.left = kLeftLabel;
  l.top = kHeader;
  if (change) {
    l.changeX = l.left + l.cols * (l.cell + l.gap) - l.gap + kChangeGap;
    l.numbersX = l.changeX + l.cell + 4;
  }
  return l;
}

void ImageGridView::paintGrid(QPainter& p, const Layout& l, int upToStep, bool cursor) const {
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  QFont f = p.font();
  f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.8));
  p.setFont(f);
  for (int c = 0; c < l.cols; ++c) {
    const int step = m_columnSteps[c];
    if (upToStep >= 0 && step > upToStep)
      break;
    const int x = l.left + c * (l.cell + l.gap);
    const QString head = step < 0 ? tr("data") : QString("t=%1").arg(step);
    if (l.cell >= 18 || c % 2 == 0)
      p.drawText(QRect(x - 4, 0, l.cell + 8, kHeader), Qt::AlignCenter, head);
    for (int r = 0; r < l.rows; ++r) {
      const QRect cellRect(x, l.top + r * (l.cell + l.gap), l.cell, l.cell);
      p.drawImage(cellRect, m_cells[c][r]);
    }
  }
  for (int r = 0; r < l.rows; ++r)
    p.drawText(QRect(0, l.top + r * (l.cell + l.gap), kLeftLabel - 2, l.cell),
               Qt::AlignRight | Qt::AlignVCenter, QString::number(r));
  if (!cursor || m_cursorStep < 0)
    return;
  // Outline the last column at or before the cursor.
  int best = -1;
  for (int c = 0; c < l.cols; ++c)
    if (m_columnSteps[c] >= 0 && m_columnSteps[c] <= m_cursorStep)
      best = c;
  if (best < 0)
    return;
  const int x = l.left + best * (l.cell + l.gap);
  p.setPen(QPen(QColor(255, 170, 0), 2));
  p.setBrush(Qt::NoBrush);
  p.drawRect(QRect(x - 1, l.top - 1, l.cell + 2, l.rows * (l.cell + l.gap) - l.gap + 2));
}

void ImageGridView::paintChange(QPainter& p, const Layout& l) const {
  if (l.changeX < 0)
    return;
  p.setPen(palette().color(QPalette::WindowText));
  const QString gain = QString::number(m_insight.amplification(), 'g', 3);
  p.drawText(QRect(l.changeX - 8, 0, l.cell + 16, kHeader), Qt::AlignCenter,
             QString::fromUtf8("Δ×%1").arg(gain));
  p.drawText(QRect(l.numbersX, 0, kNumbers, kHeader), Qt::AlignLeft | Qt::AlignVCenter,
             tr("RMS Δ · ΔE"));
  for (int r = 0; r < l.rows && r < static_cast<int>(m_change.size()); ++r) {
    const int y = l.top + r * (l.cell + l.gap);
    p.drawImage(QRect(l.changeX, y, l.cell, l.cell), m_change[r]);
    QString text = QString::fromStdString(shortNumber(m_insight.displacement[r]));
    if (r < static_cast<int>(m_insight.energyDrop.size()))
      text += (l.cell >= 26 ? "\n" : " ") +
              QString::fromStdString(shortNumber(-m_insight.energyDrop[r]));
    p.drawText(QRect(l.numbersX, y, kNumbers, l.cell), Qt::AlignLeft | Qt::AlignVCenter, text);
  }
}

void ImageGridView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const Layout l = layout();
  if (!l.cols) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               m_trace ? tr("This revision has no image snapshots (2-D data are shown in the "
                            "landscape view).")
                       : tr("No revision yet: press Run x or Run z, or start training."));
    return;
  }
  paintGrid(p, l, -1, true);
  paintChange(p, l);
}

QImage ImageGridView::renderUpTo(int step, int cellPixels) const {
  Layout l;
  l.cols = static_cast<int>(m_cells.size());
  l.rows = l.cols ? static_cast<int>(m_cells.front().size()) : 0;
  l.cell = std::max(8, cellPixels);
  l.left = kLeftLabel;
  l.top = kHeader;
  const int w = l.left + l.cols * (l.cell + l.gap) + 2, h = l.top + l.rows * (l.cell + l.gap) + 2;
  QImage img(std::max(w, 16), std::max(h, 16), QImage::Format_RGB32);
  img.fill(Qt::white);
  QPainter p(&img);
  p.setPen(Qt::black);
  paintGrid(p, l, step, false);
  return img;
}

void ImageGridView::mousePressEvent(QMouseEvent* event) {
  const Layout l = layout();
  if (!l.cols)
    return;
  const int c = (static_cast<int>(event->position().x()) - l.left) / (l.cell + l.gap);
  if (c >= 0 && c < l.cols && m_columnSteps[c] >= 0)
    Q_EMIT stepClicked(m_columnSteps[c]);
}

} // namespace ebm::ui
