// PlotFrame: the axes of a plot drawn with ImGui's draw lists (no plotting library): a data
// rectangle inside a screen rectangle, the mapping between them, round ticks with their labels,
// and polylines that break where a value is not finite. The curve and loss plots share it.
// GUI thread; ImGui.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace ebm::viewer {

struct DataRange {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

class PlotFrame {
public:
  /// Lays the plot out in [topLeft, topLeft + size] with room for tick labels and a title line.
  PlotFrame(ImVec2 topLeft, ImVec2 size, DataRange range);

  ImVec2 toScreen(double x, double y) const;
  double xAt(float screenX) const;
  double yAt(float screenY) const;
  ImVec2 areaMin() const { return m_min; }
  ImVec2 areaMax() const { return m_max; }
  const DataRange& range() const { return m_range; }
  bool contains(ImVec2 p) const;

  /// The y values given are log10 of the data: ticks are labelled with the data's values.
  void setLogY(bool on) { m_logY = on; }
  bool logY() const { return m_logY; }
  /// A y value as the data has it (undoes log10 on a log axis).
  double dataY(double y) const;

  /// Background, grid, ticks, the title above and the axis labels.
  void drawAxes(ImDrawList* dl, const std::string& title, const std::string& xLabel,
                const std::string& yLabel) const;
  /// A line through (xs[i], ys[i]), broken where a value is not finite.
  void polyline(ImDrawList* dl, const std::vector<double>& xs, const std::vector<double>& ys,
                ImU32 colour, float thickness) const;
  /// A band between lo and hi (per x), broken where a value is not finite.
  void band(ImDrawList* dl, const std::vector<double>& xs, const std::vector<double>& lo,
            const std::vector<double>& hi, ImU32 colour) const;
  /// A vertical dashed line at x.
  void dashedVertical(ImDrawList* dl, double x, ImU32 colour) const;

private:
  ImVec2 m_min, m_max;
  DataRange m_range;
  bool m_logY = false;
};

/// log10 of every value of a curve's rows (NaN where a value is not positive), for a log axis.
std::vector<std::vector<float>> log10Rows(const std::vector<std::vector<float>>& rows);

/// The range of the finite values in `values` (padded by `pad` of its span on both sides); a flat
/// or empty set gets a small range around its value (or [0, 1]).
void widen(double& lo, double& hi, const std::vector<double>& values);
void pad(double& lo, double& hi, double share);

/// `text` wrapped to the box and centred in it (a plot's or a view's placeholder).
void centredText(ImDrawList* dl, ImVec2 topLeft, ImVec2 size, const char* text, ImU32 colour);

/// Short number for a tick or readout ("0.0123", "1.2e+03").
std::string tickText(double v, int decimals);

} // namespace ebm::viewer
