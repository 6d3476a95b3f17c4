// The training loss plots, drawn with ImGui's draw lists: the method's headline loss groups
// (ui/common's loss_series) side by side, each term raw and faint with its EMA bold, y ranges
// from robust quantiles so one spike does not flatten the rest, and a hover readout. GUI thread.
#pragma once

#include "session.h"

#include <imgui.h>

#include <memory>

namespace ebm::viewer {

/// Draws the loss plots of `history` in a `size` box at the cursor position.
void lossPlots(const std::shared_ptr<const LossHistory>& history, const MethodInfo* method,
               ImVec2 size);

} // namespace ebm::viewer
