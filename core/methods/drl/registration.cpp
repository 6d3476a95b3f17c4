// Diffusion Recovery Likelihood (METHODS §2): a sequence of EBMs on increasingly noisy data,
// learned from Markov pairs by maximising recovery likelihoods, sampled level by level from noise.
// The algorithm lives in core/methods/recovery/ (shared with the other variant).
#include "methods/recovery/recovery_method.h"

namespace ebm {
namespace methods {

MethodRegistration registration_drl() {
  MethodRegistration r;
  r.name = "drl";
  r.describe = [](const RunConfig& c) { return describeRecovery(c, RecoveryVariant::Drl); };
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<RecoveryMethod>(c, d, RecoveryVariant::Drl);
  };
  r.check = [](const RunConfig& c) { checkRecovery(c, RecoveryVariant::Drl); };
  return r;
}

} // namespace methods
} // namespace ebm
