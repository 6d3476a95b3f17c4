// Diffusion Recovery Likelihood (METHODS §2): a sequence of EBMs on increasingly noisy data,
// learned from Markov pairs by maximising recovery likelihoods, sampled level by level from noise.
// The algorithm lives in core/methods/recovery/ (shared with the other variant); this file says
// how the front ends show its losses.
#include "methods/recovery/recovery_method.h"

namespace ebm {
namespace {

// The loss plots: the loss alone, f on data against f on the chains' ends (their gap is what the
// loss widens), and how far the chains move from the noisier state.
std::vector<LossGroup> drlLossGroups() {
  return {
      {"recovery-likelihood loss", {"loss"}, true,
       "-(f(data) - f(y_K)), weighted per level: what the EBM descends"},
      {"f on data and samples", {"f_pos", "f_neg"}, true,
       "mean f(y, l) of the data at its level and of the chains' final states (f = -energy)"},
      {"chain travel", {"recovery"}, true, "mean distance |y_K - x~| the chains moved"},
      {"learning rate", {"lr_ebm"}, false, "the EBM's learning rate"},
  };
}

MethodInfo describeDrl(const RunConfig& c) {
  MethodInfo info = describeRecovery(c, RecoveryVariant::Drl);
  info.lossGroups = drlLossGroups();
  return info;
}

} // namespace

namespace methods {

MethodRegistration registration_drl() {
  MethodRegistration r;
  r.name = "drl";
  r.describe = describeDrl;
  r.make = [](const RunConfig& c, torch::Device d) -> std::unique_ptr<TrainingMethod> {
    return std::make_unique<RecoveryMethod>(c, d, RecoveryVariant::Drl, describeDrl(c));
  };
  r.check = [](const RunConfig& c) { checkRecovery(c, RecoveryVariant::Drl); };
  return r;
}

} // namespace methods
} // namespace ebm
