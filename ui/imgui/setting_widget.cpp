#include "setting_widget.h"

#include "viewer_session.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace ebm::viewer {
namespace {

constexpr int kSliderIntSpan = 1000;  // wider integer ranges get an input box

void tooltipOf(const SettingSpec& spec) {
  if (!spec.tooltip.empty() && ImGui::IsItemHovered())
    ImGui::SetTooltip("%s%s%s", spec.tooltip.c_str(), spec.live ? "" : "\n(applies to the next run)",
                      spec.unit.empty() ? "" : ("\nunit: " + spec.unit).c_str());
}

void realWidget(ViewerSession& s, const std::string& chain, const SettingSpec& spec, double v) {
  float value = float(v);
  float lo = float(spec.min), hi = float(spec.max);
  ImGuiSliderFlags flags = ImGuiSliderFlags_AlwaysClamp;
  if (spec.logScale) {
    flags |= ImGuiSliderFlags_Logarithmic;
    if (lo <= 0)
      lo = std::max(hi * 1e-5f, 1e-8f);  // a logarithmic slider needs a positive floor
  }
  if (spec.minExclusive && value <= lo)
    value = lo;
  const char* format = std::fabs(value) < 0.01f && value != 0 ? "%.2e" : "%.4g";
  if (ImGui::SliderFloat(spec.label.c_str(), &value, lo, hi, format, flags))
    if (!(spec.minExclusive && value <= float(spec.min)))
      s.editSetting(chain, spec.key, double(value));
  if (ImGui::IsItemDeactivatedAfterEdit())
    s.commitSetting(chain, spec.key);
}

void intWidget(ViewerSession& s, const std::string& chain, const SettingSpec& spec, double v) {
  int value = int(std::lround(v));
  const int lo = int(spec.min), hi = int(spec.max);
  const bool changed = hi - lo <= kSliderIntSpan
                           ? ImGui::SliderInt(spec.label.c_str(), &value, lo, hi, "%d",
                                              ImGuiSliderFlags_AlwaysClamp)
                           : ImGui::InputInt(spec.label.c_str(), &value);
  if (changed)
    s.editSetting(chain, spec.key, double(std::clamp(value, lo, hi)));
  // A drag or typing is sent when it ends; the input's +/- buttons at once.
  if (ImGui::IsItemDeactivatedAfterEdit() || (changed && !ImGui::IsItemActive()))
    s.commitSetting(chain, spec.key);
}

void choiceWidget(ViewerSession& s, const std::string& chain, const SettingSpec& spec) {
  const std::string current = s.settings(chain).choice(spec.key, spec.defaultChoice);
  if (!ImGui::BeginCombo(spec.label.c_str(), current.c_str()))
    return;
  for (const auto& c : spec.choices)
    if (ImGui::Selectable(c.c_str(), c == current))
      s.setChoice(chain, spec.key, c);
  ImGui::EndCombo();
}

} // namespace

void settingWidget(ViewerSession& s, const std::string& chain, const SettingSpec& spec) {
  ImGui::PushID(spec.key.c_str());
  const double v = s.settings(chain).number(spec.key, spec.defaultValue);
  switch (spec.type) {
  case SettingType::Real: realWidget(s, chain, spec, v); break;
  case SettingType::Int: intWidget(s, chain, spec, v); break;
  case SettingType::Bool: {
    bool on = v != 0;
    if (ImGui::Checkbox(spec.label.c_str(), &on))
      s.setSetting(chain, spec.key, on ? 1 : 0);
    break;
  }
  case SettingType::Choice: choiceWidget(s, chain, spec); break;
  }
  tooltipOf(spec);
  ImGui::PopID();
}

} // namespace ebm::viewer
