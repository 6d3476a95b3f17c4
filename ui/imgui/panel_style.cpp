#include "panel_style.h"

#include <imgui.h>

#include <filesystem>

namespace ebm::viewer {
namespace {

constexpr float kBaseFontPx = 16.0f;
constexpr float kCaptionFontRatio = 1.4f;  // a lesson's caption, read from the back of a hall
ImFont* g_captionFont = nullptr;
const char* const kFontFiles[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  "/usr/share/fonts/dejavu/DejaVuSans.ttf"};

const ImWchar* glyphRanges() {
  // Latin, Greek (ξ, σ, ∇ ...), general punctuation (–, —, …, ·), arrows, maths, blocks and
  // geometric shapes (◀ ▶).
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F,
                                   0x2190, 0x21FF, 0x2200, 0x22FF, 0x2580, 0x25FF, 0};
  return ranges;
}

void loadFont(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  g_captionFont = nullptr;
  for (const char* file : kFontFiles)
    if (std::filesystem::exists(file) &&
        io.Fonts->AddFontFromFileTTF(file, kBaseFontPx * scale, nullptr, glyphRanges())) {
      g_captionFont = io.Fonts->AddFontFromFileTTF(file, kBaseFontPx * scale * kCaptionFontRatio,
                                                   nullptr, glyphRanges());
      return;
    }
  // Without the font: ImGui's own bitmap font, scaled.
  io.Fonts->AddFontDefault();
  io.FontGlobalScale = scale;
}

} // namespace

void applyStyle(float scale) {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.GrabRounding = 3;
  style.WindowBorderSize = 0;
  style.ItemSpacing = ImVec2(8, 5);
  style.WindowPadding = ImVec2(8, 8);
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
  style.Colors[ImGuiCol_ChildBg] = ImVec4(0.11f, 0.12f, 0.15f, 1.0f);
  style.ScaleAllSizes(scale);
  loadFont(scale);
}

ImFont* captionFont() {
  return g_captionFont ? g_captionFont : ImGui::GetFont();
}

void sectionTitle(const char* title) {
  ImGui::Spacing();
  ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "%s", title);
  ImGui::Separator();
}

void helpTip(const char* text) {
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", text);
}

} // namespace ebm::viewer
