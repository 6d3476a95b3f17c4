// Which of a method's chains the front ends show: the data-space view shows the first chain
// whose states are data (a chain that walks from noise to data comes first), the latent view
// the first chain that decodes its states, the level view the first ladder chain. Read from the
// MethodInfo, never from a method's name. Plain C++ over core/api; any thread.
#pragma once

#include "method_info.h"

#include <string>

namespace ebm::ui {

struct ShownChains {
  std::string data;    // "" when the method has no data-space chain
  std::string latent;  // "" when it has no chain that decodes
  std::string ladder;  // "" when it has no chain walking down noise levels
};

ShownChains shownChains(const MethodInfo& info);

} // namespace ebm::ui
