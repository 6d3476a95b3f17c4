// The paper's inpainting table (A.3) and interpolation figure (Fig. 4) as reproducible runs
// over a checkpoint and the test split of its data: plain C++ options in, plain tables and
// image grids out. Runs on the calling thread (CLI, tests); no Qt/GL.
#pragma once

#include "errors.h"

#include "image_io.h"
#include "inpaint.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ebm {

struct InpaintTableOptions {
  std::string checkpoint;
  int images = 100;                 // test images, the first N of the test split
  int batch = 100;                  // images per batch (BatchNorm statistics depend on it)
  std::vector<std::string> kinds = standardMaskKinds();  // mask names (see makeMask)
  InpaintSettings settings;         // chains, steps and step sizes of the three stages
  int examples = 8;                 // images shown per mask kind in the example grid
  std::string device = "auto";
  int threads = 0;
  StopFlag stop = nullptr;  // set (e.g. by Ctrl-C) to end the call early: throws Interrupted
};

struct InpaintTableRow {
  std::string kind;    // mask kind
  int stage = 0;       // 1, 2, 3
  std::string stageName;
  double missingFraction = 0;
  InpaintScores scores;
};

struct InpaintTable {
  std::vector<InpaintTableRow> rows;
  /// Fig. 5-style examples: per kind, `examples` rows of (input, stage 1, 2, 3, original).
  Image examples;
  std::string split;   // which data the images came from
};

/// Random masks (R, B, drop) are drawn once per test image from seed * 1000003 + image index,
/// so every kind and every run sees the same masks for the same seed.
InpaintTable evaluateInpainting(const InpaintTableOptions& options);

struct InterpolationStripOptions {
  std::string checkpoint;
  std::string ends = "prior";  // prior | data
  int rows = 4;                // prior: one row per seed (seed, seed+1, ...); data: image pairs
                               // (0,1), (2,3), ... of the test split
  int points = 10;
  bool spherical = false;
  int zSteps = 10;             // data ends: z-Langevin on the inferred means
  int xSteps = 0;              // x-revision of each decoded point
  uint64_t seed = 1;
  std::string device = "auto";
  int threads = 0;
  StopFlag stop = nullptr;  // set (e.g. by Ctrl-C) to end the call early: throws Interrupted
};

struct InterpolationStrips {
  Image grid;                                   // one row per path (+ a revised row each)
  std::vector<std::vector<double>> energyRows;  // row, lambda, E(decoded), E(revised)
  std::vector<std::vector<double>> profileRows; // row, lambda, E along the dense profile
};

InterpolationStrips interpolationStrips(const InterpolationStripOptions& options);

} // namespace ebm
