// The Diagnostics column: for the chains the views show, ChainDiagnostics at the step cursor
// (the verdict with its reason, drift/noise, gradient norm, MALA acceptance, R-hat, ESS) and
// RevisionInsight (how far the states moved, the energy drop, the temperature), then the run
// state in full (state, iteration, rates, device, threads, memory, the latest message and
// error) and the recent log. GUI thread; ImGui.
#pragma once

namespace ebm::viewer {

class ViewerSession;

void diagnosticsPanel(ViewerSession& session);

} // namespace ebm::viewer
