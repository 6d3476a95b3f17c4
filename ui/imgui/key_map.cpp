#include "key_map.h"

#include <imgui.h>

namespace ebm::viewer {

void KeyMap::handle() const {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput)
    return;
  for (const auto& b : m_bindings)
    if (b.ctrl == io.KeyCtrl && b.shift == io.KeyShift && ImGui::IsKeyPressed(b.key, b.repeats))
      b.action();
}

void KeyMap::drawHelp(bool* open) const {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f,
                                 vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::Begin("Keys (F1, Esc closes)", open,
                    ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    for (const auto& b : m_bindings) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.4f, 1), "%s", b.label.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(b.what.c_str());
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

} // namespace ebm::viewer
