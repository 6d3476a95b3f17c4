// Inpainting (METHODS §4.4, the reconstructed A.3 protocol) on any model with a latent space and an
// energy: the computation behind
// the plain settings and results of api/inpaint.h. Runs on the calling (worker) .h.ead; no Qt/GL.
#pragma once

#include "inpaint.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace ebm {

class TrainingMethod;
struct RunConfig;

/// Runs the protocol on (images x C x H x W) data in [-1, 1] with one mask per image; `config`
/// is the model's run config (sigma, prior and SSE convention of the z-chain). Throws
/// ebm::Error on shape mismatches. `progress` (may be empty) is told the stage name as each
/// begins; `stop` (may be null) ends the chains at their next step.
InpaintResult inpaint(TrainingMethod& method, const RunConfig& config, const std::vector<float>& images,
                      const std::vector<int64_t>& shape, const std::vector<Mask>& masks,
                      const InpaintSettings& settings,
                      const std::function<void(const std::string&)>& progress = {},
                      const std::atomic<bool>* stop = nullptr);

} // namespace ebm
