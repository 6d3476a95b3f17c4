// The lesson bar: "lesson title · step i / n" with Back / Next / End, then the step's title and
// caption in the larger caption font (wrapped to the bar, so --font-scale enlarges them for a
// hall), a note for a panel the viewer lacks, and the error in red. Its height follows the text
// (at most `maxHeight`; a longer caption scrolls). GUI thread; ImGui.
#pragma once

#include <imgui.h>

namespace ebm::viewer {

class ViewerLessons;

enum class LessonBarAction { None, Back, Next, End };

/// The height the bar needs at `width` pixels, capped at `maxHeight`.
float lessonBarHeight(const ViewerLessons& lessons, float width, float maxHeight);
/// Draws the bar in a `size` box at the cursor; returns the button pressed.
LessonBarAction drawLessonBar(const ViewerLessons& lessons, ImVec2 size);

} // namespace ebm::viewer
