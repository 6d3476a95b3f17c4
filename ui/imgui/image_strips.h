// The centre view for image models: the shown chains' snapshots as strips (chains in rows,
// snapshots up to the step cursor in columns; one column per noise level for a chain that walks
// down levels), the data chain above and the latent chain's decoded states below, each with its
// step labels. Each strip is one texture (ui/gl's ImageTexture of ui/common's strip atlas).
// Clicking a column moves the step cursor. GUI thread; ImGui over the window's GL context.
#pragma once

#include "image_texture.h"

#include <imgui.h>

#include <memory>
#include <string>

namespace ebm {
struct Trace;
}

namespace ebm::viewer {

class ViewerSession;

class ImageStrips {
public:
  /// Draws the strips in a `size` box at the cursor position.
  void draw(ViewerSession& session, ImVec2 size);

private:
  struct Strip {
    gl::ImageTexture texture;
    std::shared_ptr<const Trace> trace;
    int cursor = -2, maxColumns = 0, maxRows = 0, rows = 1;
    std::vector<int> columns;
  };
  void drawStrip(ViewerSession& s, Strip& strip, const std::shared_ptr<const Trace>& trace,
                 const std::string& title, bool decoded, ImVec2 size);

  Strip m_data, m_latent;
};

} // namespace ebm::viewer
