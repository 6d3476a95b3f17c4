#version 330 core
// uShape: 0 = line segment, 1 = filled disc, 2 = ring (generator starts).
in vec4 vColor;
out vec4 fragColor;
uniform int uShape;
void main() {
  if (uShape == 0) {
    fragColor = vColor;
    return;
  }
  vec2 p = gl_PointCoord * 2.0 - 1.0;
  float r = length(p);
  if (r > 1.0)
    discard;
  if (uShape == 2 && r < 0.6)
    discard;
  float edge = smoothstep(0.8, 1.0, r);
  fragColor = vec4(mix(vColor.rgb, vec3(0.0), uShape == 1 ? edge * 0.7 : 0.0), vColor.a);
}
