// Result files for traces and models: CSV tables of Langevin traces and loss histories,
// and PNG renderings (image trajectories as in the paper's Fig. 2, reconstructions over
// z-steps, 2-D chains over the energy landscape). Plain C++ API used by the CLI and by
// GUI exports; any thread; no Qt/GL.
#pragma once

#include "image_io.h"
#include "session.h"
#include "trace.h"

#include <string>
#include <vector>

namespace ebm {

/// One row per recorded step: step, step_size, noise, then the per-chain values of `energy`
/// (x-chains) or `mse` (z-chains, plus per-chain energy), then their mean.
void writeTraceCsv(const std::string& path, const Trace& trace);

/// iteration followed by every loss column; only the rows at iterations that are multiples of
/// `every` (train.log_every) and the last row.
void writeLossCsv(const std::string& path, const LossHistory& losses, int every = 1);

/// Image chains: one row per chain (at most maxRows), one column per snapshot (Fig. 2).
/// For z-chains the first column is the target image and the others are G(z_t).
Image renderImageTrajectory(const Trace& trace, int maxRows = 16);

/// Image chains that walk down noise levels (Trace::levels): one row per chain, one column per
/// level, each the chain's last snapshot at that level, from the noisiest level to level 0.
/// Throws ebm::Error for a trace without levels or snapshots.
Image renderLevelLadder(const Trace& trace, int maxRows = 16);

/// 2-D chains: the landscape (if given) as a viridis heatmap of exp(-E) scaled per image,
/// `points` (n x 2, e.g. data) as small grey dots, each chain's path as a fading line, starts
/// as hollow-ish white dots and ends as red dots.
Image render2dChains(const Trace* trace, const Landscape* landscape,
                     const std::vector<float>& points, int size = 512, int maxChains = 64);

/// Up to n points of a 2-D model's data (for plots), flattened n x 2: fresh draws of data.toy
/// (data.kind = "toy2d"), or a point file's training points (the first n of a seeded shuffle);
/// empty for image data. Throws DataError when the point file cannot be read.
std::vector<float> dataPoints(const DataConfig& data, int n, uint64_t seed);

} // namespace ebm
