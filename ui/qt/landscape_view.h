// LandscapeView: the 2-D energy-landscape lab. An OpenGL view (GLSL in shaders/) of E(x) as
// a viridis heatmap with the true density's contour lines, and the x-chains drawn as moving
// particles with fading tails up to the shared step cursor; generator starts are rings,
// current positions discs. GL resources are created in initializeGL and released when the
// context is about to be destroyed; shader build errors are shown in the view. GUI thread only.
#pragma once

#include "session.h"

#include <QOpenGLBuffer>
#include <QOpenGLFunctions_3_3_Core>
#include <QOpenGLShaderProgram>
#include <QOpenGLTexture>
#include <QOpenGLVertexArrayObject>
#include <QOpenGLWidget>

#include <memory>

namespace ebm::ui {

class LandscapeView : public QOpenGLWidget, protected QOpenGLFunctions_3_3_Core {
  Q_OBJECT
public:
  explicit LandscapeView(QWidget* parent = nullptr);
  ~LandscapeView() override;

  void setLandscape(std::shared_ptr<const Landscape> landscape);
  void setTrace(std::shared_ptr<const Trace> trace);
  void setCursorStep(int step);  // -1: the latest step
  /// A polyline in data space drawn over the landscape (e.g. an interpolation path).
  void setPath(std::vector<float> xy);
  /// Empty when the shaders built; otherwise their compile/link log.
  QString glError() const { return m_glError; }
  int landscapeIteration() const { return m_landscape ? int(m_landscape->iteration) : -1; }

  QSize sizeHint() const override { return {420, 420}; }

protected:
  void initializeGL() override;
  void resizeGL(int w, int h) override;
  void paintGL() override;

private:
  void releaseGl();
  void uploadLandscape();
  void drawHeatmap(const QVector4D& xf);
  void drawParticles(const QVector4D& xf);
  void drawCaption();
  QVector4D transform() const;
  QPointF toWidget(float x, float y) const;

  std::shared_ptr<const Landscape> m_landscape;
  std::shared_ptr<const Trace> m_trace;
  std::vector<float> m_path;
  int m_cursorStep = -1;
  bool m_landscapeDirty = false;
  float m_eLo = 0, m_eHi = 1, m_dTop = 0, m_dStep = 1;
  double m_lo = -1.5, m_hi = 1.5;

  bool m_glReady = false;
  QString m_glError;
  QOpenGLShaderProgram* m_heatProgram = nullptr;
  QOpenGLShaderProgram* m_pointProgram = nullptr;
  QOpenGLVertexArrayObject m_quadVao, m_pointVao;
  QOpenGLBuffer m_quadVbo{QOpenGLBuffer::VertexBuffer};
  QOpenGLBuffer m_pointVbo{QOpenGLBuffer::VertexBuffer};
  GLuint m_energyTex = 0, m_densityTex = 0;
};

} // namespace ebm::ui
