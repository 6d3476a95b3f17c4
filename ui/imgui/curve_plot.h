// A curve of per-chain values over Langevin steps, drawn with ImGui's draw lists: each chain
// faint, the 10th-90th percentile band, the mean bold, a pinned trace's mean in orange under it,
// dashed marks where a setting changed (or a noise level began), a hover readout (step, mean,
// the chain under the mouse), the step cursor as a vertical line to drag, and a log y axis on a
// right-click (kept per plot). GUI thread; ImGui.
#pragma once

#include "chain_bundle.h"

#include <imgui.h>

#include <string>

namespace ebm::viewer {

struct CurveView {
  std::string title;   // e.g. "Energy E(x) per step"
  std::string xLabel;  // e.g. "Langevin step"
  std::string yLabel;
  const ui::ChainBundle* bundle = nullptr;  // null: the placeholder text instead
  const ui::ChainBundle* pinned = nullptr;
  std::string pinnedLabel;
  std::string placeholder;  // what an empty plot says
  int cursorStep = -1;      // -1: none
  int maxChains = 16;
};

/// Draws the plot in a `size` box at the cursor position; returns the step the user moved the
/// cursor to (click or drag), or -1.
int curvePlot(const char* id, const CurveView& view, ImVec2 size);

} // namespace ebm::viewer
