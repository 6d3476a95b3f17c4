// Reads the window's default framebuffer back (glReadPixels) and writes it as a PNG with core's
// writer (core/api/image_io.h): what `ebm-viewer --screenshot` saves. Needs the window's current
// GL context, after the frame is drawn and before it is swapped. GUI thread.
#pragma once

#include <string>

namespace ebm::viewer {

/// Writes the width x height back buffer to `path`; returns "" or the error message.
std::string captureFramebuffer(int width, int height, const std::string& path);

} // namespace ebm::viewer
