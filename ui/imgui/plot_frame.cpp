#include "plot_frame.h"

#include "landscape_frame.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ebm::viewer {
namespace {

const ImU32 kGrid = IM_COL32(255, 255, 255, 22);
const ImU32 kAxisText = IM_COL32(190, 195, 205, 255);

} // namespace

PlotFrame::PlotFrame(ImVec2 topLeft, ImVec2 size, DataRange range) : m_range(range) {
  const float font = ImGui::GetFontSize();
  m_min = ImVec2(topLeft.x + font * 4.2f, topLeft.y + font * 1.5f);
  m_max = ImVec2(topLeft.x + size.x - font * 1.1f, topLeft.y + size.y - font * 2.6f);
  if (m_range.x1 <= m_range.x0)
    m_range.x1 = m_range.x0 + 1;
  if (m_range.y1 <= m_range.y0)
    m_range.y1 = m_range.y0 + 1;
}

ImVec2 PlotFrame::toScreen(double x, double y) const {
  const double u = (x - m_range.x0) / (m_range.x1 - m_range.x0);
  const double v = (y - m_range.y0) / (m_range.y1 - m_range.y0);
  return ImVec2(m_min.x + float(u) * (m_max.x - m_min.x), m_max.y - float(v) * (m_max.y - m_min.y));
}

double PlotFrame::xAt(float sx) const {
  return m_range.x0 + double(sx - m_min.x) / double(m_max.x - m_min.x) * (m_range.x1 - m_range.x0);
}

double PlotFrame::yAt(float sy) const {
  return m_range.y0 + double(m_max.y - sy) / double(m_max.y - m_min.y) * (m_range.y1 - m_range.y0);
}

bool PlotFrame::contains(ImVec2 p) const {
  return p.x >= m_min.x && p.x <= m_max.x && p.y >= m_min.y && p.y <= m_max.y;
}

double PlotFrame::dataY(double y) const {
  return m_logY ? std::pow(10.0, y) : y;
}

void PlotFrame::drawAxes(ImDrawList* dl, const std::string& title, const std::string& xLabel,
                         const std::string& yLabel) const {
  const float font = ImGui::GetFontSize();
  dl->AddRectFilled(m_min, m_max, IM_COL32(18, 20, 26, 255));
  // As many ticks as fit without their labels touching.
  const int xTicks = std::clamp(int((m_max.x - m_min.x) / (font * 3.5f)), 2, 8);
  const int yTicks = std::clamp(int((m_max.y - m_min.y) / (font * 1.8f)), 2, 6);
  const auto xt = ui::niceTicks(m_range.x0, m_range.x1, xTicks);
  for (double x : xt.values) {
    const ImVec2 p = toScreen(x, m_range.y0);
    dl->AddLine(ImVec2(p.x, m_min.y), ImVec2(p.x, m_max.y), kGrid);
    const std::string t = tickText(x, xt.decimals);
    dl->AddText(ImVec2(p.x - ImGui::CalcTextSize(t.c_str()).x * 0.5f, m_max.y + 2), kAxisText,
                t.c_str());
  }
  const auto yt = ui::niceTicks(m_range.y0, m_range.y1, yTicks);
  for (double y : yt.values) {
    const ImVec2 p = toScreen(m_range.x0, y);
    dl->AddLine(ImVec2(m_min.x, p.y), ImVec2(m_max.x, p.y), kGrid);
    const std::string t = m_logY ? tickText(dataY(y), 2) : tickText(y, yt.decimals);
    dl->AddText(ImVec2(m_min.x - ImGui::CalcTextSize(t.c_str()).x - 4, p.y - font * 0.5f),
                kAxisText, t.c_str());
  }
  dl->AddRect(m_min, m_max, IM_COL32(255, 255, 255, 60));
  dl->AddText(ImVec2(m_min.x, m_min.y - font * 1.3f), IM_COL32(235, 238, 245, 255),
              title.c_str());
  const std::string axes =
      xLabel + (yLabel.empty() ? "" : "  ·  y: " + yLabel) + (m_logY ? " (log)" : "");
  dl->AddText(ImVec2(m_min.x, m_max.y + font * 1.2f), kAxisText, axes.c_str());
}

void PlotFrame::polyline(ImDrawList* dl, const std::vector<double>& xs,
                         const std::vector<double>& ys, ImU32 colour, float thickness) const {
  std::vector<ImVec2> run;
  auto flush = [&] {
    if (run.size() >= 2)
      dl->AddPolyline(run.data(), int(run.size()), colour, 0, thickness);
    run.clear();
  };
  const size_t n = std::min(xs.size(), ys.size());
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(ys[i])) {
      flush();
      continue;
    }
    const double y = std::clamp(ys[i], m_range.y0 - 10 * (m_range.y1 - m_range.y0),
                                m_range.y1 + 10 * (m_range.y1 - m_range.y0));
    run.push_back(toScreen(xs[i], y));
  }
  flush();
}

void PlotFrame::band(ImDrawList* dl, const std::vector<double>& xs, const std::vector<double>& lo,
                     const std::vector<double>& hi, ImU32 colour) const {
  // Without anti-aliased fills: the seams between neighbouring quads would show as lines.
  const ImDrawListFlags flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (size_t i = 1; i < xs.size() && i < lo.size() && i < hi.size(); ++i) {
    if (!std::isfinite(lo[i - 1]) || !std::isfinite(lo[i]) || !std::isfinite(hi[i - 1]) ||
        !std::isfinite(hi[i]))
      continue;
    dl->AddQuadFilled(toScreen(xs[i - 1], lo[i - 1]), toScreen(xs[i], lo[i]),
                      toScreen(xs[i], hi[i]), toScreen(xs[i - 1], hi[i - 1]), colour);
  }
  dl->Flags = flags;
}

void PlotFrame::dashedVertical(ImDrawList* dl, double x, ImU32 colour) const {
  const float sx = toScreen(x, 0).x;
  for (float y = m_min.y; y < m_max.y; y += 8)
    dl->AddLine(ImVec2(sx, y), ImVec2(sx, std::min(y + 4, m_max.y)), colour, 1.0f);
}

std::vector<std::vector<float>> log10Rows(const std::vector<std::vector<float>>& rows) {
  std::vector<std::vector<float>> out(rows);
  for (auto& row : out)
    for (float& v : row)
      v = v > 0 ? std::log10(v) : std::numeric_limits<float>::quiet_NaN();
  return out;
}

void widen(double& lo, double& hi, const std::vector<double>& values) {
  for (double v : values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
}

void pad(double& lo, double& hi, double share) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi < lo) {
    lo = 0;
    hi = 1;
    return;
  }
  const double span = hi - lo;
  const double margin = span > 0 ? span * share : std::max(1e-6, std::fabs(lo) * 0.05 + 1e-3);
  lo -= margin;
  hi += margin;
}

void centredText(ImDrawList* dl, ImVec2 p, ImVec2 size, const char* text, ImU32 colour) {
  const float wrap = std::max(40.0f, size.x - 16.0f);
  const ImVec2 t = ImGui::CalcTextSize(text, nullptr, false, wrap);
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(),
              ImVec2(p.x + (size.x - t.x) * 0.5f, p.y + (size.y - t.y) * 0.5f), colour, text,
              nullptr, wrap);
}

std::string tickText(double v, int decimals) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3))
    std::snprintf(buf, sizeof buf, "%.2g", v);
  else
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 4), v);
  return buf;
}

} // namespace ebm::viewer
