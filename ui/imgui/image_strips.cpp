#include "image_strips.h"

#include "plot_frame.h"
#include "strip_columns.h"
#include "viewer_session.h"

#include <algorithm>

namespace ebm::viewer {
namespace {

constexpr int kMaxRows = 8;

void emptyNote(ImVec2 size, const char* text) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  centredText(ImGui::GetWindowDrawList(), p, size, text, IM_COL32(150, 155, 165, 255));
}

void stepLabels(const Trace& trace, const std::vector<int>& columns, ImVec2 at, float tileW) {
  // Step numbers above the columns, as many as fit without overlapping.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float freeFrom = -1e9f;
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::string t = std::to_string(trace.snapshots[size_t(columns[c])].step);
    const float x = at.x + tileW * (float(c) + 0.5f) - ImGui::CalcTextSize(t.c_str()).x * 0.5f;
    if (x < freeFrom)
      continue;
    dl->AddText(ImVec2(x, at.y), IM_COL32(170, 175, 185, 255), t.c_str());
    freeFrom = x + ImGui::CalcTextSize(t.c_str()).x + 6;
  }
}

} // namespace

void ImageStrips::draw(ViewerSession& s, ImVec2 size) {
  // Two strips side by side where the view is wide (larger samples for a class), else stacked.
  const auto data = s.dataTrace();
  const auto latent = s.latentTrace();
  const bool both = latent && !latent->decodedShape.empty();
  const bool sideBySide = both && size.x > 1.4f * size.y;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 each = !both ? size
                      : sideBySide ? ImVec2((size.x - gap) * 0.5f, size.y)
                                   : ImVec2(size.x, (size.y - gap) * 0.5f);
  const MethodInfo* info = s.method();
  const ChainSpec* dspec = info ? info->chain(s.shown().data) : nullptr;
  ImGui::BeginChild("strip.data", each, false, ImGuiWindowFlags_NoScrollbar);
  drawStrip(s, m_data, data, dspec ? dspec->title : std::string("samples"), false,
            ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  if (!both)
    return;
  if (sideBySide)
    ImGui::SameLine();
  const ChainSpec* lspec = info ? info->chain(s.shown().latent) : nullptr;
  ImGui::BeginChild("strip.latent", each, false, ImGuiWindowFlags_NoScrollbar);
  drawStrip(s, m_latent, latent,
            (lspec ? lspec->title : std::string("latent chain")) + ", decoded", true,
            ImGui::GetContentRegionAvail());
  ImGui::EndChild();
}

void ImageStrips::drawStrip(ViewerSession& s, Strip& strip,
                            const std::shared_ptr<const Trace>& trace, const std::string& title,
                            bool decoded, ImVec2 size) {
  const float font = ImGui::GetFontSize();
  ImGui::TextUnformatted(title.c_str());
  if (!trace || trace->snapshots.empty()) {
    emptyNote(ImVec2(size.x, size.y - font * 1.4f), "waiting for the first revision…");
    return;
  }
  const auto& shape = decoded ? trace->decodedShape : trace->stateShape;
  const float tileSide = shape.size() == 3 ? float(shape[2]) : 28.0f;
  const float avail = size.y - font * 2.6f;
  // As many chains as fit with samples at least ~2.4 lines of text tall.
  const int rows = std::clamp(int(avail / (font * 2.4f)), 1, std::min(kMaxRows, trace->chains));
  const float scale = std::max(1.0f, avail / (float(rows) * (tileSide + 2)));
  const int maxColumns = std::max(2, int(size.x / (scale * (tileSide + 2))));
  const int cursor = s.cursor().shownStep();
  if (strip.trace != trace || strip.cursor != cursor || strip.maxColumns != maxColumns ||
      strip.maxRows != rows) {
    strip.trace = trace;
    strip.cursor = cursor;
    strip.maxColumns = maxColumns;
    strip.maxRows = rows;
    strip.columns = ui::stripColumns(*trace, cursor, maxColumns);
    const ui::StripAtlas atlas = ui::stripAtlas(*trace, strip.columns, rows, decoded);
    strip.rows = std::max(1, atlas.rows);
    if (atlas.width > 0)
      strip.texture.upload(atlas.chw.data(), atlas.channels, atlas.height, atlas.width);
    else
      strip.columns.clear();
  }
  if (!strip.texture.id() || strip.columns.empty()) {
    emptyNote(ImVec2(size.x, size.y - font * 1.4f), "these states are not images");
    return;
  }
  const float fit = std::min(size.x / float(strip.texture.width()),
                             avail / float(strip.texture.height()));
  const ImVec2 img(float(strip.texture.width()) * fit, float(strip.texture.height()) * fit);
  stepLabels(*trace, strip.columns, ImGui::GetCursorScreenPos(),
             img.x / float(strip.columns.size()));
  ImGui::Dummy(ImVec2(size.x, font * 1.1f));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(strip.texture.id())), img);
  if (ImGui::IsItemHovered()) {
    // The tile under the mouse: its snapshot's step and its chain; a click moves the cursor.
    const ImVec2 m = ImGui::GetMousePos();
    const int col = std::clamp(int((m.x - at.x) / img.x * float(strip.columns.size())), 0,
                               int(strip.columns.size()) - 1);
    const int row = std::clamp(int((m.y - at.y) / img.y * float(strip.rows)), 0, strip.rows - 1);
    const int step = trace->snapshots[size_t(strip.columns[size_t(col)])].step;
    ImGui::SetTooltip("step %d · chain %d (click: move the step cursor here)", step, row);
    if (ImGui::IsItemClicked())
      s.cursor().set(step);
  }
  ImGui::Dummy(ImVec2(size.x, std::max(0.0f, avail - img.y)));
}

} // namespace ebm::viewer
