// Latent interpolation (METHODS §1.7, §4.4; Fig. 4) on any model with a latent space: the computation behind
// the plain settings and results of api/interpolate.h. Runs on the calling (worker) .h.ead; no Qt/GL.
#pragma once

#include "interpolate.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace ebm {

class TrainingMethod;
struct RunConfig;

/// Throws ebm::Error on bad settings or images that do not fit the model.
InterpolationResult interpolate(TrainingMethod& method, const RunConfig& config,
                                const InterpolationSettings& settings,
                                const std::atomic<bool>* stop = nullptr);

} // namespace ebm
