// Cooperative DRL (METHODS §3): DRL's recovery-likelihood EBMs with an initializer model that
// proposes each level's chain start and learns to absorb the chain's revision.
// The algorithm lives in core/methods/recovery/ (shared with the other variant).
#include "methods/recovery/recovery_method.h"

namespace ebm {
namespace methods {

MethodRegistration registration_cdrl() {
  MethodRegistration r;
  r.name = "cdrl";
  r.describe = [](const RunConfig& c) { return describeRecovery(c, RecoveryVariant::Cdrl); };
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<RecoveryMethod>(c, d, RecoveryVariant::Cdrl);
  };
  r.check = [](const RunConfig& c) { checkRecovery(c, RecoveryVariant::Cdrl); };
  return r;
}

} // namespace methods
} // namespace ebm
