#include "mask_canvas.h"

#include "errors.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QUndoCommand>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ebm::ui {

/// One stroke, preset or clear: the whole mask before and after (masks are small).
class MaskEdit : public QUndoCommand {
public:
  MaskEdit(MaskCanvas* canvas, Mask before, Mask after, const QString& text)
      : QUndoCommand(text), m_canvas(canvas), m_before(std::move(before)),
        m_after(std::move(after)) {}
  void undo() override { m_canvas->setMaskSilently(m_before); }
  void redo() override { m_canvas->setMaskSilently(m_after); }

private:
  MaskCanvas* m_canvas;
  Mask m_before, m_after;
};

MaskCanvas::MaskCanvas(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setMinimumSize(200, 200);
  setAccessibleName(tr("Mask canvas"));
  setToolTip(tr("Draw the region to inpaint. B brush, E eraser, R rectangle, [ ] brush size, "
                "Del clear, Ctrl+Z / Ctrl+Shift+Z undo / redo, wheel zoom, Esc reset zoom, "
                "hold Tab to see the original."));
}

void MaskCanvas::setImage(const QImage& image) {
  const bool sameSize = image.size() == m_image.size();
  m_image = image;
  if (!sameSize) {
    m_mask = makeMask("none", std::max(1, image.height()), std::max(1, image.width()), 0);
    m_undo.clear();
    Q_EMIT maskChanged();
  }
  update();
}

void MaskCanvas::setMaskSilently(const Mask& mask) {
  m_mask = mask;
  update();
  Q_EMIT maskChanged();
}

void MaskCanvas::applyMask(const Mask& mask, const QString& what) {
  if (mask.height != m_mask.height || mask.width != m_mask.width)
    return;
  m_undo.push(new MaskEdit(this, m_mask, mask, what));
}

void MaskCanvas::clearMask() {
  applyMask(makeMask("none", m_mask.height, m_mask.width, 0), tr("clear mask"));
}

void MaskCanvas::setTool(Tool tool) {
  m_tool = tool;
  Q_EMIT toolChanged();
  update();
}

void MaskCanvas::setBrushSize(int pixels) {
  m_brush = std::clamp(pixels, 1, 64);
  Q_EMIT toolChanged();
  update();
}

QRectF MaskCanvas::imageRect() const {
  if (m_image.isNull())
    return {};
  const double fit = std::min(double(width()) / m_image.width(), double(height()) / m_image.height());
  const double scale = fit * m_zoom;
  const QSizeF size(m_image.width() * scale, m_image.height() * scale);
  return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

QPoint MaskCanvas::toPixel(const QPointF& p) const {
  const QRectF r = imageRect();
  if (r.isEmpty())
    return {-1, -1};
  return QPoint(int(std::floor((p.x() - r.left()) / r.width() * m_image.width())),
                int(std::floor((p.y() - r.top()) / r.height() * m_image.height())));
}

void MaskCanvas::paintAt(const QPoint& c, bool missing) {
  const int r = m_brush / 2;
  for (int y = c.y() - r; y <= c.y() - r + m_brush - 1; ++y)
    for (int x = c.x() - r; x <= c.x() - r + m_brush - 1; ++x)
      if (x >= 0 && y >= 0 && x < m_mask.width && y < m_mask.height)
        m_mask.observed[size_t(y) * m_mask.width + x] = missing ? 0 : 1;
}

void MaskCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base).darker(115));
  if (m_image.isNull()) {
    p.drawText(rect(), Qt::AlignCenter, tr("no image"));
    return;
  }
  const QRectF r = imageRect();
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  p.drawImage(r, m_image);
  if (!m_showOriginal) {
    QImage overlay(m_mask.width, m_mask.height, QImage::Format_ARGB32);
    for (int y = 0; y < m_mask.height; ++y) {
      auto* line = reinterpret_cast<QRgb*>(overlay.scanLine(y));
      for (int x = 0; x < m_mask.width; ++x)
        line[x] = m_mask.observed[size_t(y) * m_mask.width + x] ? qRgba(0, 0, 0, 0)
                                                                : qRgba(230, 60, 40, 170);
    }
    p.drawImage(r, overlay);
  }
  if (m_drawing && m_tool == Tool::Rectangle) {
    const QPoint a = m_rectStart, b = m_rectEnd;
    const double sx = r.width() / m_image.width(), sy = r.height() / m_image.height();
    QRectF sel(r.left() + std::min(a.x(), b.x()) * sx, r.top() + std::min(a.y(), b.y()) * sy,
               (std::abs(a.x() - b.x()) + 1) * sx, (std::abs(a.y() - b.y()) + 1) * sy);
    p.setPen(QPen(Qt::yellow, 1, Qt::DashLine));
    p.drawRect(sel);
  }
  const QString tool = m_tool == Tool::Brush ? tr("brush") : m_tool == Tool::Eraser ? tr("eraser")
                                                                                    : tr("rectangle");
  p.setPen(palette().color(QPalette::Text));
  p.drawText(rect().adjusted(4, 2, -4, -2), Qt::AlignBottom | Qt::AlignLeft,
             m_showOriginal ? tr("original (release Tab)")
                            : tr("%1 · size %2 · %3 % missing")
                                  .arg(tool)
                                  .arg(m_brush)
                                  .arg(100.0 * m_mask.missingFraction(), 0, 'f', 1));
}

void MaskCanvas::mousePressEvent(QMouseEvent* e) {
  if (m_image.isNull() || (e->button() != Qt::LeftButton && e->button() != Qt::RightButton))
    return;
  setFocus();
  m_drawing = true;
  m_strokeStart = m_mask;
  const QPoint px = toPixel(e->position());
  if (m_tool == Tool::Rectangle) {
    m_rectStart = m_rectEnd = px;
  } else {
    // Right button draws with the other tool (erase while brushing and vice versa).
    const bool missing = (m_tool == Tool::Brush) != (e->button() == Qt::RightButton);
    paintAt(px, missing);
    m_lastPixel = px;
  }
  update();
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* e) {
  if (!m_drawing)
    return;
  const QPoint px = toPixel(e->position());
  if (m_tool == Tool::Rectangle) {
    m_rectEnd = px;
  } else {
    const bool missing = (m_tool == Tool::Brush) != bool(e->buttons() & Qt::RightButton);
    // Fill the gap between mouse events so fast strokes stay continuous.
    const int steps = std::max(std::abs(px.x() - m_lastPixel.x()), std::abs(px.y() - m_lastPixel.y()));
    for (int i = 1; i <= steps; ++i)
      paintAt(m_lastPixel + (px - m_lastPixel) * i / steps, missing);
    paintAt(px, missing);
    m_lastPixel = px;
  }
  update();
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent* e) {
  if (!m_drawing)
    return;
  m_drawing = false;
  QString what = m_tool == Tool::Eraser ? tr("erase stroke") : tr("brush stroke");
  if (m_tool == Tool::Rectangle) {
    const QPoint a = m_rectStart, b = toPixel(e->position());
    const bool missing = e->button() != Qt::RightButton;
    for (int y = std::max(0, std::min(a.y(), b.y())); y <= std::min(m_mask.height - 1, std::max(a.y(), b.y())); ++y)
      for (int x = std::max(0, std::min(a.x(), b.x())); x <= std::min(m_mask.width - 1, std::max(a.x(), b.x())); ++x)
        m_mask.observed[size_t(y) * m_mask.width + x] = missing ? 0 : 1;
    what = tr("rectangle");
  }
  if (m_mask.observed != m_strokeStart.observed) {
    Mask after = m_mask;
    m_mask = m_strokeStart;
    m_undo.push(new MaskEdit(this, m_strokeStart, after, what));
  }
  update();
}

void MaskCanvas::wheelEvent(QWheelEvent* e) {
  m_zoom = std::clamp(m_zoom * (e->angleDelta().y() > 0 ? 1.15 : 1 / 1.15), 0.5, 8.0);
  update();
}

void MaskCanvas::keyPressEvent(QKeyEvent* e) {
  if (e->matches(QKeySequence::Undo)) {
    m_undo.undo();
  } else if (e->matches(QKeySequence::Redo) ||
             (e->key() == Qt::Key_Z && e->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier))) {
    m_undo.redo();
  } else if (e->key() == Qt::Key_BracketLeft) {
    setBrushSize(m_brush - 1);
  } else if (e->key() == Qt::Key_BracketRight) {
    setBrushSize(m_brush + 1);
  } else if (e->key() == Qt::Key_B) {
    setTool(Tool::Brush);
  } else if (e->key() == Qt::Key_E) {
    setTool(Tool::Eraser);
  } else if (e->key() == Qt::Key_R) {
    setTool(Tool::Rectangle);
  } else if (e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) {
    clearMask();
  } else if (e->key() == Qt::Key_Escape) {
    m_zoom = 1.0;
    update();
  } else if (e->key() == Qt::Key_Tab && !e->isAutoRepeat()) {
    m_showOriginal = true;
    update();
  } else {
    QWidget::keyPressEvent(e);
  }
}

bool MaskCanvas::event(QEvent* e) {
  // Tab normally moves the focus; on the canvas, holding it shows the original.
  if ((e->type() == QEvent::KeyPress || e->type() == QEvent::KeyRelease) &&
      static_cast<QKeyEvent*>(e)->key() == Qt::Key_Tab) {
    auto* k = static_cast<QKeyEvent*>(e);
    e->type() == QEvent::KeyPress ? keyPressEvent(k) : keyReleaseEvent(k);
    return true;
  }
  return QWidget::event(e);
}

void MaskCanvas::keyReleaseEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_Tab && !e->isAutoRepeat()) {
    m_showOriginal = false;
    update();
    return;
  }
  QWidget::keyReleaseEvent(e);
}

bool MaskCanvas::saveMask(const QString& path, QString* error) const {
  QImage img(m_mask.width, m_mask.height, QImage::Format_Grayscale8);
  for (int y = 0; y < m_mask.height; ++y)
    for (int x = 0; x < m_mask.width; ++x)
      img.scanLine(y)[x] = m_mask.observed[size_t(y) * m_mask.width + x] ? 255 : 0;
  if (!img.save(path, "PNG")) {
    if (error)
      *error = tr("cannot write the mask to %1").arg(path);
    return false;
  }
  return true;
}

bool MaskCanvas::loadMask(const QString& path, QString* error) {
  try {
    applyMask(readMaskImage(path.toStdString(), m_mask.height, m_mask.width), tr("load mask"));
    return true;
  } catch (const ebm::Error& e) {
    if (error)
      *error = QString::fromStdString(e.what());
    return false;
  }
}

} // namespace ebm::ui
