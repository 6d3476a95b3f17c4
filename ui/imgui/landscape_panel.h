// The centre view for 2-D models: ui/gl's LandscapeRenderer draws the energy heatmap, the true
// density's contours, the data and the chains up to the step cursor into a RenderTarget, which
// ImGui shows as an image; the axes, the colour bar and the count of chains outside the view are
// drawn here with ImGui's draw lists. The view fits the data and the chains (ui/common's
// LandscapeFrame) and the landscape requests follow it. For models with noise levels a bar
// chooses the level whose energy is shown, or follows the ladder chain's level at the cursor. Create and destroy it with the window's
// GL context current. GUI thread.
#pragma once

#include "landscape_frame.h"
#include "landscape_renderer.h"
#include "render_target.h"

#include <imgui.h>

#include <memory>

namespace ebm::viewer {

class ViewerSession;

class LandscapePanel {
public:
  /// Draws the landscape in a `size` box at the cursor position.
  void draw(ViewerSession& session, ImVec2 size);
  /// The level shown follows the ladder chain's at the step cursor again (a lesson's "levels").
  void followLevel() { m_follow = true; }

private:
  void fit(ViewerSession& s);
  void drawLevelBar(ViewerSession& s);
  void drawAxes(ImVec2 p0, ImVec2 p1) const;
  void drawColourBar(ImVec2 p0, ImVec2 p1) const;

  gl::LandscapeRenderer m_renderer;
  gl::RenderTarget m_target;
  std::shared_ptr<const Landscape> m_landscape;
  std::shared_ptr<const Trace> m_fittedTo;
  ui::PlaneRect m_view{-1.5, 1.5, -1.5, 1.5};
  ui::EnergyRange m_range{0, 1};
  bool m_hasRange = false;
  bool m_fitted = false;  // the view was fitted to the data (not the default square)
  int m_level = 0;        // the noise level shown, for models with levels (0: the data's)
  bool m_follow = true;   // the level follows the ladder chain's at the step cursor
};

} // namespace ebm::viewer
