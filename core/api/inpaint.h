// Inpainting with a model that has a latent space and an energy (METHODS §4.4, the reconstructed
// A.3 protocol) in three stages: (1) the inference model on the masked image, decoded by the
// generator; (2) + masked z-Langevin, whose likelihood sees only observed pixels; (3) + x-Langevin
// on the EBM moving only the missing pixels. Observed pixels are always the data's own. The header
// is plain C++ (the session hands results to the GUI); the functions run on the calling (worker)
// thread.
#pragma once

#include "masks.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ebm {

struct InpaintSettings {
  int zSteps = 100;              // masked z-Langevin steps (stage 2)
  double zStepSize = 0.1;        // s_z
  double zNoise = 0.1;           // n_z
  int xSteps = 30;               // x-Langevin steps on the missing pixels (stage 3)
  double xStepSize = 0.5;        // s_x
  double xNoise = 1e-3;          // n_x
  int chains = 1;                // chains per image (several give a per-pixel spread)
  uint64_t seed = 1;
  bool generatorEval = false;    // BatchNorm running statistics instead of batch statistics
};

/// Quality of one stage against the original, averaged over images (and chains).
struct InpaintScores {
  double psnrHole = 0, psnrAll = 0;  // dB, data range 2 ([-1, 1])
  double ssimHole = 0, ssimAll = 0;  // SSIM of the hole's bounding box, of the whole image
  double mseHole = 0;
};

struct InpaintStage {
  std::string name;
  std::vector<float> images;   // images * chains recoveries, each C x H x W, image-major
  InpaintScores scores;
};

struct InpaintResult {
  std::vector<int64_t> shape;        // one image: C, H, W
  int images = 0, chains = 0;
  std::vector<float> original;       // images x C x H x W
  std::vector<float> masked;         // the input: missing pixels set to 0 (grey)
  std::vector<Mask> masks;           // one per image
  std::vector<InpaintStage> stages;  // the three stages, in order
  std::vector<float> stdMap;         // images x H x W: per-pixel std over chains, final stage
  std::vector<int> zCurveSteps, xCurveSteps;
  std::vector<double> zCurvePsnrHole, xCurvePsnrHole;  // hole PSNR over the steps
};

} // namespace ebm
