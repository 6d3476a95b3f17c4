#include "curve_plot.h"

#include "plot_frame.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ebm::viewer {
namespace {

const ImU32 kMean = IM_COL32(90, 170, 255, 255);
const ImU32 kBand = IM_COL32(90, 170, 255, 55);
const ImU32 kFaint = IM_COL32(90, 170, 255, 40);
const ImU32 kPinned = IM_COL32(240, 160, 80, 230);
const ImU32 kCursor = IM_COL32(255, 170, 0, 255);
const ImU32 kMark = IM_COL32(200, 200, 200, 110);

std::vector<double> chainColumn(const ui::ChainBundle& b, size_t chain) {
  std::vector<double> v(b.values.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < b.values.size(); ++i)
    if (chain < b.values[i].size())
      v[i] = b.values[i][chain];
  return v;
}

DataRange rangeOf(const ui::ChainBundle& b, const ui::BundleStats& s,
                  const ui::ChainBundle* pinned, const ui::BundleStats* ps) {
  DataRange r;
  r.x0 = b.x.empty() ? 0 : b.x.front();
  r.x1 = b.x.empty() ? 1 : b.x.back();
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  widen(lo, hi, s.lo);
  widen(lo, hi, s.hi);
  widen(lo, hi, s.mean);
  if (pinned && ps && !pinned->x.empty()) {
    r.x1 = std::max(r.x1, pinned->x.back());
    widen(lo, hi, ps->mean);
  }
  pad(lo, hi, 0.08);
  r.y0 = lo;
  r.y1 = hi;
  return r;
}

void drawMarks(ImDrawList* dl, const PlotFrame& f, const ui::ChainBundle& b) {
  // Labels sit at the bottom of the plot, moved up a row where they would overlap.
  const float font = ImGui::GetFontSize();
  std::vector<float> rowEnds;
  for (const auto& [x, label] : b.marks) {
    f.dashedVertical(dl, x, kMark);
    const float sx = f.toScreen(x, 0).x + 3;
    size_t row = 0;
    while (row < rowEnds.size() && rowEnds[row] > sx)
      ++row;
    if (row == rowEnds.size())
      rowEnds.push_back(0);
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    rowEnds[row] = sx + w + 6;
    const ImVec2 p(sx, f.areaMax().y - font * (1.1f + 1.1f * float(row % 3)));
    dl->AddRectFilled(p, ImVec2(p.x + w + 4, p.y + font), IM_COL32(30, 32, 40, 210));
    dl->AddText(ImVec2(p.x + 2, p.y), IM_COL32(220, 220, 220, 255), label.c_str());
  }
}

void drawLegend(ImDrawList* dl, const PlotFrame& f, const CurveView& v) {
  // On the title's line, right-aligned; left out when the plot is too narrow for both.
  const float font = ImGui::GetFontSize();
  std::string text = "— mean  ▒ 10–90 %  faint: chains";
  if (v.pinned)
    text += "  ▬ pinned " + v.pinnedLabel;
  const float width = ImGui::CalcTextSize(text.c_str()).x;
  const float room = f.areaMax().x - f.areaMin().x - ImGui::CalcTextSize(v.title.c_str()).x - font;
  if (width > room)
    return;
  const ImVec2 p(f.areaMax().x - width, f.areaMin().y - font * 1.3f);
  dl->AddText(p, IM_COL32(170, 185, 205, 255), text.c_str());
}

size_t nearestIndex(const std::vector<double>& xs, double x) {
  const auto it = std::lower_bound(xs.begin(), xs.end(), x);
  if (it == xs.end())
    return xs.size() - 1;
  const size_t i = size_t(it - xs.begin());
  return i > 0 && x - xs[i - 1] < xs[i] - x ? i - 1 : i;
}

void hoverReadout(const PlotFrame& f, const ui::ChainBundle& b, const ui::BundleStats& s) {
  // Values as the data has them, whatever the axis.
  auto d = [&f](double y) { return f.dataY(y); };
  const ImVec2 m = ImGui::GetMousePos();
  const size_t i = nearestIndex(b.x, f.xAt(m.x));
  const double y = f.yAt(m.y);
  // The chain whose value at that step is nearest the mouse.
  int chain = -1;
  double best = std::numeric_limits<double>::infinity();
  for (size_t c = 0; c < b.values[i].size(); ++c)
    if (std::isfinite(b.values[i][c]) && std::fabs(b.values[i][c] - y) < best) {
      best = std::fabs(b.values[i][c] - y);
      chain = int(c);
    }
  const char* mean = f.logY() ? "geometric mean" : "mean";
  if (chain < 0)
    ImGui::SetTooltip("step %d\n%s %.5g", int(b.x[i]), mean, d(s.mean[i]));
  else
    ImGui::SetTooltip("step %d\n%s %.5g  (10–90 %%: %.4g … %.4g)\nchain %d: %.5g\nmouse y: %.4g\n"
                      "(right-click: log scale)",
                      int(b.x[i]), mean, d(s.mean[i]), d(s.lo[i]), d(s.hi[i]), chain,
                      d(double(b.values[i][size_t(chain)])), d(y));
}

void placeholder(ImDrawList* dl, ImVec2 p, ImVec2 size, const CurveView& v) {
  dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), IM_COL32(18, 20, 26, 255));
  dl->AddText(ImVec2(p.x + 8, p.y + 6), IM_COL32(235, 238, 245, 255), v.title.c_str());
  centredText(dl, p, size, v.placeholder.c_str(), IM_COL32(150, 155, 165, 255));
}

void drawCurves(ImDrawList* dl, const PlotFrame& f, const CurveView& v,
                const ui::BundleStats& s, const ui::BundleStats* ps) {
  const ui::ChainBundle& b = *v.bundle;
  const size_t chains = b.values.empty() ? 0 : b.values.front().size();
  for (size_t c = 0; c < chains && int(c) < v.maxChains; ++c)
    f.polyline(dl, b.x, chainColumn(b, c), kFaint, 1.0f);
  f.band(dl, b.x, s.lo, s.hi, kBand);
  if (ps)
    f.polyline(dl, v.pinned->x, ps->mean, kPinned, 1.5f);
  f.polyline(dl, b.x, s.mean, kMean, 2.5f);
}

bool logScaleMenu(const char* id) {
  // Right-click on a plot: log scale on or off, kept per plot for the session.
  ImGuiStorage* store = ImGui::GetStateStorage();
  const ImGuiID key = ImGui::GetID((std::string(id) + ".log").c_str());
  bool on = store->GetBool(key, false);
  if (ImGui::BeginPopupContextItem((std::string(id) + ".menu").c_str())) {
    if (ImGui::MenuItem("log scale", nullptr, &on))
      store->SetBool(key, on);
    ImGui::EndPopup();
  }
  return on;
}

} // namespace

int curvePlot(const char* id, const CurveView& given, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool logY = logScaleMenu(id);
  if (!given.bundle || given.bundle->x.empty() || given.bundle->values.empty()) {
    placeholder(dl, p, size, given);
    return -1;
  }
  // On a log axis the curves are drawn from log10 of the values.
  CurveView v = given;
  ui::ChainBundle logBundle, logPinned;
  if (logY) {
    logBundle = *given.bundle;
    logBundle.values = log10Rows(logBundle.values);
    v.bundle = &logBundle;
    if (given.pinned) {
      logPinned = *given.pinned;
      logPinned.values = log10Rows(logPinned.values);
      v.pinned = &logPinned;
    }
  }
  const ui::BundleStats s = ui::bundleStats(*v.bundle);
  ui::BundleStats pinnedStats;
  const bool hasPin = v.pinned && !v.pinned->x.empty();
  if (hasPin)
    pinnedStats = ui::bundleStats(*v.pinned);
  PlotFrame f(p, size, rangeOf(*v.bundle, s, v.pinned, hasPin ? &pinnedStats : nullptr));
  f.setLogY(logY);
  f.drawAxes(dl, v.title, v.xLabel, v.yLabel);
  dl->PushClipRect(f.areaMin(), f.areaMax(), true);
  drawCurves(dl, f, v, s, hasPin ? &pinnedStats : nullptr);
  drawMarks(dl, f, *v.bundle);
  if (v.cursorStep >= 0) {
    const float sx = f.toScreen(v.cursorStep, 0).x;
    dl->AddLine(ImVec2(sx, f.areaMin().y), ImVec2(sx, f.areaMax().y), kCursor, 2.0f);
  }
  dl->PopClipRect();
  drawLegend(dl, f, v);
  if (ImGui::IsItemHovered() && f.contains(ImGui::GetMousePos()))
    hoverReadout(f, *v.bundle, s);
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left))
    return int(std::lround(std::clamp(f.xAt(ImGui::GetMousePos().x), f.range().x0,
                                      f.range().x1)));
  return -1;
}

} // namespace ebm::viewer
