// One widget per SettingSpec of a chain schema (core/api/method_info.h): a slider for a bounded
// number (logarithmic where the schema says so), an integer input for a wide integer range, a
// checkbox for a flag, a combo for a choice. Edits go to the session live, once per edit (when
// a drag or typing ends), so a trace records one change, not one per frame. GUI thread; ImGui.
#pragma once

#include "method_info.h"

#include <string>

namespace ebm::viewer {

class ViewerSession;

/// Draws the widget of `spec` for chain `chain`; an edit is sent to the session at once.
void settingWidget(ViewerSession& session, const std::string& chain, const SettingSpec& spec);

} // namespace ebm::viewer
