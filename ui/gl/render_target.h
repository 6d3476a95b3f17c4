// RenderTarget: an offscreen framebuffer with an RGBA8 colour texture, for a front end that shows
// a rendered view as an image (the viewer's ImGui::Image of the landscape). Needs a current GL
// 3.3 core context for its whole life.
#pragma once

namespace ebm::gl {

class RenderTarget {
public:
  RenderTarget() = default;
  ~RenderTarget();
  RenderTarget(const RenderTarget&) = delete;
  RenderTarget& operator=(const RenderTarget&) = delete;

  /// Makes the target w x h device pixels (at least 1 x 1); a same size keeps the contents.
  void resize(int w, int h);
  /// Draws go to the target (viewport set to all of it) until unbind().
  void bind();
  /// Back to the framebuffer and viewport that were bound before bind().
  void unbind();
  unsigned texture() const { return m_texture; }
  int width() const { return m_w; }
  int height() const { return m_h; }

private:
  unsigned m_fbo = 0, m_texture = 0;
  int m_w = 0, m_h = 0;
  int m_previousFbo = 0;
  int m_previousViewport[4] = {0, 0, 0, 0};
};

} // namespace ebm::gl
