// Latent interpolation (METHODS §1.7, §4.4; the paper's Fig. 4): between two prior draws
// (synthesis) or the inferred latents of two data images (reconstruction), linear or
// spherical, decoded by the generator and optionally revised by x-Langevin, with the energy
// along the path. Plain C++ header; runs on the calling (worker) thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

struct InterpolationSettings {
  std::string ends = "prior";   // prior (two seeded draws z ~ N(0, I)) | data (two images)
  std::vector<float> imageA, imageB;  // ends = data: the two images, C x H x W in [-1, 1]
  int zSteps = 0;               // ends = data: z-Langevin steps revising the inferred means
  int points = 10;              // points on the path, ends included (2..256)
  bool spherical = false;       // slerp instead of a straight line
  bool generatorEval = true;    // BatchNorm running statistics in the generator for all it
                                // does here (refining the data latents, decoding the path and
                                // the end reconstructions), so a point's image does not depend
                                // on the other points; false: batch statistics throughout
  int xSteps = 0;               // x-Langevin steps after decoding (0 = none)
  int profilePoints = 64;       // points of the energy profile (2..1024)
  uint64_t seed = 1;
};

struct InterpolationResult {
  std::vector<int64_t> shape;   // one decoded sample
  int points = 0;
  std::vector<double> lambdas;  // path parameter of each point, 0..1
  int nz = 0;
  std::vector<float> latents;   // points x nz: z(lambda)
  std::vector<float> decoded;   // points x shape: G(z(lambda))
  std::vector<float> revised;   // points x shape after x-Langevin (empty when xSteps = 0)
  std::vector<float> ends;      // ends = data: the two images (2 x shape)
  std::vector<float> endRecons; // ends = data: G of the two (revised) latents, i.e. the
                                // path's first and last decoded images
  std::vector<double> profileLambdas;
  std::vector<double> profileEnergy;         // E(G(z(lambda))) along the path
  std::vector<double> energyDecoded, energyRevised;  // at the strip's points
};

} // namespace ebm
