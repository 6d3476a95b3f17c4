#include "landscape_panel.h"

#include "landscape_palette.h"
#include "landscape_refresh.h"
#include "level_ladder.h"
#include "plot_frame.h"
#include "viewer_session.h"

#include <algorithm>
#include <cstdio>

namespace ebm::viewer {
namespace {

const ImU32 kText = IM_COL32(200, 205, 215, 255);

ImU32 viridisColour(double t) {
  const auto c = ui::viridis(t);
  return IM_COL32(int(c[0] * 255), int(c[1] * 255), int(c[2] * 255), 255);
}

std::string energyText(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", double(v));
  return buf;
}

} // namespace

void LandscapePanel::fit(ViewerSession& s) {
  // The view follows the data and the chains with some slack: it moves when chains leave it or
  // it has become much larger than they need, not at every new snapshot of a running chain.
  const auto trace = s.dataTrace();
  const auto& snap = s.snapshot();
  const auto landscape = snap ? snap->landscape : nullptr;
  const bool newLandscape = landscape != m_landscape;
  if (newLandscape) {
    m_landscape = landscape;
    m_renderer.setLandscape(landscape);
  }
  if (trace == m_fittedTo && !newLandscape)
    return;
  m_fittedTo = trace;
  const auto data = landscape ? ui::boundsOf(landscape->data) : std::nullopt;
  const ui::PlaneRect wanted = ui::fitView(data, trace.get());
  if (m_fitted && m_view.contains(wanted) && wanted.width() > 0.6 * m_view.width())
    return;
  m_fitted = data.has_value();
  m_view = wanted;
  const ui::SquareRange square = ui::coveringSquare(m_view);
  s.landscapeRefresh().setRange(square.lo, square.hi);
}

void LandscapePanel::drawLevelBar(ViewerSession& s) {
  const MethodInfo* info = s.method();
  const int levels = info ? info->capabilities.noiseLevels : 0;
  if (levels <= 0) {
    s.landscapeRefresh().setLevel(-1);
    return;
  }
  const auto trace = s.dataTrace();
  const bool ladder = trace && s.shown().data == s.shown().ladder;
  if (m_follow && ladder)
    if (const int l = ui::levelAtStep(*trace, s.cursor().shownStep()); l >= 0)
      m_level = l;
  m_level = std::clamp(m_level, 0, levels - 1);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  if (ImGui::SliderInt("noise level", &m_level, levels - 1, 0, "level %d"))
    m_follow = false;
  ImGui::SameLine();
  ImGui::Checkbox("follow the chain", &m_follow);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Show the energy of the level the chain is at, at the step cursor");
  s.landscapeRefresh().setLevel(m_level);
}

void LandscapePanel::draw(ViewerSession& s, ImVec2 size) {
  const float top = ImGui::GetCursorPosY();
  drawLevelBar(s);
  size.y -= ImGui::GetCursorPosY() - top;
  fit(s);
  if (m_landscape)
    if (auto r = ui::visibleEnergyRange(*m_landscape, m_view)) {
      m_range = *r;
      m_hasRange = true;
    }
  const float font = ImGui::GetFontSize();
  // A square plot with room for the tick labels on the left and the colour bar on the right.
  const float side = std::max(32.0f, std::min(size.y - font * 2.8f, size.x - font * 9.0f));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float left = std::max(0.0f, (size.x - side - font * 9.0f) * 0.5f);  // centred
  const ImVec2 a0(p0.x + left + font * 3.5f, p0.y + font * 1.3f), a1(a0.x + side, a0.y + side);
  const float scale = ImGui::GetIO().DisplayFramebufferScale.x;
  m_target.resize(int(side * scale), int(side * scale));
  m_target.bind();
  gl::LandscapeRenderer::clear(0.16f, 0.16f, 0.18f);
  gl::LandscapeRenderer::Scene scene;
  scene.view = m_view;
  scene.range = m_range;
  scene.trace = s.dataTrace();
  scene.cursorStep = s.cursor().shownStep();
  scene.pixelRatio = scale;
  m_renderer.draw(scene, 0, 0, m_target.width(), m_target.height());
  m_target.unbind();
  ImGui::SetCursorScreenPos(a0);
  // The texture's rows run bottom to top (GL); ImGui's top to bottom.
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_target.texture())),
               ImVec2(side, side), ImVec2(0, 1), ImVec2(1, 0));
  drawAxes(a0, a1);
  drawColourBar(ImVec2(a1.x + font * 1.2f, a0.y), ImVec2(a1.x + font * 2.2f, a1.y));
  if (!m_renderer.error().empty())
    ImGui::GetWindowDrawList()->AddText(ImVec2(a0.x + 6, a0.y + 6), IM_COL32(255, 120, 100, 255),
                                        m_renderer.error().c_str());
  if (auto trace = s.dataTrace()) {
    const int index = ui::snapshotAt(*trace, scene.cursorStep);
    const int outside = index >= 0 ? ui::chainsOutside(*trace, index, m_view).count : 0;
    if (outside > 0) {
      const std::string t = std::to_string(outside) + " chains outside the view";
      ImGui::GetWindowDrawList()->AddText(ImVec2(a0.x + 6, a1.y - font * 1.3f),
                                          IM_COL32(255, 200, 120, 255), t.c_str());
    }
  }
  ImGui::SetCursorScreenPos(p0);
  ImGui::Dummy(size);
}

void LandscapePanel::drawAxes(ImVec2 a0, ImVec2 a1) const {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  dl->AddRect(a0, a1, IM_COL32(255, 255, 255, 70));
  const float w = a1.x - a0.x, h = a1.y - a0.y;
  const auto xt = ui::niceTicks(m_view.xLo, m_view.xHi, 6);
  for (double x : xt.values) {
    const float sx = a0.x + float((x - m_view.xLo) / m_view.width()) * w;
    dl->AddLine(ImVec2(sx, a1.y), ImVec2(sx, a1.y + 4), kText);
    const std::string t = tickText(x, xt.decimals);
    dl->AddText(ImVec2(sx - ImGui::CalcTextSize(t.c_str()).x * 0.5f, a1.y + 4), kText, t.c_str());
  }
  const auto yt = ui::niceTicks(m_view.yLo, m_view.yHi, 6);
  for (double y : yt.values) {
    const float sy = a1.y - float((y - m_view.yLo) / m_view.height()) * h;
    dl->AddLine(ImVec2(a0.x - 4, sy), ImVec2(a0.x, sy), kText);
    const std::string t = tickText(y, yt.decimals);
    dl->AddText(ImVec2(a0.x - ImGui::CalcTextSize(t.c_str()).x - 6, sy - font * 0.5f), kText,
                t.c_str());
  }
}

void LandscapePanel::drawColourBar(ImVec2 b0, ImVec2 b1) const {
  // Viridis from the lowest energy in view (bottom) to the highest (top), with both values.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  constexpr int kSteps = 32;
  const float h = (b1.y - b0.y) / kSteps;
  for (int i = 0; i < kSteps; ++i) {
    const ImU32 c = viridisColour(1.0 - (i + 0.5) / kSteps);
    dl->AddRectFilled(ImVec2(b0.x, b0.y + h * float(i)), ImVec2(b1.x, b0.y + h * float(i + 1)), c);
  }
  dl->AddRect(b0, b1, IM_COL32(255, 255, 255, 70));
  if (!m_hasRange)
    return;
  const float font = ImGui::GetFontSize();
  dl->AddText(ImVec2(b0.x, b0.y - font * 0.1f - font), kText, ("E " + energyText(m_range.hi)).c_str());
  dl->AddText(ImVec2(b0.x, b1.y + 2), kText, energyText(m_range.lo).c_str());
  const auto chain = ui::landscape_palette::kChain;
  const float lx = b1.x + 6;
  dl->AddCircleFilled(ImVec2(lx + 5, b0.y + font * 0.6f), 4, IM_COL32(chain.r, chain.g, chain.b, 255));
  dl->AddText(ImVec2(lx + 12, b0.y), kText, "chains");
  const auto data = ui::landscape_palette::kData;
  dl->AddCircleFilled(ImVec2(lx + 5, b0.y + font * 1.6f), 2.5f, IM_COL32(data.r, data.g, data.b, 255));
  dl->AddText(ImVec2(lx + 12, b0.y + font), kText, "data");
}

} // namespace ebm::viewer
