// LandscapeRenderer: draws the 2-D energy landscape as a viridis heatmap with the true density's
// contour lines (shaders/landscape.*), and over it the held-out data as dots and the chains as
// particles with fading tails up to a step, start rings and current discs (shaders/particles.*).
// One renderer for every front end: the Qt app's QOpenGLWidget and the GLFW viewer call it in
// their own GL 3.3 core context, which must be current for the renderer's whole life (create it
// after the context, destroy it before). Axes, legends and captions are the front end's.
#pragma once

#include "landscape_frame.h"
#include "session.h"

#include <memory>
#include <string>

namespace ebm::gl {

class GlProgram;

class LandscapeRenderer {
public:
  LandscapeRenderer();
  ~LandscapeRenderer();
  LandscapeRenderer(const LandscapeRenderer&) = delete;
  LandscapeRenderer& operator=(const LandscapeRenderer&) = delete;

  /// Empty when the shaders built; otherwise their compile or link log (nothing is drawn then).
  const std::string& error() const { return m_error; }

  /// The landscape drawn from now on (uploaded at the next draw).
  void setLandscape(std::shared_ptr<const Landscape> landscape);

  struct Scene {
    ui::PlaneRect view{-1.5, 1.5, -1.5, 1.5};  // the square of the plane shown
    ui::EnergyRange range{0, 1};                // the energies the colours span
    std::shared_ptr<const Trace> trace;         // chains to draw when its states are 2-D
    int cursorStep = -1;                        // draw the chains up to this step (-1: last)
    float pixelRatio = 1;                       // device pixels per logical pixel (mark sizes)
  };
  /// Draws into the viewport rectangle (x, y, w, h) of the bound framebuffer, in device pixels
  /// with GL's origin at the bottom left; the rest of the framebuffer is left as it is.
  void draw(const Scene& scene, int x, int y, int w, int h);

  /// Clears the whole bound framebuffer to a colour (a front end's background).
  static void clear(float r, float g, float b);

private:
  void upload();
  void drawHeatmap(const Scene& scene, const float xf[4]);
  void drawParticles(const Scene& scene, const float xf[4]);

  std::string m_error;
  std::unique_ptr<GlProgram> m_heat, m_points;
  unsigned m_quadVao = 0, m_quadVbo = 0, m_pointVao = 0, m_pointVbo = 0;
  unsigned m_energyTex = 0, m_densityTex = 0;
  std::shared_ptr<const Landscape> m_landscape;
  bool m_dirty = false;
  float m_densityTop = 0, m_contourStep = 1;
};

} // namespace ebm::gl
