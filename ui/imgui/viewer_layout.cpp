// ViewerApp's layout: one borderless window over the whole viewport holding the Controls column,
// the centre view with Diagnostics beside it, the curves row and the status line. Sizes follow
// the font, so --font-scale enlarges the columns with the text.
#include "viewer_app.h"

#include "chain_bundle.h"
#include "curve_plot.h"
#include "diagnostics_panel.h"
#include "landscape_refresh.h"
#include "loss_plots.h"
#include "panel_style.h"
#include "run_state_text.h"

#include <algorithm>

namespace ebm::viewer {
namespace {

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBringToFrontOnFocus;

void centredNote(ImVec2 size, const char* text) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const ImVec2 t = ImGui::CalcTextSize(text);
  ImGui::GetWindowDrawList()->AddText(
      ImVec2(p.x + (size.x - t.x) * 0.5f, p.y + (size.y - t.y) * 0.5f),
      IM_COL32(170, 175, 185, 255), text);
}

} // namespace

void ViewerApp::drawLayout() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6, 6));
  ImGui::Begin("EBM Lab viewer", nullptr, kFixed);
  ImGui::PopStyleVar();
  const float font = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float statusH = font * 1.7f;
  const float leftW = std::clamp(font * 21.0f, avail.x * 0.2f, avail.x * 0.34f);
  const float bodyH = avail.y - statusH;
  ImGui::BeginChild("controls", ImVec2(leftW, bodyH), true);
  m_controls.draw(*m_session);
  ImGui::EndChild();
  ImGui::SameLine();
  const float rightW = avail.x - leftW - ImGui::GetStyle().ItemSpacing.x;
  ImGui::BeginGroup();
  const float curvesH = std::max(font * 10.0f, bodyH * 0.36f);
  const float diagW = std::clamp(font * 17.0f, rightW * 0.22f, rightW * 0.34f);
  ImGui::BeginChild("centre", ImVec2(rightW - diagW - ImGui::GetStyle().ItemSpacing.x,
                                     bodyH - curvesH - ImGui::GetStyle().ItemSpacing.y),
                    true);
  drawCentre(ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("diagnostics", ImVec2(diagW, bodyH - curvesH - ImGui::GetStyle().ItemSpacing.y),
                    true);
  diagnosticsPanel(*m_session);
  ImGui::EndChild();
  ImGui::BeginChild("curves", ImVec2(rightW, curvesH), true, ImGuiWindowFlags_NoScrollbar);
  drawCurves(ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  ImGui::EndGroup();
  drawStatusLine();
  ImGui::End();
}

void ViewerApp::drawCentre(ImVec2 size) {
  drawCursorBar();
  const ImVec2 rest(size.x, ImGui::GetContentRegionAvail().y);
  const auto& snap = m_session->snapshot();
  if (!snap || snap->state == RunState::Loading) {
    centredNote(rest, "loading the model…");
    return;
  }
  if (snap->state == RunState::Failed) {
    centredNote(rest, "no model: load a checkpoint in the Controls (the error is in the status line)");
    return;
  }
  m_strips.draw(*m_session, rest);
}

void ViewerApp::drawCursorBar() {
  // The shared step cursor: a slider over the shown traces, Live to follow the newest step.
  ui::StepCursor& c = m_session->cursor();
  int step = c.shownStep();
  const int last = std::max(1, c.lastStep());
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 14);
  if (ImGui::SliderInt("##step", &step, 0, last, "step %d"))
    c.set(step);
  helpTip("The step cursor shared by the strips, the curves and the diagnostics (← →, Home, End)");
  ImGui::SameLine();
  if (ImGui::Button(c.playing() ? "Stop play" : "Play"))
    c.togglePlayback();
  ImGui::SameLine();
  ImGui::BeginDisabled(!c.parked());
  if (ImGui::Button("Live"))
    c.follow();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::TextDisabled(c.parked() ? "parked" : "following");
}

void ViewerApp::drawCurves(ImVec2 size) {
  const auto& s = *m_session;
  const MethodInfo* info = s.method();
  const auto data = s.dataTrace(), latent = s.latentTrace();
  const bool mse = latent && !latent->mse.empty();
  const int plots = mse ? 3 : 2;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 each((size.x - gap * float(plots - 1)) / float(plots), size.y);
  const ChainSpec* dspec = info ? info->chain(s.shown().data) : nullptr;
  const std::string energyLabel = dspec ? dspec->energyLabel : std::string("energy");
  ui::ChainBundle energy, pinnedEnergy, mseBundle, pinnedMse;
  CurveView ev{"Energy " + energyLabel + " per step", "Langevin step", energyLabel};
  ev.placeholder = dspec ? "no " + dspec->name + "-chain yet" : "no data-space chain";
  ev.cursorStep = data ? m_session->cursor().shownStep() : -1;
  if (data) {
    energy = ui::bundleOf(*data, data->energy);
    ev.bundle = &energy;
  }
  if (s.pinned().data) {
    pinnedEnergy = ui::bundleOf(*s.pinned().data, s.pinned().data->energy);
    ev.pinned = &pinnedEnergy;
    ev.pinnedLabel = s.pinned().label;
  }
  if (int step = curvePlot("energy", ev, each); step >= 0)
    m_session->cursor().set(step);
  if (mse) {
    ImGui::SameLine();
    mseBundle = ui::bundleOf(*latent, latent->mse);
    CurveView mv{"MSE of the decoded " + latent->chain + "-chain against its target",
                 latent->chain + "-step", "MSE"};
    mv.bundle = &mseBundle;
    mv.cursorStep = m_session->cursor().shownStep();
    if (s.pinned().latent && !s.pinned().latent->mse.empty()) {
      pinnedMse = ui::bundleOf(*s.pinned().latent, s.pinned().latent->mse);
      mv.pinned = &pinnedMse;
      mv.pinnedLabel = s.pinned().label;
    }
    if (int step = curvePlot("mse", mv, each); step >= 0)
      m_session->cursor().set(step);
  }
  ImGui::SameLine();
  lossPlots(s.snapshot() ? s.snapshot()->losses : nullptr, info, each);
}

void ViewerApp::drawStatusLine() {
  const auto& snap = m_session->snapshot();
  if (!snap) {
    ImGui::TextUnformatted("starting…");
    return;
  }
  ImGui::Text("%s  ·  %s", ui::runStateText(*snap, m_session->pausing()).c_str(),
              ui::iterationText(*snap).c_str());
  if (const std::string rate = ui::rateText(*snap); !rate.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("·  %s", rate.c_str());
  }
  ImGui::SameLine();
  ImGui::TextDisabled("·  %s · RSS %s", snap->device.c_str(),
                      ui::memoryText(snap->residentBytes).c_str());
  ImGui::SameLine();
  if (!m_session->lastError().empty())
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1), "·  error: %s",
                       m_session->lastError().c_str());
  else if (!m_session->log().empty())
    ImGui::Text("·  %s", m_session->log().back().c_str());
  ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize("F1: keys").x - 12);
  ImGui::TextDisabled("F1: keys");
}

} // namespace ebm::viewer
