// LandscapeView's input: the Fit view, Legend and Tools buttons, keys (F fit, Esc back to the
// fitted view, L legend, and the tools' S starts, A arrows, D no arrows, C clear starts,
// H histogram; everything else goes on to the window's shortcuts), wheel zoom about the
// pointer, drag to pan, a click for the tools, and the context menu.
#include "landscape_view.h"

#include "landscape_tools.h"

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
constexpr int kClickSlop = 4;     // pixels a press may move and still be a click
constexpr double kPickPixels = 14;  // a click selects the chain within this many pixels

/// The data point under widget position `at` for `view` shown in `plot`.
std::array<double, 2> widgetToPlane(const PlaneRect& view, const QRect& plot, QPointF at) {
  return {view.xLo + (at.x() - plot.left()) / std::max(1, plot.width()) * view.width(),
          view.yHi - (at.y() - plot.top()) / std::max(1, plot.height()) * view.height()};
}

/// The keys the view answers itself while it has the focus: plain F, Esc and L.
bool isViewKey(const QKeyEvent* e) {
  const bool plain = (e->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
  switch (e->key()) {
  case Qt::Key_F: case Qt::Key_Escape: case Qt::Key_L:
  case Qt::Key_S: case Qt::Key_A: case Qt::Key_D: case Qt::Key_C: case Qt::Key_H:
    return plain;
  default:
    return false;
  }
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
  buildToolsButton();
  placeButtons();
}

void LandscapeView::buildToolsButton() {
  m_tools = new LandscapeTools(this);
  connect(m_tools, &LandscapeTools::changed, this, [this] { update(); });
  connect(m_tools, &LandscapeTools::randomPickWanted, this,
          [this] { m_tools->selectRandom(isPlaneTrace(m_trace.get()) ? m_trace.get() : nullptr); });
  m_toolsButton = new QToolButton(this);
  m_toolsButton->setText(tr("Tools"));
  m_toolsButton->setToolTip(tr("Arrows for the drift and noise of selected chains (click a "
                               "chain, shift-click more, A: 5 random), chain starts placed by "
                               "clicking (S), the position histogram (H)"));
  m_toolsButton->setFocusPolicy(Qt::NoFocus);
  m_toolsButton->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(m_toolsButton);
  connect(menu, &QMenu::aboutToShow, this, [this, menu] {
    menu->clear();
    m_tools->addActions(menu);
  });
  m_toolsButton->setMenu(menu);
}

bool LandscapeView::toolKey(QKeyEvent* e) {
  switch (e->key()) {
  case Qt::Key_S: m_tools->setPlacingStarts(!m_tools->placingStarts()); return true;
  case Qt::Key_A: Q_EMIT m_tools->randomPickWanted(); return true;
  case Qt::Key_D: m_tools->clearSelection(); return true;
  case Qt::Key_C: m_tools->clearStarts(); return true;
  case Qt::Key_H: m_tools->setHistogramShown(!m_tools->histogramShown()); return true;
  default: return false;
  }
}

void LandscapeView::clickAt(QPointF at, bool add) {
  const QRect plot = plotRect();
  if (!plot.contains(at.toPoint()))
    return;
  const auto xy = widgetToPlane(m_view, plot, at);
  const double radius = kPickPixels * m_view.width() / std::max(1, plot.width());
  m_tools->click(isPlaneTrace(m_trace.get()) ? m_trace.get() : nullptr, m_cursorStep, xy[0], xy[1],
                 add, radius);
}

void LandscapeView::placeButtons() {
  const QFont f = overlayFont();
  for (auto* b : {m_fitButton, m_legendButton, m_toolsButton}) {
    b->setFont(f);
    b->adjustSize();
  }
  const int y = 3, right = width() - 4;
  m_legendButton->move(right - m_legendButton->width(), y);
  m_fitButton->move(m_legendButton->x() - 4 - m_fitButton->width(), y);
  m_toolsButton->move(m_fitButton->x() - 4 - m_toolsButton->width(), y);
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
  if (toolKey(e))
    return;
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
    m_pressAt = *m_dragFrom;
    m_dragged = false;
  }
  QOpenGLWidget::mousePressEvent(e);
}

void LandscapeView::mouseMoveEvent(QMouseEvent* e) {
  if (!m_dragFrom)
    return QOpenGLWidget::mouseMoveEvent(e);
  if (!m_dragged) {
    // A press that stays within a few pixels is a click, not a pan.
    if ((e->position().toPoint() - m_pressAt).manhattanLength() <= kClickSlop)
      return;
    m_dragged = true;
    setCursor(Qt::ClosedHandCursor);
  }
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
    if (!m_dragged)
      clickAt(e->position(), e->modifiers() & Qt::ShiftModifier);
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
  menu.addSeparator();
  m_tools->addActions(&menu);
  menu.addSeparator();
  QAction* fork = menu.addAction(tr("Fork the chain here (continue from the cursor's step)\tK"),
                                 this, [this] { Q_EMIT forkRequested(); });
  fork->setEnabled(m_trace != nullptr);
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
