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

const char* const kButtonLabels[] = {"◀ Back", "Next ▶", "End"};

float buttonsWidth() {
  const ImGuiStyle& st = ImGui::GetStyle();
  float w = 0;
  for (const char* t : kButtonLabels)
    w += ImGui::CalcTextSize(t).x + st.FramePadding.x * 2 + st.ItemSpacing.x;
  return w;
}

float textHeight(ImFont* font, const std::string& text, float width) {
  if (text.empty())
    return 0;
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, width, text.c_str()).y;
}

/// The heading and the buttons' line: the heading wraps left of the buttons.
float headingHeight(const ViewerLessons& l, float inner) {
  const float frame = ImGui::GetFrameHeight();
  const float text = textHeight(ImGui::GetFont(), headingOf(l), inner - buttonsWidth());
  return std::max(frame, text + ImGui::GetStyle().FramePadding.y * 2) +
         ImGui::GetStyle().ItemSpacing.y;
}

/// Everything under the heading with `font` for the step's title and caption.
float bodyHeight(const ViewerLessons& l, ImFont* font, float inner) {
  return wrappedHeight(font, stepTitleOf(l), inner) + wrappedHeight(font, captionOf(l), inner) +
         wrappedHeight(ImGui::GetFont(), l.view().note, inner) +
         wrappedHeight(ImGui::GetFont(), l.error(), inner);
}

float innerWidth(float width) {
  const ImGuiStyle& st = ImGui::GetStyle();
  return width - st.WindowPadding.x * 2 - st.ScrollbarSize;
}

/// The caption font where the bar fits in `maxHeight` with it, else the text font (a small
/// window with a large --font-scale), else the caption font and a scrolling bar.
ImFont* bodyFont(const ViewerLessons& l, float width, float maxHeight) {
  const float inner = innerWidth(width);
  const float fixed = ImGui::GetStyle().WindowPadding.y * 2 + headingHeight(l, inner);
  if (fixed + bodyHeight(l, captionFont(), inner) <= maxHeight)
    return captionFont();
  return ImGui::GetFont();
}

LessonBarAction drawButtons(const ViewerLessons& l) {
  // Right-aligned on the heading line.
  const ImVec2 start = ImGui::GetCursorPos();
  ImGui::SetCursorPosX(std::max(start.x, ImGui::GetWindowContentRegionMax().x - buttonsWidth()));
  const char* const* labels = kButtonLabels;
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
  ImGui::SetCursorPos(start);
  return action;
}

} // namespace

float lessonBarHeight(const ViewerLessons& l, float width, float maxHeight) {
  const float inner = innerWidth(width);
  const float h = ImGui::GetStyle().WindowPadding.y * 2 + headingHeight(l, inner) +
                  bodyHeight(l, bodyFont(l, width, maxHeight), inner);
  return std::min(h, maxHeight);
}

LessonBarAction drawLessonBar(const ViewerLessons& l, ImVec2 size) {
  ImFont* font = bodyFont(l, size.x, size.y + 1);
  ImGui::BeginChild("lesson", size, true);
  const LessonBarAction action = drawButtons(l);
  const float headingTop = ImGui::GetCursorPosY();
  ImGui::AlignTextToFramePadding();
  ImGui::PushTextWrapPos(ImGui::GetWindowContentRegionMax().x - buttonsWidth());
  ImGui::TextColored(kHeadingColour, "%s", headingOf(l).c_str());
  ImGui::PopTextWrapPos();
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(),
                                headingTop + ImGui::GetFrameHeightWithSpacing()));
  static const ImVec4 kTitle(1.0f, 0.85f, 0.45f, 1.0f);
  wrapped(font, &kTitle, stepTitleOf(l));
  wrapped(font, nullptr, captionOf(l));
  static const ImVec4 kNote(0.7f, 0.72f, 0.78f, 1.0f);
  wrapped(ImGui::GetFont(), &kNote, l.view().note);
  wrapped(ImGui::GetFont(), &kErrorColour, l.error());
  ImGui::EndChild();
  return action;
}

} // namespace ebm::viewer
