#include "key_map.h"

#include <imgui.h>

#include <algorithm>

namespace ebm::viewer {

void KeyMap::handle() const {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput)
    return;
  std::vector<const KeyBinding*> due;
  for (const auto& b : m_bindings)
    if ((!b.when || b.when()) && b.ctrl == io.KeyCtrl && b.shift == io.KeyShift &&
        ImGui::IsKeyPressed(b.key, b.repeats))
      due.push_back(&b);
  // A conditional binding that applies takes its key from the unconditional ones.
  auto overridden = [&due](const KeyBinding* b) {
    return !b->when && std::any_of(due.begin(), due.end(), [b](const KeyBinding* o) {
      return o->when && o->key == b->key && o->ctrl == b->ctrl && o->shift == b->shift;
    });
  };
  due.erase(std::remove_if(due.begin(), due.end(), overridden), due.end());
  for (const KeyBinding* b : due)
    b->action();
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
