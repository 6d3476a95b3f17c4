// Cooperative DRL (METHODS §3): DRL's recovery-likelihood EBMs with an initializer model that
// proposes each level's chain start and learns to absorb the chain's revision.
// The algorithm lives in core/methods/recovery/ (shared with the other variant); this file says
// how the front ends show its losses.
#include "methods/recovery/recovery_method.h"

namespace ebm {
namespace {

// The loss plots: the EBM's loss, f on data against f on the revised samples, and the
// cooperative gap: how far the chains revise the initializer's proposal (headline) and the
// initializer's loss on it.
std::vector<LossGroup> cdrlLossGroups() {
  return {
      {"EBM loss", {"loss_ebm"}, true,
       "-(f(data) - f(y_K)), weighted per level: what the EBM descends"},
      {"f on data and samples", {"f_pos", "f_neg"}, true,
       "mean f(y, l) of the data at its level and of the revised samples (f = -energy)"},
      {"revision of the proposal", {"revision"}, true,
       "mean distance |y_K - y_0| the chains moved the initializer's proposal"},
      {"initializer loss", {"loss_init"}, false,
       "squared distance from the proposal y_0 to the revised y_K, what the initializer descends"},
      {"learning rate", {"lr_ebm"}, false, "the EBM's learning rate"},
  };
}

MethodInfo describeCdrl(const RunConfig& c) {
  MethodInfo info = describeRecovery(c, RecoveryVariant::Cdrl);
  info.lossGroups = cdrlLossGroups();
  return info;
}

} // namespace

namespace methods {

MethodRegistration registration_cdrl() {
  MethodRegistration r;
  r.name = "cdrl";
  r.describe = describeCdrl;
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<RecoveryMethod>(c, d, RecoveryVariant::Cdrl, describeCdrl(c));
  };
  r.check = [](const RunConfig& c) { checkRecovery(c, RecoveryVariant::Cdrl); };
  return r;
}

} // namespace methods
} // namespace ebm
