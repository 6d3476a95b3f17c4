#include "image_grid_view.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

constexpr int kHeader = 16;
constexpr int kLeftLabel = 22;

uchar toByte(float v) {
  const float u = (std::clamp(v, -1.0f, 1.0f) + 1.0f) * 127.5f;
  return static_cast<uchar>(std::lround(u));
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
                "Click a column to move the step cursor."));
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
  update();
}

void ImageGridView::setCursorStep(int step) {
  if (step == m_cursorStep)
    return;
  m_cursorStep = step;
  update();
}

ImageGridView::Layout ImageGridView::layout() const {
  Layout l;
  l.cols = static_cast<int>(m_cells.size());
  l.rows = l.cols ? static_cast<int>(m_cells.front().size()) : 0;
  if (!l.cols || !l.rows)
    return l;
  const int availW = width() - kLeftLabel - 4, availH = height() - kHeader - 4;
  l.cell = std::max(4, std::min((availW - l.gap * (l.cols - 1)) / l.cols,
                                (availH - l.gap * (l.rows - 1)) / l.rows));
  l.left = kLeftLabel;
  l.top = kHeader;
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
