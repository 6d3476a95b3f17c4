// LandscapeTools: the teaching tools of the 2-D landscape, owned by LandscapeView. Selected
// particles get arrows for the drift -½s²∇E and the noise n ξ of the move they take from the step
// at the cursor (one common scale, with a legend and the lengths in numbers); clicks in "place
// starts" mode add chain starts (hollow numbered squares) that the next revision of the data
// chain starts from; and a histogram of where the chains have been, beside the true density on
// the same grid, as an inset. It holds the state and paints it with QPainter; the view routes
// clicks, keys (S, A, D, C, H) and menu actions to it. The geometry is ui/common's
// particle_tools. GUI thread only.
#pragma once

#include "particle_tools.h"

#include <QColor>
#include <QRect>
#include <QObject>
#include <QPoint>
#include <QSize>

#include <array>
#include <cstdint>
#include <map>
#include <vector>

class QMenu;
class QPainter;
class QFont;

namespace ebm::ui {

namespace landscape_tool_colors {
inline const QColor kDrift{255, 150, 20};   // drift arrows
inline const QColor kNoise{90, 215, 255};   // noise arrows
inline const QColor kStartMark{190, 255, 60};  // placed starts (hollow squares)
inline const QColor kSelected{255, 255, 255};  // ring round a selected particle
} // namespace landscape_tool_colors

/// What the tools paint over: the plot, the view and what it shows.
struct ToolScene {
  PlaneRect view;
  const Trace* trace = nullptr;   // a plane trace or nullptr
  const Landscape* landscape = nullptr;
  int cursorStep = -1;
  QRect aside;  // free room beside the plot (under its legend) for the arrows' legend; may be empty
};

class LandscapeTools : public QObject {
  Q_OBJECT
public:
  static constexpr int kRandomPick = 5;
  static constexpr int kHistogramBins = 32;

  explicit LandscapeTools(QObject* parent = nullptr);

  // Particle selection (arrows).
  const std::vector<int>& selected() const { return m_selected; }
  void setSelected(std::vector<int> chains);
  /// A click at (x, y): selects the chain there (`add`: toggles it in the selection instead);
  /// in start mode it places a start. `pickRadius` is in data units. Returns what it did.
  enum class ClickResult { None, Selected, Deselected, StartPlaced, Cleared };
  ClickResult click(const Trace* trace, int cursorStep, double x, double y, bool add,
                    double pickRadius);
  /// kRandomPick chains of the trace, another pick each time.
  void selectRandom(const Trace* trace);
  void clearSelection();
  /// The arrows drawn now (for tests and the legend).
  std::vector<ChainArrow> arrows(const Trace* trace, int cursorStep) const;

  // Chain starts.
  bool placingStarts() const { return m_placing; }
  void setPlacingStarts(bool on);
  const std::vector<std::array<float, 2>>& starts() const { return m_starts; }
  void addStart(float x, float y);
  void clearStarts();

  // Position histogram.
  bool histogramShown() const { return m_histogram; }
  void setHistogramShown(bool on);

  /// The tools' entries, for the view's context menu and its Tools button.
  void addActions(QMenu* menu);
  /// Paints the arrows, starts, mode banner and histogram inside `plot`.
  void paint(QPainter& p, const QRect& plot, const ToolScene& scene, const QFont& font) const;

Q_SIGNALS:
  void changed();
  void startsChanged(int count);
  /// The menu asked for a random pick (the view knows the trace).
  void randomPickWanted();

private:
  void paintStarts(QPainter& p, const QRect& plot, const PlaneRect& view) const;
  void paintArrows(QPainter& p, const QRect& plot, const ToolScene& scene) const;
  void paintArrowLegend(QPainter& p, const QRect& plot, const QRect& aside,
                        const std::vector<ChainArrow>& arrows, double scale) const;
  void paintBanner(QPainter& p, const QRect& plot) const;
  QRect legendCorner(const QRect& plot, QSize size, const std::vector<ChainArrow>& list) const;
  void paintHistogram(QPainter& p, const QRect& plot, const ToolScene& scene) const;

  std::vector<int> m_selected;
  std::vector<std::array<float, 2>> m_starts;
  bool m_placing = false;
  bool m_histogram = false;
  uint64_t m_picks = 0;
  mutable std::map<int, QPoint> m_lastPlotPositions;  // selected chains where last painted
};

} // namespace ebm::ui
