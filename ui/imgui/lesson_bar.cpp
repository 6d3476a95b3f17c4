#include "lesson_bar.h"

#include "panel_style.h"
#include "viewer_lessons.h"

#include <algorithm>
#include <string>

namespace ebm::viewer {
namespace {

const ImVec4 kHeadingColour(0.55f, 0.75f, 1.0f, 1.0f);
const ImVec4 kErrorColour(1.0f, 0.45f, 0.4f, 1.0f);

std::string headingOf(const ViewerLessons& l) {
  const auto& p = l.player();
  if (!p.active())
    return l.error().empty() ? "Lesson" : "The lesson could not be opened (Esc closes this bar)";
  std::string text = p.lesson().title + "  ·  step " + std::to_string(p.stepIndex() + 1) +
                     " / " + std::to_string(p.stepCount());
  if (p.finished())
    text += "  ·  finished (Esc ends)";
  else if (p.waitingForKey())
    text += "  ·  Space: next";
  return text;
}

const char* captionOf(const ViewerLessons& l) {
  const auto* step = l.player().active() ? l.player().step() : nullptr;
  return step ? step->caption.c_str() : "";
}

const char* stepTitleOf(const ViewerLessons& l) {
  const auto* step = l.player().active() ? l.player().step() : nullptr;
  return step ? step->title.c_str() : "";
}

float wrappedHeight(ImFont* font, const std::string& text, float width) {
  if (text.empty())
    return 0;
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, width, text.c_str()).y +
         ImGui::GetStyle().ItemSpacing.y;
}

void wrapped(ImFont* font, const ImVec4* colour, const std::string& text) {
  if (text.empty())
    return;
  ImGui::PushFont(font);
  if (colour)
    ImGui::PushStyleColor(ImGuiCol_Text, *colour);
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  if (colour)
    ImGui::PopStyleColor();
  ImGui::PopFont();
}

LessonBarAction drawButtons(const ViewerLessons& l) {
  // Right-aligned on the heading line.
  const ImGuiStyle& st = ImGui::GetStyle();
  const char* labels[] = {"◀ Back", "Next ▶", "End"};
  float w = 0;
  for (const char* t : labels)
    w += ImGui::CalcTextSize(t).x + st.FramePadding.x * 2 + st.ItemSpacing.x;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - w));
  const auto& p = l.player();
  LessonBarAction action = LessonBarAction::None;
  ImGui::BeginDisabled(!p.active());
  if (ImGui::Button(labels[0]))
    action = LessonBarAction::Back;
  ImGui::SameLine();
  ImGui::BeginDisabled(p.finished() || !p.error().empty());
  if (ImGui::Button(labels[1]))
    action = LessonBarAction::Next;
  ImGui::EndDisabled();
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(labels[2]))
    action = LessonBarAction::End;
  return action;
}

} // namespace

float lessonBarHeight(const ViewerLessons& l, float width, float maxHeight) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float inner = width - st.WindowPadding.x * 2 - st.ScrollbarSize;
  ImFont* text = ImGui::GetFont();
  float h = st.WindowPadding.y * 2 + ImGui::GetFrameHeightWithSpacing();
  h += wrappedHeight(captionFont(), stepTitleOf(l), inner);
  h += wrappedHeight(captionFont(), captionOf(l), inner);
  h += wrappedHeight(text, l.view().note, inner);
  h += wrappedHeight(text, l.error(), inner);
  return std::min(h, maxHeight);
}

LessonBarAction drawLessonBar(const ViewerLessons& l, ImVec2 size) {
  ImGui::BeginChild("lesson", size, true);
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kHeadingColour, "%s", headingOf(l).c_str());
  const LessonBarAction action = drawButtons(l);
  static const ImVec4 kTitle(1.0f, 0.85f, 0.45f, 1.0f);
  wrapped(captionFont(), &kTitle, stepTitleOf(l));
  wrapped(captionFont(), nullptr, captionOf(l));
  static const ImVec4 kNote(0.7f, 0.72f, 0.78f, 1.0f);
  wrapped(ImGui::GetFont(), &kNote, l.view().note);
  wrapped(ImGui::GetFont(), &kErrorColour, l.error());
  ImGui::EndChild();
  return action;
}

} // namespace ebm::viewer
