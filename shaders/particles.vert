#version 330 core
// Chain positions and tail segments in data coordinates.
layout(location = 0) in vec2 aPos;
layout(location = 1) in vec4 aColor;
uniform vec4 uXform;
uniform float uPointSize;
out vec4 vColor;
void main() {
  vColor = aColor;
  gl_PointSize = uPointSize;
  gl_Position = vec4(aPos * uXform.xy + uXform.zw, 0.0, 1.0);
}
