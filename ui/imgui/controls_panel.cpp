#include "controls_panel.h"

#include "panel_style.h"
#include "setting_widget.h"
#include "shipped_models.h"
#include "viewer_session.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

namespace ebm::viewer {
namespace {

/// What the model box shows: the checkpoint's file name, or a model made from a preset.
std::string modelName(const SessionSnapshot* snap) {
  if (snap && !snap->checkpointPath.empty())
    return snap->checkpointPath.substr(snap->checkpointPath.rfind('/') + 1);
  if (snap && snap->methodInfo)
    return "new " + snap->methodInfo->title + " model";
  return "choose a shipped model";
}

void drawChainRun(ViewerSession& s, const ChainSpec& spec) {
  ChainRun& run = s.run(spec.name);
  if (ImGui::InputInt("chains", &run.chains))
    run.chains = std::clamp(run.chains, 2, 4096);
  helpTip(spec.hasTarget ? "Held-out examples revised by the next run." : "Chains of the next run.");
  if (!spec.inits.empty()) {
    run.init = std::clamp(run.init, 0, int(spec.inits.size()) - 1);
    if (ImGui::BeginCombo("start", spec.inits[size_t(run.init)].c_str())) {
      for (int i = 0; i < int(spec.inits.size()); ++i)
        if (ImGui::Selectable(spec.inits[size_t(i)].c_str(), i == run.init))
          run.init = i;
      ImGui::EndCombo();
    }
    helpTip("Where the chains of the next run start.");
  }
  if (ImGui::InputInt("seed", &run.seed))
    run.seed = std::max(0, run.seed);
  helpTip("Seed of the next run (same seed, same noise).");
}

void drawChain(ViewerSession& s, const ChainSpec& spec) {
  ImGui::PushID(spec.name.c_str());
  const std::string header = spec.title + "###chain";
  if (ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", spec.updateRule.c_str());
    ImGui::PopStyleColor();
    for (const auto& setting : spec.settings)
      settingWidget(s, spec.name, setting);
    drawChainRun(s, spec);
    const std::string run = "Run " + spec.name + "-chain";
    ImGui::BeginDisabled(!s.ready());
    if (ImGui::Button(run.c_str()))
      s.runChain(spec.name);
    ImGui::EndDisabled();
  }
  ImGui::PopID();
}

} // namespace

void ControlsPanel::draw(ViewerSession& s) {
  ImGui::PushItemWidth(-ImGui::GetFontSize() * 7.5f);
  drawModel(s);
  drawTraining(s);
  drawRevisions(s);
  drawChains(s);
  ImGui::PopItemWidth();
}

void ControlsPanel::drawModel(ViewerSession& s) {
  sectionTitle("Model");
  const auto& snap = s.snapshot();
  const std::string current = modelName(snap.get());
  if (ImGui::BeginCombo("shipped", current.c_str())) {
    for (const auto& m : ui::shippedModels())
      if (ImGui::Selectable(m.label.c_str()))
        s.loadCheckpoint(m.path);
    ImGui::EndCombo();
  }
  helpTip("Load one of the shipped checkpoints into the session.");
  if (m_focusPath) {
    ImGui::SetKeyboardFocusHere();
    m_focusPath = false;
  }
  const bool entered = ImGui::InputTextWithHint("##path", "path/to/checkpoint.safetensors",
                                                &m_path, ImGuiInputTextFlags_EnterReturnsTrue);
  helpTip("A checkpoint to load (Ctrl+O; Enter loads it)");
  ImGui::SameLine();
  if (ImGui::Button("Load") || entered)
    s.loadCheckpoint(m_path);
  helpTip("Load this checkpoint; a bad file is refused and the running model stays.");
  ImGui::BeginDisabled(!s.ready());
  if (ImGui::Button("Save checkpoint (Ctrl+S)"))
    s.saveCheckpoint();
  ImGui::EndDisabled();
}

void ControlsPanel::drawTraining(ViewerSession& s) {
  sectionTitle("Training");
  const auto& snap = s.snapshot();
  const RunState state = snap ? snap->state : RunState::Loading;
  const char* label = state == RunState::Training ? "Pause (T)"
                      : state == RunState::Paused ? "Resume (T)"
                                                  : "Start (T)";
  ImGui::BeginDisabled(!s.ready());
  if (ImGui::Button(label))
    s.toggleTraining();
  ImGui::SameLine();
  if (ImGui::Button("Step"))
    s.stepTraining();
  helpTip("One training iteration, then paused.");
  ImGui::SameLine();
  if (ImGui::Button("Stop"))
    s.stopTraining();
  ImGui::EndDisabled();
  if (ImGui::InputInt("iterations", &s.trainIterations, 100, 1000))
    s.trainIterations = std::max(1, s.trainIterations);
  helpTip("Iterations a Start trains.");
}

void ControlsPanel::drawRevisions(ViewerSession& s) {
  sectionTitle("Revisions");
  ImGui::BeginDisabled(!s.ready());
  if (ImGui::Button("Run all (Space)"))
    s.runAll();
  ImGui::SameLine();
  if (ImGui::Button("Stop##revision"))
    s.stopRevision();
  ImGui::EndDisabled();
  ImGui::SameLine();
  bool repeat = s.repeat();
  if (ImGui::Checkbox("Repeat (R)", &repeat))
    s.setRepeat(repeat);
  helpTip("Run the chains again (seed + 1) whenever every trace is new.");
  ui::ChainSpeed& speed = s.speed();
  if (ImGui::BeginCombo("speed", ui::ChainSpeed::label(speed.stepsPerSecond()).c_str())) {
    for (double v : ui::ChainSpeed::choices())
      if (ImGui::Selectable(ui::ChainSpeed::label(v).c_str(), v == speed.stepsPerSecond())) {
        speed.set(v);
        s.applySpeed();
      }
    ImGui::EndCombo();
  }
  helpTip("Langevin steps per second of revisions and playback ([ and ] change it).");
  if (ImGui::Button("Pin traces (P)"))
    s.pin();
  ImGui::SameLine();
  ImGui::BeginDisabled(!s.pinned().any());
  if (ImGui::Button("Clear pin"))
    s.clearPin();
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("GIF (G)"))
    s.exportGif();
  helpTip("Write the shown trace as an animated GIF into the run folder");
}

void ControlsPanel::drawChains(ViewerSession& s) {
  const MethodInfo* info = s.method();
  if (!info)
    return;
  sectionTitle((info->title + ": chains").c_str());
  for (const auto& chain : info->chains)
    drawChain(s, chain);
}

} // namespace ebm::viewer
