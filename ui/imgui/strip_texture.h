// StripTexture: one RGBA texture holding an image strip's atlas (ui/common's stripAtlas),
// re-uploaded only when the atlas changes. Needs the window's current GL context; the GL type
// stays out of the header. GUI thread.
#pragma once

#include <cstdint>
#include <vector>

namespace ebm::viewer {

class StripTexture {
public:
  StripTexture() = default;
  ~StripTexture();
  StripTexture(const StripTexture&) = delete;
  StripTexture& operator=(const StripTexture&) = delete;

  void upload(const std::vector<uint8_t>& rgba, int width, int height);
  unsigned id() const { return m_id; }
  int width() const { return m_width; }
  int height() const { return m_height; }

private:
  unsigned m_id = 0;
  int m_width = 0, m_height = 0;
};

} // namespace ebm::viewer
