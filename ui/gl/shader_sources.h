// The GLSL of shaders/, compiled into ebm_gl (ui/gl/CMakeLists.txt generates the definitions).
#pragma once

namespace ebm::gl {

/// The source of shaders/<name> (e.g. "landscape.frag"); nullptr for an unknown name.
const char* shaderSource(const char* name);

} // namespace ebm::gl
