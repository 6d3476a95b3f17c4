#include "shown_chains.h"

namespace ebm::ui {

ShownChains shownChains(const MethodInfo& info) {
  ShownChains shown;
  for (const auto& c : info.chains) {
    if (c.dataSpace && shown.data.empty())
      shown.data = c.name;
    if (c.decodes && shown.latent.empty())
      shown.latent = c.name;
    if (c.ladder && shown.ladder.empty())
      shown.ladder = c.name;
  }
  for (const auto& c : info.chains)  // a chain from noise to data comes first
    if (c.ladder && c.dataSpace) {
      shown.data = c.name;
      break;
    }
  return shown;
}

} // namespace ebm::ui
