#version 330 core
// uShape: 0 = line segment, 1 = filled disc with a dark rim (chains), 2 = ring (chain
// starts), 3 = soft dot without a rim (data: small, and light on any colour).
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
  if (uShape == 2 && r < 0.5)
    discard;
  if (uShape == 2) {
    // A light ring with a dark rim inside and out: visible on yellow and on purple alike.
    float rim = 1.0 - smoothstep(0.08, 0.14, abs(r - 0.72));
    fragColor = vec4(mix(vec3(0.0), vColor.rgb, rim), vColor.a);
    return;
  }
  float edge = smoothstep(0.8, 1.0, r);
  float alpha = uShape == 3 ? vColor.a * (1.0 - edge) : vColor.a;
  fragColor = vec4(mix(vColor.rgb, vec3(0.0), uShape == 1 ? edge * 0.7 : 0.0), alpha);
}
