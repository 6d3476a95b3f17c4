#include "loss_plots.h"

#include "loss_series.h"
#include "plot_frame.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ebm::viewer {
namespace {

// Okabe-Ito: distinguishable with the common colour-vision deficiencies (ebm-lab's too).
const ImU32 kTermColours[] = {IM_COL32(86, 180, 233, 255), IM_COL32(230, 159, 0, 255),
                              IM_COL32(0, 158, 115, 255),  IM_COL32(204, 121, 167, 255),
                              IM_COL32(213, 94, 0, 255),   IM_COL32(240, 228, 66, 255)};
constexpr int kTermColourCount = 6;
constexpr double kRangeQuantile = 0.01;

ImU32 withAlpha(ImU32 c, int alpha) {
  return (c & ~IM_COL32_A_MASK) | (ImU32(alpha) << IM_COL32_A_SHIFT);
}

double halfLifeFor(const std::vector<long>& iterations) {
  // About a fiftieth of the history, so the average follows a long run as well as a short one.
  if (iterations.size() < 2)
    return 1;
  return std::max(1.0, double(iterations.back() - iterations.front()) / 50.0);
}

void drawGroup(const LossHistory& h, const ui::LossPlotGroup& g, ImVec2 p, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const std::vector<double> xs(h.iterations.begin(), h.iterations.end());
  std::vector<double> all;
  for (int k : g.columns) {
    const auto col = ui::lossColumn(h, k);
    all.insert(all.end(), col.begin(), col.end());
  }
  const ui::ValueRange yr = ui::robustRange(all, kRangeQuantile);
  double lo = yr.valid() ? yr.lo : 0, hi = yr.valid() ? yr.hi : 1;
  pad(lo, hi, 0.08);
  const PlotFrame f(p, size, {xs.front(), std::max(xs.back(), xs.front() + 1), lo, hi});
  f.drawAxes(dl, g.title, "training iteration", "");
  dl->PushClipRect(f.areaMin(), f.areaMax(), true);
  float legendY = f.areaMin().y + 4;
  const double halfLife = halfLifeFor(h.iterations);
  for (size_t t = 0; t < g.columns.size(); ++t) {
    const ImU32 c = kTermColours[t % kTermColourCount];
    const auto raw = ui::lossColumn(h, g.columns[t]);
    f.polyline(dl, xs, raw, withAlpha(c, 60), 1.0f);
    f.polyline(dl, xs, ui::emaSmooth(h.iterations, raw, halfLife), c, 2.0f);
    const std::string& name = h.names[size_t(g.columns[t])];
    dl->AddText(ImVec2(f.areaMax().x - ImGui::CalcTextSize(name.c_str()).x - 6, legendY), c,
                name.c_str());
    legendY += ImGui::GetFontSize();
  }
  dl->PopClipRect();
  if (ImGui::IsItemHovered() && f.contains(ImGui::GetMousePos())) {
    const size_t i = ui::nearestRow(h.iterations, f.xAt(ImGui::GetMousePos().x));
    std::string text = "iteration " + std::to_string(h.iterations[i]);
    for (int k : g.columns)
      text += "\n" + h.names[size_t(k)] + ": " + tickText(h.rows[i][size_t(k)], 5);
    ImGui::SetTooltip("%s", text.c_str());
  }
}

} // namespace

void lossPlots(const std::shared_ptr<const LossHistory>& history, const MethodInfo* method,
               ImVec2 size) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  if (!history || history->iterations.size() < 2 || !method) {
    ImGui::Dummy(size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), IM_COL32(18, 20, 26, 255));
    dl->AddText(ImVec2(p.x + 8, p.y + 6), IM_COL32(235, 238, 245, 255), "Training losses");
    const char* none = "no training yet: press T to train";
    centredText(dl, p, size, none, IM_COL32(150, 155, 165, 255));
    return;
  }
  // Side by side where each plot has room for its ticks, else one tab per plot.
  const auto groups = ui::lossPlotGroups(method->lossGroups, history->names, false);
  if (groups.empty())
    return;
  const int n = int(groups.size());
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float w = (size.x - gap * float(n - 1)) / float(n);
  if (w >= ImGui::GetFontSize() * 14) {
    for (int i = 0; i < n; ++i) {
      if (i > 0)
        ImGui::SameLine(0, gap);
      const ImVec2 at = ImGui::GetCursorScreenPos();
      ImGui::InvisibleButton(("loss" + std::to_string(i)).c_str(), ImVec2(w, size.y));
      drawGroup(*history, groups[size_t(i)], at, ImVec2(w, size.y));
    }
    return;
  }
  // A child window of its own, so the tabs' contents start under the tabs, not at the row's left.
  ImGui::BeginChild("losses", size, false, ImGuiWindowFlags_NoScrollbar);
  if (ImGui::BeginTabBar("losses")) {
    for (int i = 0; i < n; ++i)
      if (ImGui::BeginTabItem(groups[size_t(i)].title.c_str())) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const ImVec2 rest(size.x, std::max(1.0f, size.y - (at.y - p.y)));
        ImGui::InvisibleButton("loss", rest);
        drawGroup(*history, groups[size_t(i)], at, rest);
        ImGui::EndTabItem();
      }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
}

} // namespace ebm::viewer
