// LossPanel: the training losses as one small plot per loss group of the loaded method, stacked
// vertically (side by side in a short dock) with a shared iteration axis and each its own y axis
// (auto-ranged to robust quantiles), raw values faint and an EMA-smoothed line bold, headline groups or all of them,
// and a readout of the values under the mouse. Which terms share a plot is the method's choice
// (MethodInfo::lossGroups); the grouping, smoothing and ranges are ui/common's loss_series.
// Replots only when the history changes and the panel is visible; the plots' layout is in
// loss_panel_layout.cpp. GUI thread only.
#pragma once

#include "loss_series.h"
#include "session.h"

#include <QVector>
#include <QWidget>

#include <memory>
#include <vector>

class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPLayoutGrid;
class QCPLegend;
class QCPMarginGroup;
class QCPTextElement;
class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QScrollArea;
class QMouseEvent;
class QSlider;
class QStackedWidget;

namespace ebm::ui {

enum class LossLine { Raw, Smoothed };

class LossPanel : public QWidget {
  Q_OBJECT
public:
  explicit LossPanel(QWidget* parent = nullptr);

  /// Shows `history` grouped as `info` says (null or empty: a placeholder).
  void setHistory(std::shared_ptr<const LossHistory> history,
                  std::shared_ptr<const MethodInfo> info);
  /// Every group (true) or the method's headline groups (false). Remembered.
  void setShowAll(bool all);
  bool showsAll() const { return m_showAll; }
  /// EMA smoothing on or off, and its half-life in iterations. Remembered.
  void setSmoothing(bool on);
  bool smoothing() const { return m_smooth; }
  void setHalfLife(double iterations);
  double halfLife() const { return m_halfLife; }
  /// Logarithmic y on the plots whose values are all positive; signed ones stay linear.
  void setLogScale(bool on);
  bool logScale() const { return m_log; }

  /// Iteration, every loss term's raw values and, when smoothing, their EMA.
  bool exportCsv(const QString& path, QString* error) const;
  QCustomPlot* plot() const { return m_plot; }

  // What is drawn, for tests and benchmarks.
  int plotCount() const { return static_cast<int>(m_groups.size()); }
  QString plotTitle(int plot) const;
  int termCount(int plot) const;
  QVector<double> drawnValues(int plot, int term, LossLine line) const;
  /// The hover readout as it reads now ("" before the mouse moved over a plot).
  QString readout() const;
  /// Shows the readout for an iteration, as hovering plot `plot` there would.
  void hoverAt(int plot, double iteration);

protected:
  void showEvent(QShowEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

private:
  struct Plot {
    LossPlotGroup group;
    QCPLayoutGrid* cell = nullptr;  // the title row above the axis rect
    QCPAxisRect* rect = nullptr;
    QCPTextElement* title = nullptr;
    QCPLegend* legend = nullptr;
    std::vector<QCPGraph*> raw, smoothed;
    QCPItemStraightLine* tracer = nullptr;
    bool positive = false;  // every value > 0: a log axis can show it
  };

  QWidget* buildControls();
  void loadSettings();
  void saveSettings() const;
  void rebuildPlots();
  void addPlot(LossPlotGroup group);
  int columnsToFit() const;
  void arrangePlots();
  void addGraphs(Plot& p);
  void updateData();
  void updateLineStyles();
  void fitX();
  void fitY();
  void fitY(Plot& p, size_t first, size_t last);
  void applyScale(Plot& p);
  void onXRangeChanged();
  void onMouseMove(QMouseEvent* event);
  void showTitleTooltip(QMouseEvent* event);
  int plotAt(const QPointF& pos) const;
  void keepMinimumHeight();
  void setReadout(const QString& text);
  void resetReadout();
  void requestReplot();
  void showPlaceholder(const QString& text);

  QStackedWidget* m_stack = nullptr;
  QLabel* m_placeholder = nullptr;
  QCustomPlot* m_plot = nullptr;
  QScrollArea* m_scroll = nullptr;
  QComboBox* m_which = nullptr;
  QCheckBox* m_smoothBox = nullptr;
  QSlider* m_halfLifeSlider = nullptr;
  QLabel* m_halfLifeLabel = nullptr;
  QCheckBox* m_logBox = nullptr;
  QLabel* m_readout = nullptr;
  QString m_readoutText;  // the readout before eliding

  std::shared_ptr<const LossHistory> m_history;
  std::shared_ptr<const MethodInfo> m_info;
  std::vector<std::string> m_names;  // the columns the plots were built for
  std::vector<Plot> m_groups;
  std::vector<std::vector<double>> m_rawCols;       // per history column
  std::vector<std::vector<double>> m_smoothedCols;  // per history column (the raw ones when
                                                    // smoothing is off)
  QCPMarginGroup* m_margins = nullptr;              // lines the plots' y axes up
  std::vector<QCPMarginGroup*> m_rowMargins;        // and the plots of a row
  int m_columns = 0;                                // plots side by side (0: not arranged)
  bool m_showAll = false;
  bool m_smooth = true;
  double m_halfLife = 20;
  bool m_log = false;
  bool m_followX = true;     // the x range follows the history until the user zooms or drags
  bool m_settingX = false;   // a range change that is the panel's own
  bool m_dirty = false;      // changed while hidden: replot when shown
};

} // namespace ebm::ui
