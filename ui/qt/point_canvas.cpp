#include "point_canvas.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

constexpr int kAxisMargin = 34;  // px left of and below the square for the tick labels

QColor classColour(int label) {
  static const QColor kColours[] = {QColor(31, 119, 180), QColor(255, 127, 14),
                                    QColor(44, 160, 44),  QColor(214, 39, 40),
                                    QColor(148, 103, 189), QColor(140, 86, 75),
                                    QColor(227, 119, 194), QColor(127, 127, 127),
                                    QColor(188, 189, 34), QColor(23, 190, 207)};
  return label < 0 ? QColor(40, 40, 40) : kColours[label % 10];
}

} // namespace

PointCanvas::PointCanvas(QWidget* parent) : QWidget(parent) {
  setObjectName("pointCanvas");
  setMouseTracking(true);
  setMinimumSize(300, 300);
  setCursor(Qt::CrossCursor);
  setToolTip(tr("Click or drag to draw points; in eraser mode to remove them"));
}

void PointCanvas::setPoints(EditablePoints points) {
  m_points = std::move(points);
  const auto bounds = boundsOf(m_points.xy);
  // Fits loaded points (never smaller than the usual [-1.5, 1.5] square a model expects).
  m_view = fitView(bounds, nullptr).united(PlaneRect{-1.5, 1.5, -1.5, 1.5});
  const double side = std::max(m_view.width(), m_view.height()) / 2;
  m_view = {m_view.centreX() - side, m_view.centreX() + side, m_view.centreY() - side,
            m_view.centreY() + side};
  update();
  Q_EMIT pointsChanged();
}

void PointCanvas::clearPoints() {
  m_points = {};
  update();
  Q_EMIT pointsChanged();
}

QRectF PointCanvas::plotRect() const {
  const double side = std::max(10.0, std::min(width() - kAxisMargin - 8.0,
                                              height() - kAxisMargin - 8.0));
  return {double(kAxisMargin), 8.0, side, side};
}

QPointF PointCanvas::widgetPosition(double x, double y) const {
  const QRectF r = plotRect();
  return {r.left() + (x - m_view.xLo) / m_view.width() * r.width(),
          r.top() + (m_view.yHi - y) / m_view.height() * r.height()};
}

QPointF PointCanvas::planePosition(const QPointF& w) const {
  const QRectF r = plotRect();
  return {m_view.xLo + (w.x() - r.left()) / r.width() * m_view.width(),
          m_view.yHi - (w.y() - r.top()) / r.height() * m_view.height()};
}

void PointCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QRectF r = plotRect();
  p.fillRect(rect(), palette().window());
  p.fillRect(r, Qt::white);
  paintAxes(p, r);
  p.setClipRect(r);
  paintPoints(p);
  if (m_mouse && r.contains(*m_mouse)) {
    const double px = m_radius / m_view.width() * r.width();
    p.setPen(QPen(m_eraser ? QColor(200, 40, 40) : QColor(30, 90, 200), 1.5, Qt::DashLine));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(*m_mouse, px, px);
  }
}

void PointCanvas::paintAxes(QPainter& p, const QRectF& r) const {
  p.setPen(QPen(QColor(225, 225, 225), 1));
  const Ticks xs = niceTicks(m_view.xLo, m_view.xHi, 7), ys = niceTicks(m_view.yLo, m_view.yHi, 7);
  for (double x : xs.values)
    p.drawLine(widgetPosition(x, m_view.yLo), widgetPosition(x, m_view.yHi));
  for (double y : ys.values)
    p.drawLine(widgetPosition(m_view.xLo, y), widgetPosition(m_view.xHi, y));
  p.setPen(QPen(QColor(120, 120, 120), 1));
  p.drawRect(r);
  p.setPen(palette().windowText().color());
  for (double x : xs.values) {
    const QPointF at = widgetPosition(x, m_view.yLo);
    p.drawText(QRectF(at.x() - 30, r.bottom() + 3, 60, 16), Qt::AlignHCenter | Qt::AlignTop,
               QString::number(x, 'f', xs.decimals));
  }
  for (double y : ys.values) {
    const QPointF at = widgetPosition(m_view.xLo, y);
    p.drawText(QRectF(r.left() - kAxisMargin, at.y() - 8, kAxisMargin - 4, 16),
               Qt::AlignRight | Qt::AlignVCenter,
               QString::number(y, 'f', ys.decimals));
  }
}

void PointCanvas::paintPoints(QPainter& p) const {
  p.setPen(Qt::NoPen);
  for (size_t i = 0; i < m_points.size(); ++i) {
    p.setBrush(classColour(m_points.labels[i]));
    p.drawEllipse(widgetPosition(m_points.xy[2 * i], m_points.xy[2 * i + 1]), 2.6, 2.6);
  }
}

void PointCanvas::apply(const QPointF& w) {
  const QPointF at = planePosition(w);
  if (m_eraser) {
    if (PointBrush::erase(m_points, at.x(), at.y(), m_radius) == 0)
      return;
  } else {
    // A drag sprays a dab every brush radius it travels, so a slow drag is not a blob.
    const double spacing = std::max(4.0, m_radius / m_view.width() * plotRect().width());
    if (m_lastDab && QLineF(*m_lastDab, w).length() < spacing)
      return;
    m_brush.dab(m_points, at.x(), at.y(), m_radius, m_perDab, m_label);
    m_lastDab = w;
  }
  update();
  Q_EMIT pointsChanged();
}

void PointCanvas::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton || !plotRect().contains(e->position()))
    return;
  m_drawing = true;
  m_lastDab.reset();
  apply(e->position());
}

void PointCanvas::mouseMoveEvent(QMouseEvent* e) {
  m_mouse = e->position();
  if (m_drawing && plotRect().contains(e->position()))
    apply(e->position());
  update();
}

void PointCanvas::mouseReleaseEvent(QMouseEvent*) {
  m_drawing = false;
  m_lastDab.reset();
}

void PointCanvas::leaveEvent(QEvent*) {
  m_mouse.reset();
  update();
}

} // namespace ebm::ui
