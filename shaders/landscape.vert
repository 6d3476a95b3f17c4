#version 330 core
// Full quad over the landscape's data rectangle; uv addresses the energy grid.
layout(location = 0) in vec2 aPos;  // data coordinates
layout(location = 1) in vec2 aUv;
uniform vec4 uXform;  // ndc = aPos * uXform.xy + uXform.zw
out vec2 vUv;
void main() {
  vUv = aUv;
  gl_Position = vec4(aPos * uXform.xy + uXform.zw, 0.0, 1.0);
}
