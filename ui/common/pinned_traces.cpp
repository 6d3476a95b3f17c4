#include "pinned_traces.h"

namespace ebm::ui {

void PinnedTraces::pin(std::shared_ptr<const Trace> shownData,
                       std::shared_ptr<const Trace> shownLatent) {
  if (!shownData && !shownLatent)
    return;
  label = settingsLabel(shownData ? *shownData : *shownLatent);
  data = std::move(shownData);
  latent = std::move(shownLatent);
  forkStep = -1;
}

void PinnedTraces::pinFork(std::shared_ptr<const Trace> original, int step) {
  data = std::move(original);
  latent.reset();
  forkStep = step;
  label = "original, from its step " + std::to_string(step);
}

void PinnedTraces::clear() {
  data.reset();
  latent.reset();
  label.clear();
  forkStep = -1;
}

ChainBundle PinnedTraces::energy() const {
  if (!data)
    return {};
  ChainBundle b = bundleOf(*data, data->energy);
  if (forkStep > 0) {  // both branches start at 0
    for (double& x : b.x)
      x -= forkStep;
    for (auto& mark : b.marks)
      mark.first -= forkStep;
  }
  return b;
}

ChainBundle PinnedTraces::mse() const {
  return latent && !latent->mse.empty() ? bundleOf(*latent, latent->mse) : ChainBundle{};
}

} // namespace ebm::ui
