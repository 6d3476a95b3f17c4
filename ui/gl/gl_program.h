// GlProgram: a GLSL program built from two of shaders/' files, with the uniform setters the
// renderers use. Needs a current GL 3.3 core context for its whole life. Internal to ui/gl.
#pragma once

#include <string>

namespace ebm::gl {

class GlProgram {
public:
  /// Compiles and links shaders/<vertex> and shaders/<fragment>; error() says why when not.
  GlProgram(const char* vertex, const char* fragment);
  ~GlProgram();
  GlProgram(const GlProgram&) = delete;
  GlProgram& operator=(const GlProgram&) = delete;

  bool ok() const { return m_id != 0; }
  const std::string& error() const { return m_error; }
  void use() const;
  void set(const char* name, int v) const;
  void set(const char* name, float v) const;
  void set(const char* name, float x, float y) const;
  void set(const char* name, float x, float y, float z, float w) const;

private:
  unsigned m_id = 0;
  std::string m_error;
};

} // namespace ebm::gl
