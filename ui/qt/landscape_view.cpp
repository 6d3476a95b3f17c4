// LandscapeView's state and drawing: what it is shown, the view it fits, the GL heatmap and
// particles, and the overlay painted over them. Input (keys, mouse, menu) is in
// landscape_view_input.cpp.
#include "landscape_view.h"

#include "landscape_overlay.h"
#include "landscape_renderer.h"
#include "landscape_tools.h"

#include <QFontInfo>
#include <QOpenGLContext>
#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QSurfaceFormat>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

/// `r` made square around its centre (the larger side wins).
PlaneRect squared(const PlaneRect& r) {
  const double half = 0.5 * std::max(r.width(), r.height());
  return {r.centreX() - half, r.centreX() + half, r.centreY() - half, r.centreY() + half};
}

} // namespace

LandscapeView::LandscapeView(QWidget* parent) : QOpenGLWidget(parent) {
  setMinimumSize(240, 200);
  setFocusPolicy(Qt::StrongFocus);  // F / Esc / L act here; window shortcuts still fire
  setToolTip(tr("Energy landscape E(x): yellow = low energy (likely). Wheel: zoom · drag: pan · "
                "F: fit the view · Esc: back to the fitted view · L: legend · click a chain: "
                "its drift and noise arrows (shift-click: more, A: 5 random, D: none) · S: place "
                "chain starts by clicking (C clears) · H: position histogram · right-click: "
                "menu."));
  m_rangeTimer.setSingleShot(true);
  m_rangeTimer.setInterval(250);
  connect(&m_rangeTimer, &QTimer::timeout, this, &LandscapeView::askForRange);
  buildButtons();
}

LandscapeView::~LandscapeView() {
  // QOpenGLWidget destroys the context after this class's part of the object is gone: its
  // aboutToBeDestroyed must not call back into a LandscapeView that no longer exists.
  if (QOpenGLContext* c = context())
    disconnect(c, &QOpenGLContext::aboutToBeDestroyed, this, nullptr);
  makeCurrent();
  releaseGl();
  doneCurrent();
}

void LandscapeView::setLandscape(std::shared_ptr<const Landscape> landscape) {
  if (landscape == m_landscape)
    return;
  m_landscape = std::move(landscape);
  m_dataRange = m_landscape ? boundsOf(m_landscape->data) : std::nullopt;
  updateEnergyRange();
  refitIfFitting();
  update();
}

void LandscapeView::setTrace(std::shared_ptr<const Trace> trace) {
  m_trace = std::move(trace);
  refitIfFitting();
  // The fit after a model load holds once it has seen the data and a whole chain.
  if (m_fitting && m_dataRange && m_trace && m_trace->finished)
    m_fitting = false;
  update();
}

void LandscapeView::setCursorStep(int step) {
  m_cursorStep = step;
  update();
}

void LandscapeView::setPath(std::vector<float> xy) {
  m_path = std::move(xy);
  update();
}

void LandscapeView::beginModel() {
  m_trace = nullptr;
  m_tools->clearSelection();
  m_tools->clearStarts();
  m_fitting = true;
  update();
}

void LandscapeView::setView(const PlaneRect& view) {
  if (!(view.width() > 0) || !(view.height() > 0) || !std::isfinite(view.width()) ||
      !std::isfinite(view.height()))
    return;
  m_fitting = false;
  showView(squared(view));
}

void LandscapeView::fitView() {
  m_fitted = ebm::ui::fitView(m_dataRange, m_trace.get(), m_path);
  showView(m_fitted);
}

void LandscapeView::resetView() { showView(m_fitted); }

void LandscapeView::refitIfFitting() {
  if (m_fitting)
    fitView();
}

void LandscapeView::showView(const PlaneRect& view) {
  const bool same = view.xLo == m_view.xLo && view.xHi == m_view.xHi && view.yLo == m_view.yLo &&
                    view.yHi == m_view.yHi;
  m_view = view;
  if (!same) {
    updateEnergyRange();
    update();
  }
  m_rangeTimer.start();
}

void LandscapeView::updateEnergyRange() {
  m_energyRange = m_landscape ? visibleEnergyRange(*m_landscape, m_view) : std::nullopt;
}

void LandscapeView::askForRange() {
  if (m_landscape && landscapeServes(m_landscape->lo, m_landscape->hi, m_view))
    return;
  const SquareRange cover = coveringSquare(m_view);
  Q_EMIT landscapeRangeWanted(cover.lo, cover.hi);
}

QPointF LandscapeView::widgetPosition(double x, double y) const {
  return planeToWidget(m_view, plotRect(), x, y);
}

int LandscapeView::chainsOutsideView() const {
  if (!isPlaneTrace(m_trace.get()))
    return 0;
  return chainsOutside(*m_trace, snapshotAt(*m_trace, m_cursorStep), m_view).count;
}

void LandscapeView::setLegendVisible(bool visible) {
  m_legend = visible;
  m_legendButton->setChecked(visible);
  update();
}

// ---- drawing ----

void LandscapeView::initializeGL() {
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
    makeCurrent();
    releaseGl();
    doneCurrent();
  });
  const QSurfaceFormat format = context()->format();
  if (std::make_pair(format.majorVersion(), format.minorVersion()) < std::make_pair(3, 3)) {
    m_glError = tr("OpenGL 3.3 is not available (this context has %1.%2): the landscape cannot "
                   "be drawn.")
                    .arg(format.majorVersion())
                    .arg(format.minorVersion());
    return;
  }
  m_renderer = std::make_unique<gl::LandscapeRenderer>();
  m_glError = QString::fromStdString(m_renderer->error());
  if (!m_glError.isEmpty())
    m_renderer.reset();
  else
    m_renderer->setLandscape(m_landscape);
}

void LandscapeView::releaseGl() { m_renderer.reset(); }

void LandscapeView::paintGL() {
  const QColor bg = palette().color(QPalette::Window);
  if (!m_renderer) {
    QPainter p(this);
    p.fillRect(rect(), bg);
    p.setPen(Qt::red);
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::TextWordWrap,
               m_glError.isEmpty() ? tr("OpenGL is not ready") : m_glError);
    return;
  }
  gl::LandscapeRenderer::clear(float(bg.redF()), float(bg.greenF()), float(bg.blueF()));
  m_renderer->setLandscape(m_landscape);
  // The plot's square in device pixels, GL's origin at the bottom left.
  const QRect plot = plotRect();
  const qreal dpr = devicePixelRatioF();
  gl::LandscapeRenderer::Scene scene;
  scene.view = m_view;
  scene.range = m_energyRange.value_or(EnergyRange{0, 1});
  scene.trace = m_trace;
  scene.cursorStep = m_cursorStep;
  scene.pixelRatio = float(dpr);
  const int side = int(std::lround(plot.width() * dpr));
  m_renderer->draw(scene, int(std::lround(plot.left() * dpr)),
                   int(std::lround((height() - plot.top() - plot.height()) * dpr)), side, side);
  drawOverlay();
}

QString LandscapeView::caption() const {
  QString text = !m_landscape ? tr("landscape: waiting for the model")
                 : m_landscape->level >= 0
                     ? tr("level %1: -f(y, %1) at iteration %2")
                           .arg(m_landscape->level)
                           .arg(m_landscape->iteration)
                     : tr("E(x) at iteration %1").arg(m_landscape->iteration);
  if (m_trace)
    text += tr("  ·  step %1 / %2")
                .arg(m_cursorStep < 0 ? m_trace->lastStep() : m_cursorStep)
                .arg(m_trace->lastStep());
  return text;
}

OverlayScene LandscapeView::scene() const {
  OverlayScene s;
  s.view = m_view;
  s.energy = m_energyRange;
  s.density = m_landscape && !m_landscape->logDensity.empty();
  s.data = m_landscape && !m_landscape->data.empty();
  s.chains = isPlaneTrace(m_trace.get());
  s.path = m_path.size() >= 4;
  s.pathXY = m_path;
  s.caption = caption();
  if (m_landscape && m_landscape->level >= 0)
    s.energyTitle = tr("−f(y, %1) · low = likely").arg(m_landscape->level);
  if (s.chains)
    s.outside = chainsOutside(*m_trace, snapshotAt(*m_trace, m_cursorStep), m_view);
  s.legend = m_legend;
  s.focused = hasFocus();
  return s;
}

QFont LandscapeView::overlayFont() const {
  // Large enough for a projector in a large dock, never below the application's font.
  QFont f = font();
  const int scaled = std::clamp(std::min(width(), height()) / 34, 12, 22);
  f.setPixelSize(std::max(QFontInfo(f).pixelSize(), scaled));
  return f;
}

QRect LandscapeView::buttonsRect() const {
  return m_fitButton->geometry().united(m_legendButton->geometry()).united(
      m_toolsButton->geometry());
}

QRect LandscapeView::plotRect() const {
  return layoutOverlay(size(), overlayFont(), scene(), buttonsRect()).plot;
}

void LandscapeView::drawOverlay() {
  const OverlayScene s = scene();
  const QFont font = overlayFont();
  const OverlayLayout layout = layoutOverlay(size(), font, s, buttonsRect());
  std::vector<float> chains;
  if (s.chains)
    chains = m_trace->snapshots[snapshotAt(*m_trace, m_cursorStep)].state;
  // Paint into the widget's framebuffer itself: a QPainter on `this` is redirected while the
  // window is grabbed, and the grab would cover the overlay with the bare framebuffer.
  const qreal dpr = devicePixelRatioF();
  QOpenGLPaintDevice device(QSize(int(std::lround(width() * dpr)),
                                  int(std::lround(height() * dpr))));
  device.setDevicePixelRatio(dpr);
  QPainter p(&device);
  p.setFont(font);
  paintOverlay(p, layout, s, palette(), chains);
  paintLevelMarks(p);
  ToolScene tools;
  tools.view = m_view;
  tools.trace = s.chains ? m_trace.get() : nullptr;
  tools.landscape = m_landscape.get();
  tools.cursorStep = m_cursorStep;
  if (!layout.legendOver && layout.legendWrap == 0 && !layout.legend.isEmpty())
    tools.aside = QRect(QPoint(layout.legend.left(), layout.legend.bottom() + 12),
                        QPoint(width() - 4, layout.plot.bottom()));
  m_tools->paint(p, layout.plot, tools, font);
}

} // namespace ebm::ui
