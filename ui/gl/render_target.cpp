// RenderTarget over libepoxy.
#include "render_target.h"

#include <epoxy/gl.h>

#include <algorithm>

namespace ebm::gl {

RenderTarget::~RenderTarget() {
  if (m_fbo)
    glDeleteFramebuffers(1, &m_fbo);
  if (m_texture)
    glDeleteTextures(1, &m_texture);
}

void RenderTarget::resize(int w, int h) {
  w = std::max(1, w);
  h = std::max(1, h);
  if (m_fbo && w == m_w && h == m_h)
    return;
  if (!m_fbo) {
    glGenFramebuffers(1, &m_fbo);
    glGenTextures(1, &m_texture);
  }
  m_w = w;
  m_h = h;
  GLint boundTexture = 0, boundFbo = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &boundTexture);
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &boundFbo);
  glBindTexture(GL_TEXTURE_2D, m_texture);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glBindFramebuffer(GL_FRAMEBUFFER, m_fbo);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, m_texture, 0);
  glBindFramebuffer(GL_FRAMEBUFFER, GLuint(boundFbo));
  glBindTexture(GL_TEXTURE_2D, GLuint(boundTexture));
}

void RenderTarget::bind() {
  resize(m_w, m_h);
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &m_previousFbo);
  glGetIntegerv(GL_VIEWPORT, m_previousViewport);
  glBindFramebuffer(GL_FRAMEBUFFER, m_fbo);
  glViewport(0, 0, m_w, m_h);
}

void RenderTarget::unbind() {
  glBindFramebuffer(GL_FRAMEBUFFER, GLuint(m_previousFbo));
  glViewport(m_previousViewport[0], m_previousViewport[1], m_previousViewport[2],
             m_previousViewport[3]);
}

} // namespace ebm::gl
