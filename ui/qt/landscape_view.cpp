// LandscapeView's state and drawing: what it is shown, the view it fits, the GL heatmap and
// particles, and the overlay painted over them. Input (keys, mouse, menu) is in
// landscape_view_input.cpp.
#include "landscape_view.h"

#include "landscape_overlay.h"
#include "landscape_tools.h"

#include <QFile>
#include <QFontInfo>
#include <QOpenGLContext>
#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

namespace lc = landscape_colors;

struct Vertex {
  float x, y, r, g, b, a;
};

Vertex vertexOf(float x, float y, const QColor& c, float alpha) {
  return {x, y, float(c.redF()), float(c.greenF()), float(c.blueF()), alpha};
}

QString readShader(const QString& name) {
  QFile f(":/shaders/" + name);
  if (!f.open(QIODevice::ReadOnly))
    return {};
  return QString::fromUtf8(f.readAll());
}

// Percentile of a copy of the values (the top contour sits just under the density's peak).
float densityPercentile(std::vector<float> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](float x) { return !std::isfinite(x); }), v.end());
  if (v.empty())
    return 0;
  const size_t k = std::min(v.size() - 1, size_t(q * (v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

/// What the point shader draws: data dots, tails (segments between consecutive snapshots up to
/// the cursor, older = fainter), start rings and current discs. (A path is the overlay's.)
struct Particles {
  std::vector<Vertex> data, tails, starts, current;
};

void addChains(Particles& out, const Trace& trace, int last) {
  constexpr int kTail = 24;
  const auto& snaps = trace.snapshots;
  const int first = std::max(0, last - kTail);
  for (int i = first + 1; i <= last; ++i) {
    const float a = 0.85f * (1.0f - float(last - i) / kTail);
    for (int c = 0; c < trace.chains; ++c) {
      const float* p0 = snaps[i - 1].state.data() + 2 * c;
      const float* p1 = snaps[i].state.data() + 2 * c;
      out.tails.push_back(vertexOf(p0[0], p0[1], lc::kTail, a * 0.6f));
      out.tails.push_back(vertexOf(p1[0], p1[1], lc::kTail, a));
    }
  }
  for (int c = 0; c < trace.chains; ++c) {
    const float* s = snaps.front().state.data() + 2 * c;
    out.starts.push_back(vertexOf(s[0], s[1], lc::kStart, 0.9f));
    const float* e = snaps[last].state.data() + 2 * c;
    out.current.push_back(vertexOf(e[0], e[1], lc::kChain, 0.95f));
  }
}

Particles particlesOf(const Landscape* landscape, const Trace* trace, int cursorStep) {
  Particles out;
  if (landscape)
    for (size_t i = 0; i + 1 < landscape->data.size(); i += 2)
      out.data.push_back(vertexOf(landscape->data[i], landscape->data[i + 1], lc::kData, 0.7f));
  if (isPlaneTrace(trace))
    addChains(out, *trace, snapshotAt(*trace, cursorStep));
  return out;
}

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
  makeCurrent();
  releaseGl();
  doneCurrent();
}

void LandscapeView::setLandscape(std::shared_ptr<const Landscape> landscape) {
  if (landscape == m_landscape)
    return;
  m_landscape = std::move(landscape);
  m_dataRange = m_landscape ? boundsOf(m_landscape->data) : std::nullopt;
  if (m_landscape && !m_landscape->logDensity.empty()) {
    m_dTop = densityPercentile(m_landscape->logDensity, 0.999);
    m_dStep = 1.0f;
  }
  m_landscapeDirty = true;
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
  if (!initializeOpenGLFunctions()) {
    m_glError = tr("OpenGL 3.3 core is not available: the landscape cannot be drawn.");
    return;
  }
  auto build = [this](QOpenGLShaderProgram*& p, const char* vs, const char* fs) {
    p = new QOpenGLShaderProgram(this);
    const bool ok = p->addShaderFromSourceCode(QOpenGLShader::Vertex, readShader(vs)) &&
                    p->addShaderFromSourceCode(QOpenGLShader::Fragment, readShader(fs)) &&
                    p->link();
    if (!ok)
      m_glError += QString("%1/%2: %3\n").arg(vs, fs, p->log());
    return ok;
  };
  const bool ok = build(m_heatProgram, "landscape.vert", "landscape.frag") &
                  build(m_pointProgram, "particles.vert", "particles.frag");
  if (!ok)
    return;
  m_quadVao.create();
  m_quadVbo.create();
  m_pointVao.create();
  m_pointVbo.create();
  m_pointVbo.setUsagePattern(QOpenGLBuffer::DynamicDraw);
  glGenTextures(1, &m_energyTex);
  glGenTextures(1, &m_densityTex);
  for (GLuint tex : {m_energyTex, m_densityTex}) {
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  }
  m_glReady = true;
  m_landscapeDirty = true;
}

void LandscapeView::releaseGl() {
  if (!m_glReady)
    return;
  m_glReady = false;
  glDeleteTextures(1, &m_energyTex);
  glDeleteTextures(1, &m_densityTex);
  m_quadVao.destroy();
  m_quadVbo.destroy();
  m_pointVao.destroy();
  m_pointVbo.destroy();
  delete m_heatProgram;
  delete m_pointProgram;
  m_heatProgram = m_pointProgram = nullptr;
}

QVector4D LandscapeView::transform() const {
  // Data to the plot's viewport: ndc = (x - centre) / half.
  const double half = 0.5 * std::max(1e-12, m_view.width());
  return QVector4D(float(1 / half), float(1 / half), float(-m_view.centreX() / half),
                   float(-m_view.centreY() / half));
}

void LandscapeView::uploadLandscape() {
  m_landscapeDirty = false;
  if (!m_landscape || m_landscape->res < 2)
    return;
  const int n = m_landscape->res;
  // Row 0 of the grid is the top (y = hi); textures start at the bottom, so v = 1 - row.
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glBindTexture(GL_TEXTURE_2D, m_energyTex);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, n, n, 0, GL_RED, GL_FLOAT,
               m_landscape->energy.data());
  if (static_cast<int>(m_landscape->logDensity.size()) == n * n) {
    // log 0 = -inf would turn the texture's interpolation into NaN: store it as a value below
    // the lowest contour instead.
    std::vector<float> density = m_landscape->logDensity;
    for (float& d : density)
      if (!std::isfinite(d))
        d = m_dTop - 8 * m_dStep;
    glBindTexture(GL_TEXTURE_2D, m_densityTex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, n, n, 0, GL_RED, GL_FLOAT, density.data());
  }
  const float lo = float(m_landscape->lo), hi = float(m_landscape->hi);
  const float quad[] = {lo, lo, 0, 1, hi, lo, 1, 1, lo, hi, 0, 0, hi, hi, 1, 0};
  m_quadVao.bind();
  m_quadVbo.bind();
  m_quadVbo.allocate(quad, sizeof(quad));
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 4 * sizeof(float), nullptr);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 4 * sizeof(float),
                        reinterpret_cast<void*>(2 * sizeof(float)));
  m_quadVao.release();
}

void LandscapeView::paintGL() {
  const QColor bg = palette().color(QPalette::Window);
  if (!m_glReady) {
    QPainter p(this);
    p.fillRect(rect(), bg);
    p.setPen(Qt::red);
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::TextWordWrap,
               m_glError.isEmpty() ? tr("OpenGL is not ready") : m_glError);
    return;
  }
  glClearColor(bg.redF(), bg.greenF(), bg.blueF(), 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (m_landscapeDirty)
    uploadLandscape();
  // The plot's square in device pixels, GL's origin at the bottom left.
  const QRect plot = plotRect();
  const qreal dpr = devicePixelRatioF();
  const GLint vx = GLint(std::lround(plot.left() * dpr));
  const GLint vy = GLint(std::lround((height() - plot.top() - plot.height()) * dpr));
  const GLsizei side = GLsizei(std::lround(plot.width() * dpr));
  glViewport(vx, vy, side, side);
  glEnable(GL_SCISSOR_TEST);
  glScissor(vx, vy, side, side);
  glClearColor(0.16f, 0.16f, 0.18f, 1.0f);  // where no landscape has been evaluated yet
  glClear(GL_COLOR_BUFFER_BIT);
  const QVector4D xf = transform();
  drawHeatmap(xf);
  drawParticles(xf);
  glDisable(GL_SCISSOR_TEST);
  glViewport(0, 0, GLsizei(std::lround(width() * dpr)), GLsizei(std::lround(height() * dpr)));
  drawOverlay();
}

void LandscapeView::drawHeatmap(const QVector4D& xf) {
  if (!m_landscape || m_landscape->res < 2)
    return;
  const EnergyRange range = m_energyRange.value_or(EnergyRange{0, 1});
  m_heatProgram->bind();
  m_heatProgram->setUniformValue("uXform", xf);
  m_heatProgram->setUniformValue("uEnergyRange", QVector2D(range.lo, range.hi));
  m_heatProgram->setUniformValue("uHasDensity", m_landscape->logDensity.empty() ? 0 : 1);
  m_heatProgram->setUniformValue("uDensityTop", m_dTop);
  m_heatProgram->setUniformValue("uContourStep", m_dStep);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, m_energyTex);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, m_densityTex);
  glActiveTexture(GL_TEXTURE0);
  m_heatProgram->setUniformValue("uEnergy", 0);
  m_heatProgram->setUniformValue("uDensity", 1);
  m_quadVao.bind();
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  m_quadVao.release();
  m_heatProgram->release();
}

void LandscapeView::drawParticles(const QVector4D& xf) {
  const Particles parts = particlesOf(m_landscape.get(), m_trace.get(), m_cursorStep);
  glEnable(GL_BLEND);
  // The framebuffer's alpha stays 1: the window composes it as premultiplied, and a lower alpha
  // under a light mark would overflow into false colours (magenta rings, navy dots).
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glEnable(GL_PROGRAM_POINT_SIZE);
  m_pointProgram->bind();
  m_pointProgram->setUniformValue("uXform", xf);
  m_pointVao.bind();
  m_pointVbo.bind();
  auto draw = [&](const std::vector<Vertex>& v, GLenum mode, int shape, float size) {
    if (v.empty())
      return;
    m_pointVbo.allocate(v.data(), int(v.size() * sizeof(Vertex)));
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(Vertex), nullptr);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(Vertex),
                          reinterpret_cast<void*>(2 * sizeof(float)));
    m_pointProgram->setUniformValue("uShape", shape);
    m_pointProgram->setUniformValue("uPointSize", size * float(devicePixelRatioF()));
    glDrawArrays(mode, 0, GLsizei(v.size()));
  };
  draw(parts.data, GL_POINTS, 3, 5);
  draw(parts.tails, GL_LINES, 0, 1);
  draw(parts.starts, GL_POINTS, 2, 9);
  draw(parts.current, GL_POINTS, 1, 7);
  m_pointVao.release();
  m_pointProgram->release();
  glDisable(GL_BLEND);
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
