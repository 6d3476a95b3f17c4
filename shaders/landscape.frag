#version 330 core
// Energy heatmap in viridis (yellow = low energy = probable) with contour lines of the
// true log-density when the data set has one.
in vec2 vUv;
out vec4 fragColor;
uniform sampler2D uEnergy;   // R32F, E(x) on the grid
uniform sampler2D uDensity;  // R32F, log p(x) on the grid
uniform vec2 uEnergyRange;   // energies mapped to [0, 1] (clipped)
uniform int uHasDensity;
uniform float uDensityTop;   // the highest contour level
uniform float uContourStep;  // spacing of contour levels in log-density

vec3 viridis(float t) {
  // Polynomial fit of matplotlib's viridis.
  const vec3 c0 = vec3(0.2777273272234177, 0.005407344544966578, 0.3340998053353061);
  const vec3 c1 = vec3(0.1050930431085774, 1.404613529898575, 1.384590162594685);
  const vec3 c2 = vec3(-0.3308618287255563, 0.214847559468213, 0.09509516302823659);
  const vec3 c3 = vec3(-4.634230498983486, -5.799100973351585, -19.33244095627987);
  const vec3 c4 = vec3(6.228269936347081, 14.17993336680509, 56.69055260068105);
  const vec3 c5 = vec3(4.776384997670288, -13.74514537774601, -65.35303263337234);
  const vec3 c6 = vec3(-5.435455855934631, 4.645852612178535, 26.3124352495832);
  return c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
}

void main() {
  float e = texture(uEnergy, vUv).r;
  float t = clamp((uEnergyRange.y - e) / max(uEnergyRange.y - uEnergyRange.x, 1e-12), 0.0, 1.0);
  vec3 color = viridis(t);
  if (uHasDensity != 0) {
    float d = texture(uDensity, vUv).r;
    float level = (uDensityTop - d) / uContourStep;
    float w = fwidth(level);
    // No line where the density is flat (a uniform patch is one level, not a line); where it
    // drops off a cliff (log 0 is stored as a low finite value) the levels crowd into an
    // outline.
    float line = 0.0;
    if (w > 1e-6 && level >= 0.0 && level <= 6.0)
      line = 1.0 - smoothstep(0.0, 1.5 * w, abs(fract(level + 0.5) - 0.5));
    color = mix(color, vec3(1.0), 0.75 * line);
  }
  fragColor = vec4(color, 1.0);
}
