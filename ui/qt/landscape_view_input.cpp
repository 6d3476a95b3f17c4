// LandscapeView's input: the Fit view and Legend buttons, keys (F fit, Esc back to the fitted
// view, L legend; everything else goes on to the window's shortcuts), wheel zoom about the
// pointer, drag to pan, and the context menu.
#include "landscape_view.h"

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

constexpr double kMinSide = 1e-3, kMaxSide = 1e4;  // zoom limits, in data units

/// The data point under widget position `at` for `view` shown in `plot`.
std::array<double, 2> widgetToPlane(const PlaneRect& view, const QRect& plot, QPointF at) {
  return {view.xLo + (at.x() - plot.left()) / std::max(1, plot.width()) * view.width(),
          view.yHi - (at.y() - plot.top()) / std::max(1, plot.height()) * view.height()};
}

/// The keys the view answers itself while it has the focus: plain F, Esc and L.
bool isViewKey(const QKeyEvent* e) {
  const bool plain = (e->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
  return plain && (e->key() == Qt::Key_F || e->key() == Qt::Key_Escape || e->key() == Qt::Key_L);
}

} // namespace

void LandscapeView::buildButtons() {
  m_fitButton = new QToolButton(this);
  m_fitButton->setText(tr("Fit view"));
  m_fitButton->setToolTip(tr("Fit the view to the data and the chains (F)"));
  m_fitButton->setFocusPolicy(Qt::NoFocus);
  connect(m_fitButton, &QToolButton::clicked, this, [this] { fitView(); });
  m_legendButton = new QToolButton(this);
  m_legendButton->setText(tr("Legend"));
  m_legendButton->setToolTip(tr("Show or hide the legend (L)"));
  m_legendButton->setCheckable(true);
  m_legendButton->setChecked(m_legend);
  m_legendButton->setFocusPolicy(Qt::NoFocus);
  connect(m_legendButton, &QToolButton::toggled, this, [this](bool on) { setLegendVisible(on); });
  placeButtons();
}

void LandscapeView::placeButtons() {
  const QFont f = overlayFont();
  for (auto* b : {m_fitButton, m_legendButton}) {
    b->setFont(f);
    b->adjustSize();
  }
  const int y = 3, right = width() - 4;
  m_legendButton->move(right - m_legendButton->width(), y);
  m_fitButton->move(m_legendButton->x() - 4 - m_fitButton->width(), y);
}

void LandscapeView::resizeEvent(QResizeEvent* e) {
  QOpenGLWidget::resizeEvent(e);
  placeButtons();
}

bool LandscapeView::event(QEvent* e) {
  // F, Esc and L are the view's while it has the focus, even if the window binds them too;
  // every other key goes on to the window's shortcuts.
  if (e->type() == QEvent::ShortcutOverride && isViewKey(static_cast<QKeyEvent*>(e))) {
    e->accept();
    return true;
  }
  return QOpenGLWidget::event(e);
}

void LandscapeView::keyPressEvent(QKeyEvent* e) {
  if (!isViewKey(e))
    return QOpenGLWidget::keyPressEvent(e);
  if (e->key() == Qt::Key_F)
    fitView();
  else if (e->key() == Qt::Key_Escape)
    resetView();
  else
    setLegendVisible(!m_legend);
}

void LandscapeView::wheelEvent(QWheelEvent* e) {
  const int delta = e->angleDelta().y();
  if (delta == 0) {
    e->ignore();
    return;
  }
  // One notch (120) zooms by ~15 %, about the data point under the pointer.
  const double factor = std::pow(0.85, delta / 120.0);
  const double side = std::clamp(m_view.width() * factor, kMinSide, kMaxSide);
  const double k = side / m_view.width();
  const auto at = widgetToPlane(m_view, plotRect(), e->position());
  setView({at[0] - (at[0] - m_view.xLo) * k, at[0] + (m_view.xHi - at[0]) * k,
           at[1] - (at[1] - m_view.yLo) * k, at[1] + (m_view.yHi - at[1]) * k});
  e->accept();
}

void LandscapeView::mousePressEvent(QMouseEvent* e) {
  if (e->button() == Qt::LeftButton) {
    m_dragFrom = e->position().toPoint();
    setCursor(Qt::ClosedHandCursor);
  }
  QOpenGLWidget::mousePressEvent(e);
}

void LandscapeView::mouseMoveEvent(QMouseEvent* e) {
  if (!m_dragFrom)
    return QOpenGLWidget::mouseMoveEvent(e);
  const QRect plot = plotRect();
  const QPoint d = e->position().toPoint() - *m_dragFrom;
  m_dragFrom = e->position().toPoint();
  const double dx = -double(d.x()) / std::max(1, plot.width()) * m_view.width();
  const double dy = double(d.y()) / std::max(1, plot.height()) * m_view.height();
  setView({m_view.xLo + dx, m_view.xHi + dx, m_view.yLo + dy, m_view.yHi + dy});
}

void LandscapeView::mouseReleaseEvent(QMouseEvent* e) {
  if (e->button() == Qt::LeftButton && m_dragFrom) {
    m_dragFrom.reset();
    unsetCursor();
  }
  QOpenGLWidget::mouseReleaseEvent(e);
}

void LandscapeView::contextMenuEvent(QContextMenuEvent* e) {
  QMenu menu(this);
  menu.addAction(tr("Fit view\tF"), this, [this] { fitView(); });
  menu.addAction(tr("Back to the fitted view\tEsc"), this, [this] { resetView(); });
  QAction* legend = menu.addAction(tr("Show legend\tL"));
  legend->setCheckable(true);
  legend->setChecked(m_legend);
  connect(legend, &QAction::toggled, this, [this](bool on) { setLegendVisible(on); });
  menu.exec(e->globalPos());
}

void LandscapeView::focusInEvent(QFocusEvent* e) {
  QOpenGLWidget::focusInEvent(e);
  update();  // the plot's frame shows where F / Esc / L go
}

void LandscapeView::focusOutEvent(QFocusEvent* e) {
  QOpenGLWidget::focusOutEvent(e);
  update();
}

} // namespace ebm::ui
