// MaskCanvas: draw an inpainting mask over an image, keyboard first. Brush (B), eraser (E)
// and rectangle (R) tools, [ / ] brush size, Del clears, Ctrl+Z / Ctrl+Shift+Z undo and redo
// one stroke at a time (QUndoStack), mouse wheel zooms, Esc resets the zoom, and holding Tab
// shows the original without the mask. Shortcuts are scoped to the canvas so they never fire
// while typing in a spin box. GUI thread only; plain pixels, no core calls.
#pragma once

#include "masks.h"

#include <QImage>
#include <QUndoStack>
#include <QWidget>

namespace ebm::ui {

class MaskCanvas : public QWidget {
  Q_OBJECT
public:
  enum class Tool { Brush, Eraser, Rectangle };

  explicit MaskCanvas(QWidget* parent = nullptr);

  /// The image to draw on (any size; the mask has the same size). Keeps the mask when the size
  /// matches, otherwise starts with an empty mask. Clears the undo history on a size change.
  void setImage(const QImage& image);
  const Mask& mask() const { return m_mask; }
  /// Replaces the whole mask as one undoable step (presets, loaded files).
  void applyMask(const Mask& mask, const QString& what);
  void clearMask();
  QUndoStack* undoStack() { return &m_undo; }

  void setTool(Tool tool);
  Tool tool() const { return m_tool; }
  void setBrushSize(int pixels);
  int brushSize() const { return m_brush; }
  bool showingOriginal() const { return m_showOriginal; }

  /// Mask files: white = observed, black = missing (any image; thresholded at 50 %).
  bool saveMask(const QString& path, QString* error) const;
  bool loadMask(const QString& path, QString* error);

  QSize sizeHint() const override { return {320, 320}; }

Q_SIGNALS:
  void maskChanged();
  void toolChanged();

protected:
  bool event(QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;

private:
  friend class MaskEdit;
  QRectF imageRect() const;
  QPoint toPixel(const QPointF& widgetPos) const;
  void paintAt(const QPoint& pixel, bool missing);
  void setMaskSilently(const Mask& mask);

  QImage m_image;
  Mask m_mask;
  Mask m_strokeStart;  // the mask when the current stroke began
  QUndoStack m_undo;
  Tool m_tool = Tool::Brush;
  int m_brush = 3;
  double m_zoom = 1.0;
  bool m_drawing = false;
  bool m_showOriginal = false;
  QPoint m_rectStart, m_rectEnd;
  QPoint m_lastPixel;
};

} // namespace ebm::ui
