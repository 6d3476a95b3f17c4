// GlProgram over libepoxy.
#include "gl_program.h"

#include "shader_sources.h"

#include <epoxy/gl.h>

namespace ebm::gl {
namespace {

std::string shaderLog(GLuint shader) {
  GLint length = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
  std::string log(size_t(std::max(length, 1)), '\0');
  glGetShaderInfoLog(shader, length, nullptr, log.data());
  return log.c_str();
}

std::string programLog(GLuint program) {
  GLint length = 0;
  glGetProgramiv(program, GL_INFO_LOG_LENGTH, &length);
  std::string log(size_t(std::max(length, 1)), '\0');
  glGetProgramInfoLog(program, length, nullptr, log.data());
  return log.c_str();
}

/// A compiled shader of shaders/<name>, or 0 with `error` filled.
GLuint compileShader(GLenum type, const char* name, std::string& error) {
  const char* text = shaderSource(name);
  if (!text) {
    error += std::string(name) + ": no such shader\n";
    return 0;
  }
  const GLuint shader = glCreateShader(type);
  glShaderSource(shader, 1, &text, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    error += std::string(name) + ": " + shaderLog(shader) + "\n";
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

} // namespace

GlProgram::GlProgram(const char* vertex, const char* fragment) {
  const GLuint vs = compileShader(GL_VERTEX_SHADER, vertex, m_error);
  const GLuint fs = compileShader(GL_FRAGMENT_SHADER, fragment, m_error);
  if (vs && fs) {
    const GLuint program = glCreateProgram();
    glAttachShader(program, vs);
    glAttachShader(program, fs);
    glLinkProgram(program);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (ok)
      m_id = program;
    else {
      m_error += std::string(vertex) + "/" + fragment + ": " + programLog(program) + "\n";
      glDeleteProgram(program);
    }
  }
  if (vs)
    glDeleteShader(vs);
  if (fs)
    glDeleteShader(fs);
}

GlProgram::~GlProgram() {
  if (m_id)
    glDeleteProgram(m_id);
}

void GlProgram::use() const { glUseProgram(m_id); }

void GlProgram::set(const char* name, int v) const {
  glUniform1i(glGetUniformLocation(m_id, name), v);
}

void GlProgram::set(const char* name, float v) const {
  glUniform1f(glGetUniformLocation(m_id, name), v);
}

void GlProgram::set(const char* name, float x, float y) const {
  glUniform2f(glGetUniformLocation(m_id, name), x, y);
}

void GlProgram::set(const char* name, float x, float y, float z, float w) const {
  glUniform4f(glGetUniformLocation(m_id, name), x, y, z, w);
}

} // namespace ebm::gl
