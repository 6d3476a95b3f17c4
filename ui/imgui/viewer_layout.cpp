// ViewerApp's layout: one borderless window over the whole viewport holding the Controls column,
// the centre view with Diagnostics beside it, the curves row and the status line. Sizes follow
// the font, so --font-scale enlarges the columns with the text.
#include "viewer_app.h"

#include "chain_bundle.h"
#include "curve_plot.h"
#include "diagnostics_panel.h"
#include "landscape_refresh.h"
#include "lesson_bar.h"
#include "loss_plots.h"
#include "panel_style.h"
#include "plot_frame.h"
#include "run_state_text.h"

#include <algorithm>
#include <utility>

namespace ebm::viewer {
namespace {

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBringToFrontOnFocus;

void centredNote(ImVec2 size, const char* text) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  centredText(ImGui::GetWindowDrawList(), p, size, text, IM_COL32(170, 175, 185, 255));
}

/// `text` cut with an ellipsis to fit `width` pixels.
std::string fitted(const std::string& text, float width) {
  if (ImGui::CalcTextSize(text.c_str()).x <= width)
    return text;
  std::string cut = text;
  while (!cut.empty() && ImGui::CalcTextSize((cut + "…").c_str()).x > width) {
    // One whole UTF-8 character off the end: its continuation bytes, then its first byte.
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
      cut.pop_back();
    if (!cut.empty())
      cut.pop_back();
  }
  return cut + "…";
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
  const float gapY = ImGui::GetStyle().ItemSpacing.y;
  // A lesson's bar spans the centre and Diagnostics, where the audience looks; the curves give
  // it some of their room.
  const bool lesson = m_lessons->shown();
  const float curvesH = std::max(font * (lesson ? 8.0f : 10.0f), bodyH * (lesson ? 0.27f : 0.36f));
  float viewH = bodyH - curvesH - gapY;
  if (lesson) {
    const float barH = lessonBarHeight(*m_lessons, rightW, viewH * 0.5f);
    drawLessonBar(rightW, barH);
    viewH -= barH + gapY;
  }
  const float diagW = std::clamp(font * 17.0f, rightW * 0.22f, rightW * 0.34f);
  ImGui::BeginChild("centre", ImVec2(rightW - diagW - ImGui::GetStyle().ItemSpacing.x, viewH),
                    true);
  drawCentre(ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("diagnostics", ImVec2(diagW, viewH), true);
  diagnosticsPanel(*m_session);
  ImGui::EndChild();
  ImGui::BeginChild("curves", ImVec2(rightW, curvesH), true, ImGuiWindowFlags_NoScrollbar);
  drawCurves(ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  ImGui::EndGroup();
  drawStatusLine();
  ImGui::End();
}

void ViewerApp::drawLessonBar(float width, float height) {
  switch (viewer::drawLessonBar(*m_lessons, ImVec2(width, height))) {
  case LessonBarAction::Back: m_lessons->back(); break;
  case LessonBarAction::Next: m_lessons->next(); break;
  case LessonBarAction::End: m_lessons->end(); break;
  case LessonBarAction::None: break;
  }
  if (m_lessons->view().followLevel) {
    m_landscape->followLevel();
    m_lessons->view().followLevel = false;
  }
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
    const std::string text = "No model: " + m_session->lastError() +
                             "\nChoose a shipped model or load a checkpoint in the Controls.";
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + size.x * 0.9f);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  if (ui::isPlaneData(*snap))
    m_landscape->draw(*m_session, rest);
  else
    m_strips->draw(*m_session, rest);
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
  // Side by side where each plot gets room for its ticks; tabs when the window (or a large
  // --font-scale) leaves too little.
  const auto latent = m_session->latentTrace();
  std::vector<std::pair<const char*, CurvePanel>> plots{{"Energy", CurvePanel::Energy}};
  if (latent && !latent->mse.empty())
    plots.push_back({"MSE", CurvePanel::Mse});
  // The losses take room only once there are some (a loaded model has none until it trains).
  const auto& snap = m_session->snapshot();
  if (snap && snap->losses && snap->losses->iterations.size() >= 2)
    plots.push_back({"Training losses", CurvePanel::Losses});
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float each = (size.x - gap * float(plots.size() - 1)) / float(plots.size());
  if (each >= ImGui::GetFontSize() * 16) {
    m_lessons->view().curve.clear();  // side by side: all are shown
    for (size_t i = 0; i < plots.size(); ++i) {
      if (i > 0)
        ImGui::SameLine();
      drawCurve(plots[i].second, ImVec2(each, size.y));
    }
    return;
  }
  // A lesson's "energy" or "mse" raises its tab.
  std::string& raise = m_lessons->view().curve;
  const std::string raised = std::exchange(raise, std::string());
  if (!ImGui::BeginTabBar("curves"))
    return;
  for (const auto& [title, panel] : plots)
    if (ImGui::BeginTabItem(title, nullptr,
                            raised == title ? ImGuiTabItemFlags_SetSelected : 0)) {
      drawCurve(panel, ImGui::GetContentRegionAvail());
      ImGui::EndTabItem();
    }
  ImGui::EndTabBar();
}

void ViewerApp::drawCurve(CurvePanel panel, ImVec2 size) {
  const auto& s = *m_session;
  const MethodInfo* info = s.method();
  if (panel == CurvePanel::Losses) {
    lossPlots(s.snapshot() ? s.snapshot()->losses : nullptr, info, size);
    return;
  }
  const bool energy = panel == CurvePanel::Energy;
  const auto trace = energy ? s.dataTrace() : s.latentTrace();
  const ChainSpec* spec = info ? info->chain(energy ? s.shown().data : s.shown().latent) : nullptr;
  CurveView v;
  if (energy) {
    const std::string label = spec ? spec->energyLabel : std::string("energy");
    v.title = spec ? "Energy " + label + " per step" : std::string("Energy per step");
    v.xLabel = "Langevin step";
    v.yLabel = label;
    v.placeholder = spec ? "no " + spec->name + "-chain yet" : "no data-space chain";
  } else {
    const std::string name = spec ? spec->name : std::string("z");
    v.title = "MSE per " + name + "-step";
    v.xLabel = name + "-step";
    v.yLabel = "MSE";
  }
  ui::ChainBundle bundle, pinnedBundle;
  if (trace && !(energy ? trace->energy : trace->mse).empty()) {
    bundle = ui::bundleOf(*trace, energy ? trace->energy : trace->mse);
    v.bundle = &bundle;
    v.cursorStep = m_session->cursor().shownStep();
  }
  pinnedBundle = energy ? s.pinned().energy() : s.pinned().mse();
  if (!pinnedBundle.x.empty()) {
    v.pinned = &pinnedBundle;
    v.pinnedLabel = s.pinned().label;
  }
  if (int step = curvePlot(energy ? "energy" : "mse", v, size); step >= 0)
    m_session->cursor().set(step);
}

void ViewerApp::drawStatusLine() {
  ImGui::TextDisabled("F1: keys  ·  L: lessons  ·");
  ImGui::SameLine();
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
  ImGui::TextDisabled("·  %s · RSS %s  ·", snap->device.empty() ? "–" : snap->device.c_str(),
                      ui::memoryText(snap->residentBytes).c_str());
  ImGui::SameLine();
  // The latest error (red) or message, cut to the room left with its whole text on hover.
  const bool error = !m_session->lastError().empty();
  const std::string text = error ? "error: " + m_session->lastError()
                                 : (m_session->log().empty() ? std::string() : m_session->log().back());
  const std::string shown = fitted(text, ImGui::GetContentRegionAvail().x);
  if (error)
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1), "%s", shown.c_str());
  else
    ImGui::TextUnformatted(shown.c_str());
  if (shown != text && ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", text.c_str());
}

} // namespace ebm::viewer
