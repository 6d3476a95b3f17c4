// LandscapeRenderer over libepoxy: GL state it changes (program, VAO, blending, scissor,
// viewport) is put back to the defaults a toolkit's painter expects before draw() returns.
#include "landscape_renderer.h"

#include "gl_program.h"
#include "landscape_palette.h"

#include <epoxy/gl.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ebm::gl {
namespace {

namespace pal = ui::landscape_palette;

struct Vertex {
  float x, y, r, g, b, a;
};

Vertex vertexOf(float x, float y, pal::Rgb c, float alpha) {
  return {x, y, c.rf(), c.gf(), c.bf(), alpha};
}

// Percentile of a copy of the values (the top contour sits just under the density's peak).
float finitePercentile(std::vector<float> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](float x) { return !std::isfinite(x); }), v.end());
  if (v.empty())
    return 0;
  const size_t k = std::min(v.size() - 1, size_t(q * double(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + long(k), v.end());
  return v[k];
}

/// What the point shader draws: data dots, tails (segments between consecutive snapshots up to
/// the cursor, older = fainter), start rings and current discs.
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
      const float* p0 = snaps[size_t(i - 1)].state.data() + 2 * c;
      const float* p1 = snaps[size_t(i)].state.data() + 2 * c;
      out.tails.push_back(vertexOf(p0[0], p0[1], pal::kTail, a * 0.6f));
      out.tails.push_back(vertexOf(p1[0], p1[1], pal::kTail, a));
    }
  }
  for (int c = 0; c < trace.chains; ++c) {
    const float* s = snaps.front().state.data() + 2 * c;
    out.starts.push_back(vertexOf(s[0], s[1], pal::kStart, 0.9f));
    const float* e = snaps[size_t(last)].state.data() + 2 * c;
    out.current.push_back(vertexOf(e[0], e[1], pal::kChain, 0.95f));
  }
}

Particles particlesOf(const Landscape* landscape, const Trace* trace, int cursorStep) {
  Particles out;
  if (landscape)
    for (size_t i = 0; i + 1 < landscape->data.size(); i += 2)
      out.data.push_back(vertexOf(landscape->data[i], landscape->data[i + 1], pal::kData, 0.7f));
  if (ui::isPlaneTrace(trace))
    addChains(out, *trace, ui::snapshotAt(*trace, cursorStep));
  return out;
}

void setVertexLayout(GLsizei stride, GLint colorSize) {
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, nullptr);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, colorSize, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<void*>(2 * sizeof(float)));
}

GLuint newGridTexture() {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glBindTexture(GL_TEXTURE_2D, 0);
  return tex;
}

} // namespace

LandscapeRenderer::LandscapeRenderer()
    : m_heat(std::make_unique<GlProgram>("landscape.vert", "landscape.frag")),
      m_points(std::make_unique<GlProgram>("particles.vert", "particles.frag")) {
  m_error = m_heat->error() + m_points->error();
  if (!m_error.empty())
    return;
  glGenVertexArrays(1, &m_quadVao);
  glGenVertexArrays(1, &m_pointVao);
  glGenBuffers(1, &m_quadVbo);
  glGenBuffers(1, &m_pointVbo);
  m_energyTex = newGridTexture();
  m_densityTex = newGridTexture();
}

LandscapeRenderer::~LandscapeRenderer() {
  if (!m_error.empty())
    return;
  glDeleteTextures(1, &m_energyTex);
  glDeleteTextures(1, &m_densityTex);
  glDeleteBuffers(1, &m_quadVbo);
  glDeleteBuffers(1, &m_pointVbo);
  glDeleteVertexArrays(1, &m_quadVao);
  glDeleteVertexArrays(1, &m_pointVao);
}

void LandscapeRenderer::setLandscape(std::shared_ptr<const Landscape> landscape) {
  if (landscape == m_landscape)
    return;
  m_landscape = std::move(landscape);
  if (m_landscape && !m_landscape->logDensity.empty()) {
    m_densityTop = finitePercentile(m_landscape->logDensity, 0.999);
    m_contourStep = 1.0f;
  }
  m_dirty = true;
}

void LandscapeRenderer::clear(float r, float g, float b) {
  glClearColor(r, g, b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
}

void LandscapeRenderer::upload() {
  m_dirty = false;
  if (!m_landscape || m_landscape->res < 2)
    return;
  const int n = m_landscape->res;
  // Row 0 of the grid is the top (y = hi); textures start at the bottom, so v = 1 - row.
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glBindTexture(GL_TEXTURE_2D, m_energyTex);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, n, n, 0, GL_RED, GL_FLOAT, m_landscape->energy.data());
  if (static_cast<int>(m_landscape->logDensity.size()) == n * n) {
    // log 0 = -inf would turn the texture's interpolation into NaN: store it as a value below
    // the lowest contour instead.
    std::vector<float> density = m_landscape->logDensity;
    for (float& d : density)
      if (!std::isfinite(d))
        d = m_densityTop - 8 * m_contourStep;
    glBindTexture(GL_TEXTURE_2D, m_densityTex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, n, n, 0, GL_RED, GL_FLOAT, density.data());
  }
  glBindTexture(GL_TEXTURE_2D, 0);
  const float lo = float(m_landscape->lo), hi = float(m_landscape->hi);
  const float quad[] = {lo, lo, 0, 1, hi, lo, 1, 1, lo, hi, 0, 0, hi, hi, 1, 0};
  glBindVertexArray(m_quadVao);
  glBindBuffer(GL_ARRAY_BUFFER, m_quadVbo);
  glBufferData(GL_ARRAY_BUFFER, sizeof(quad), quad, GL_STATIC_DRAW);
  setVertexLayout(4 * sizeof(float), 2);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void LandscapeRenderer::draw(const Scene& scene, int x, int y, int w, int h) {
  if (!m_error.empty() || w <= 0 || h <= 0)
    return;
  if (m_dirty)
    upload();
  GLint viewport[4];
  glGetIntegerv(GL_VIEWPORT, viewport);
  glViewport(x, y, w, h);
  glEnable(GL_SCISSOR_TEST);
  glScissor(x, y, w, h);
  clear(pal::kUncovered.rf(), pal::kUncovered.gf(), pal::kUncovered.bf());
  // Data to the viewport: ndc = (p - centre) / half, per axis.
  const double halfX = 0.5 * std::max(1e-12, scene.view.width());
  const double halfY = 0.5 * std::max(1e-12, scene.view.height());
  const float xf[4] = {float(1 / halfX), float(1 / halfY), float(-scene.view.centreX() / halfX),
                       float(-scene.view.centreY() / halfY)};
  drawHeatmap(scene, xf);
  drawParticles(scene, xf);
  glDisable(GL_SCISSOR_TEST);
  glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
  glUseProgram(0);
  glBindVertexArray(0);
}

void LandscapeRenderer::drawHeatmap(const Scene& scene, const float xf[4]) {
  if (!m_landscape || m_landscape->res < 2)
    return;
  m_heat->use();
  m_heat->set("uXform", xf[0], xf[1], xf[2], xf[3]);
  m_heat->set("uEnergyRange", float(scene.range.lo), float(scene.range.hi));
  m_heat->set("uHasDensity", m_landscape->logDensity.empty() ? 0 : 1);
  m_heat->set("uDensityTop", m_densityTop);
  m_heat->set("uContourStep", m_contourStep);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, m_densityTex);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, m_energyTex);
  m_heat->set("uEnergy", 0);
  m_heat->set("uDensity", 1);
  glBindVertexArray(m_quadVao);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindTexture(GL_TEXTURE_2D, 0);
}

void LandscapeRenderer::drawParticles(const Scene& scene, const float xf[4]) {
  const Particles parts = particlesOf(m_landscape.get(), scene.trace.get(), scene.cursorStep);
  glEnable(GL_BLEND);
  // The framebuffer's alpha stays 1: a window composes it as premultiplied, and a lower alpha
  // under a light mark would overflow into false colours (magenta rings, navy dots).
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glEnable(GL_PROGRAM_POINT_SIZE);
  m_points->use();
  m_points->set("uXform", xf[0], xf[1], xf[2], xf[3]);
  glBindVertexArray(m_pointVao);
  glBindBuffer(GL_ARRAY_BUFFER, m_pointVbo);
  auto drawMarks = [&](const std::vector<Vertex>& v, GLenum mode, int shape, float size) {
    if (v.empty())
      return;
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(v.size() * sizeof(Vertex)), v.data(),
                 GL_STREAM_DRAW);
    setVertexLayout(sizeof(Vertex), 4);
    m_points->set("uShape", shape);
    m_points->set("uPointSize", size * scene.pixelRatio);
    glDrawArrays(mode, 0, GLsizei(v.size()));
  };
  drawMarks(parts.data, GL_POINTS, 3, 5);
  drawMarks(parts.tails, GL_LINES, 0, 1);
  drawMarks(parts.starts, GL_POINTS, 2, 9);
  drawMarks(parts.current, GL_POINTS, 1, 7);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  glDisable(GL_PROGRAM_POINT_SIZE);
  glDisable(GL_BLEND);
}

} // namespace ebm::gl
