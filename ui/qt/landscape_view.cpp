#include "landscape_view.h"

#include <QFile>
#include <QOpenGLContext>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

struct Vertex {
  float x, y, r, g, b, a;
};

QString readShader(const QString& name) {
  QFile f(":/shaders/" + name);
  if (!f.open(QIODevice::ReadOnly))
    return {};
  return QString::fromUtf8(f.readAll());
}

// Percentile of a copy of the values (robust colour range: a few huge energies at the grid's
// edge must not wash out the rest).
float percentile(std::vector<float> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](float x) { return !std::isfinite(x); }), v.end());
  if (v.empty())
    return 0;
  const size_t k = std::min(v.size() - 1, size_t(q * (v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

/// What the point shader draws: tails (segments between consecutive snapshots up to the cursor,
/// older = fainter), start rings, current discs, and a path over the landscape.
struct Particles {
  std::vector<Vertex> tails, starts, current, path;
};

/// Index of the last snapshot at or before the cursor (the newest one while following).
int lastSnapshotAt(const std::vector<TraceSnapshot>& snaps, int cursorStep) {
  if (cursorStep < 0)
    return static_cast<int>(snaps.size()) - 1;
  int last = 0;
  for (int i = 0; i < static_cast<int>(snaps.size()); ++i)
    if (snaps[i].step <= cursorStep)
      last = i;
  return last;
}

Particles particlesOf(const Trace* trace, int cursorStep, const std::vector<float>& path) {
  constexpr int kTail = 24;
  Particles out;
  if (trace && trace->stateShape.size() == 1 && trace->stateShape[0] == 2 &&
      !trace->snapshots.empty()) {
    const auto& snaps = trace->snapshots;
    const int last = lastSnapshotAt(snaps, cursorStep);
    const int chains = trace->chains;
    const int first = std::max(0, last - kTail);
    for (int i = first + 1; i <= last; ++i) {
      const float age = float(last - i) / kTail;
      const float a = 0.85f * (1.0f - age);
      for (int c = 0; c < chains; ++c) {
        const float* p0 = snaps[i - 1].state.data() + 2 * c;
        const float* p1 = snaps[i].state.data() + 2 * c;
        out.tails.push_back({p0[0], p0[1], 1.0f, 0.35f, 0.2f, a * 0.6f});
        out.tails.push_back({p1[0], p1[1], 1.0f, 0.35f, 0.2f, a});
      }
    }
    for (int c = 0; c < chains; ++c) {
      const float* s = snaps.front().state.data() + 2 * c;
      out.starts.push_back({s[0], s[1], 0.95f, 0.95f, 0.95f, 0.9f});
      const float* e = snaps[last].state.data() + 2 * c;
      out.current.push_back({e[0], e[1], 0.94f, 0.2f, 0.12f, 0.95f});
    }
  }
  for (size_t i = 0; i + 3 < path.size(); i += 2) {
    out.path.push_back({path[i], path[i + 1], 0.1f, 0.9f, 1.0f, 1.0f});
    out.path.push_back({path[i + 2], path[i + 3], 0.1f, 0.9f, 1.0f, 1.0f});
  }
  return out;
}

} // namespace

LandscapeView::LandscapeView(QWidget* parent) : QOpenGLWidget(parent) {
  setMinimumSize(200, 200);
  setToolTip(tr("Energy landscape: yellow = low energy (probable), white lines = contours of "
                "the true density. Rings: generator starts; discs: chains at the cursor step."));
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
  if (m_landscape) {
    m_lo = m_landscape->lo;
    m_hi = m_landscape->hi;
    m_eLo = percentile(m_landscape->energy, 0.01);
    m_eHi = percentile(m_landscape->energy, 0.95);
    if (!m_landscape->logDensity.empty()) {
      m_dTop = percentile(m_landscape->logDensity, 0.999);
      m_dStep = 1.0f;
    }
  }
  m_landscapeDirty = true;
  update();
}

void LandscapeView::setTrace(std::shared_ptr<const Trace> trace) {
  m_trace = std::move(trace);
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

void LandscapeView::resizeGL(int, int) {}

QVector4D LandscapeView::transform() const {
  // Fit the square data rectangle into the viewport, centred, aspect kept.
  const double w = std::max(1, width()), h = std::max(1, height());
  const double side = std::min(w, h) * 0.96;
  const double sx = side / w * 2.0 / (m_hi - m_lo), sy = side / h * 2.0 / (m_hi - m_lo);
  const double c = 0.5 * (m_lo + m_hi);
  return QVector4D(float(sx), float(sy), float(-c * sx), float(-c * sy));
}

QPointF LandscapeView::toWidget(float x, float y) const {
  const auto t = transform();
  const double nx = x * t.x() + t.z(), ny = y * t.y() + t.w();
  return {(nx + 1) * 0.5 * width(), (1 - ny) * 0.5 * height()};
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
    glBindTexture(GL_TEXTURE_2D, m_densityTex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, n, n, 0, GL_RED, GL_FLOAT,
                 m_landscape->logDensity.data());
  }
  const float lo = float(m_lo), hi = float(m_hi);
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
  glClearColor(bg.redF() * 0.9f, bg.greenF() * 0.9f, bg.blueF() * 0.9f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (m_landscapeDirty)
    uploadLandscape();
  const QVector4D xf = transform();
  drawHeatmap(xf);
  drawParticles(xf);
  drawCaption();
}

void LandscapeView::drawHeatmap(const QVector4D& xf) {
  if (!m_landscape || m_landscape->res < 2)
    return;
  m_heatProgram->bind();
  m_heatProgram->setUniformValue("uXform", xf);
  m_heatProgram->setUniformValue("uEnergyRange", QVector2D(m_eLo, m_eHi));
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
  const Particles parts = particlesOf(m_trace.get(), m_cursorStep, m_path);
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
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
  draw(parts.tails, GL_LINES, 0, 1);
  draw(parts.path, GL_LINES, 0, 1);
  draw(parts.starts, GL_POINTS, 2, 9);
  draw(parts.current, GL_POINTS, 1, 7);
  m_pointVao.release();
  m_pointProgram->release();
  glDisable(GL_BLEND);
}

void LandscapeView::drawCaption() {
  QPainter p(this);
  p.setPen(Qt::white);
  QString caption;
  if (!m_landscape)
    caption = tr("landscape: waiting for the model");
  else
    caption = tr("E(x) at iteration %1").arg(m_landscape->iteration);
  if (m_trace)
    caption += tr("   step %1 / %2").arg(m_cursorStep < 0 ? m_trace->lastStep() : m_cursorStep)
                   .arg(m_trace->lastStep());
  p.drawText(rect().adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignLeft, caption);
}

} // namespace ebm::ui
