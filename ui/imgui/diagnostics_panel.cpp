#include "diagnostics_panel.h"

#include "chain_diagnostics.h"
#include "panel_style.h"
#include "revision_insight.h"
#include "run_state_text.h"
#include "viewer_session.h"

#include <imgui.h>

#include <algorithm>

namespace ebm::viewer {
namespace {

ImVec4 verdictColour(ui::ChainDiagnostics::Verdict v) {
  switch (v) {
  case ui::ChainDiagnostics::Verdict::Fine: return ImVec4(0.35f, 0.85f, 0.45f, 1);
  case ui::ChainDiagnostics::Verdict::TooLarge: return ImVec4(1.0f, 0.45f, 0.35f, 1);
  case ui::ChainDiagnostics::Verdict::TooSmall: return ImVec4(1.0f, 0.75f, 0.3f, 1);
  case ui::ChainDiagnostics::Verdict::None: break;
  }
  return ImVec4(0.7f, 0.7f, 0.7f, 1);
}

const char* verdictText(ui::ChainDiagnostics::Verdict v) {
  switch (v) {
  case ui::ChainDiagnostics::Verdict::Fine: return "step size looks right";
  case ui::ChainDiagnostics::Verdict::TooLarge: return "step too large";
  case ui::ChainDiagnostics::Verdict::TooSmall: return "step too small";
  case ui::ChainDiagnostics::Verdict::None: break;
  }
  return "not enough steps yet";
}

void row(const char* name, double v, const char* tip) {
  ImGui::TextUnformatted(name);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", tip);
  // Values in a column, or right after a label too long for it.
  const float column = std::min(ImGui::GetFontSize() * 8.5f, ImGui::GetWindowWidth() * 0.55f);
  const float labelEnd = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetScrollX();
  ImGui::SameLine(std::max(column, labelEnd + ImGui::GetFontSize() * 0.5f));
  if (v < 0)
    ImGui::TextDisabled("–");
  else
    ImGui::Text("%s", ui::shortNumber(v).c_str());
}

void chainSection(const char* title, const Trace& trace, int step, bool decoded) {
  sectionTitle(title);
  const ui::ChainDiagnostics d = ui::chainDiagnostics(trace, step);
  // The reason's own words lead ("too few steps: …"), so the headline never says less or other.
  const auto colon = d.reason.find(':');
  const std::string headline =
      colon == std::string::npos ? verdictText(d.verdict) : d.reason.substr(0, colon);
  ImGui::TextColored(verdictColour(d.verdict), "%s", headline.c_str());
  if (!d.reason.empty())
    ImGui::TextWrapped("%s", d.reason.c_str());
  row("drift / noise", d.driftToNoise, "|½s²∇E| / |n ξ|: above ~1 the chain mostly descends");
  row("|∇E|", d.gradNorm, "Mean gradient norm over chains and steps");
  row("MALA accept", d.malaAccept, "Mean acceptance a Metropolis correction would have had");
  row("R-hat", d.rhat, "Split R-hat of the energy across chains (near 1: mixed)");
  row("ESS", d.ess, "Effective sample size of the energy, summed over chains");
  const ui::RevisionInsight in = ui::revisionInsight(trace, step, decoded);
  if (in.step >= 0) {
    row("RMS change", in.meanDisplacement, "Mean RMS change of the state from step 0");
    row("energy drop", in.meanEnergyDrop, "Mean E(x_0) - E(x_t) over chains");
    row("temperature", in.temperature, "(n / s)²: low means the chain mostly descends");
    if (!in.explanation.empty())
      ImGui::TextWrapped("%s", in.explanation.c_str());
  }
}

void runState(ViewerSession& s) {
  sectionTitle("Run state");
  const auto& snap = s.snapshot();
  if (!snap) {
    ImGui::TextUnformatted("starting…");
    return;
  }
  ImGui::Text("%s", ui::runStateText(*snap, s.pausing()).c_str());
  ImGui::Text("%s", ui::iterationText(*snap).c_str());
  if (const std::string rate = ui::rateText(*snap); !rate.empty())
    ImGui::TextWrapped("%s", rate.c_str());
  ImGui::Text("device %s", snap->device.empty() ? "–" : snap->device.c_str());
  ImGui::Text("memory %s (peak %s)", ui::memoryText(snap->residentBytes).c_str(),
              ui::memoryText(snap->peakResidentBytes).c_str());
  if (!s.lastError().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1));
    ImGui::TextWrapped("error: %s", s.lastError().c_str());
    ImGui::PopStyleColor();
  }
}

void recentLog(ViewerSession& s) {
  sectionTitle("Log");
  const auto& log = s.log();
  const size_t first = log.size() > 6 ? log.size() - 6 : 0;
  for (size_t i = first; i < log.size(); ++i)
    ImGui::TextWrapped("%s", log[i].c_str());
}

} // namespace

void diagnosticsPanel(ViewerSession& s) {
  const int step = s.cursor().shownStep();
  if (auto data = s.dataTrace())
    chainSection((data->chain + "-chain at step " + std::to_string(step)).c_str(), *data, step,
                 false);
  if (auto latent = s.latentTrace())
    chainSection((latent->chain + "-chain at step " + std::to_string(step)).c_str(), *latent,
                 step, true);
  runState(s);
  recentLog(s);
}

} // namespace ebm::viewer
