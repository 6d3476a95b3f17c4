// PointCanvas: the drawing area of the point editor. A square of the plane with axes and a grid;
// the user's points as dots (coloured by class); a press or drag sprays points with the brush
// (PointBrush in ui/common) or, in eraser mode, removes those under it; the brush's disc follows
// the mouse. The view fits loaded points and never changes while drawing. GUI thread only.
#pragma once

#include "landscape_frame.h"
#include "point_brush.h"

#include <QWidget>

#include <optional>

namespace ebm::ui {

class PointCanvas : public QWidget {
  Q_OBJECT
public:
  explicit PointCanvas(QWidget* parent = nullptr);

  const EditablePoints& points() const { return m_points; }
  void setPoints(EditablePoints points);  // fits the view to them
  void clearPoints();

  void setBrushRadius(double radius) { m_radius = radius; update(); }
  double brushRadius() const { return m_radius; }
  void setPointsPerDab(int count) { m_perDab = count; }
  void setEraser(bool on) { m_eraser = on; update(); }
  bool eraser() const { return m_eraser; }
  void setLabel(int label) { m_label = label; }  // -1: none

  PlaneRect view() const { return m_view; }
  /// Where the plane point (x, y) is drawn, and the reverse, in widget coordinates.
  QPointF widgetPosition(double x, double y) const;
  QPointF planePosition(const QPointF& widget) const;

  QSize sizeHint() const override { return {560, 560}; }

Q_SIGNALS:
  void pointsChanged();

protected:
  void paintEvent(QPaintEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent* e) override;

private:
  QRectF plotRect() const;
  void paintAxes(QPainter& p, const QRectF& r) const;
  void paintPoints(QPainter& p) const;
  void apply(const QPointF& widget);

  EditablePoints m_points;
  PointBrush m_brush;
  PlaneRect m_view{-1.5, 1.5, -1.5, 1.5};
  double m_radius = 0.08;
  int m_perDab = 6;
  int m_label = -1;
  bool m_eraser = false;
  bool m_drawing = false;
  std::optional<QPointF> m_mouse, m_lastDab;
};

} // namespace ebm::ui
