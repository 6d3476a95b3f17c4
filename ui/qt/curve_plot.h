// CurvePlot: a QCustomPlot panel for the app's curves. Two kinds of content: a bundle of
// per-chain series over Langevin steps (each chain faint, the mean bold, a band from the 10th to
// the 90th percentile of the chains, an optional pinned bundle dashed underneath) and a set of
// named series with their own x values (e.g. PSNR over steps; the training losses have their
// own LossPanel). It marks setting changes and the shared step cursor, reads values on hover,
// toggles a log axis and exports CSV.
// Replots are coalesced by the caller's timer. GUI thread only.
#pragma once

#include "chain_bundle.h"
#include "trace.h"

#include <QString>
#include <QVector>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;
class QCheckBox;
class QLabel;

namespace ebm::ui {

/// One curve with its own x values (markers only when `points`).
struct Series {
  QString name;
  std::vector<double> x, y;
  bool points = false;
};

class CurvePlot : public QWidget {
  Q_OBJECT
public:
  CurvePlot(const QString& xLabel, const QString& yLabel, QWidget* parent = nullptr);

  void setBundle(const ChainBundle& bundle, const QString& seriesName, int maxChains = 16);
  /// Keeps `bundle` on the plot, faint and dashed, under the next bundles (a pinned trace to
  /// compare with); an empty bundle removes it.
  void setPinned(const ChainBundle& bundle, const QString& label);
  bool hasPinned() const { return !m_pinned.x.empty(); }
  /// The hover line (empty until the mouse moves over data; cleared with the data).
  QString hoverText() const;
  void setSeries(const std::vector<Series>& series);
  void clear(const QString& placeholder);
  void setCursor(double x);  // NaN hides it
  void setLogScale(bool on);
  /// Where the legend sits inside the plot (default: top right).
  void setLegendAlignment(Qt::Alignment where);
  /// Moves the legend out of the plot into one row above it (for plots whose curves fill the
  /// whole area, so that no legend box hides a curve).
  void placeLegendAbove();
  bool logScale() const { return m_log; }
  bool exportCsv(const QString& path, QString* error) const;
  QCustomPlot* plot() const { return m_plot; }
  /// The plotted values as CSV text (header + rows); what exportCsv writes.
  QString csvText() const;

Q_SIGNALS:
  void cursorPicked(double x);

protected:
  void showEvent(QShowEvent* event) override;

private:
  void addChainLines(const ChainBundle& b, const QVector<double>& xs, const QString& seriesName,
                     int maxChains);
  void addMeanAndSpread(const ChainBundle& b, const QVector<double>& xs,
                        const QString& seriesName);
  void addMarks(const std::vector<std::pair<double, std::string>>& marks);
  void addPinned();
  void resetItems();
  void onMouseMove(QMouseEvent* event);
  void requestReplot();
  void rescale();

  QCustomPlot* m_plot = nullptr;
  QCPItemStraightLine* m_cursor = nullptr;
  QCPItemText* m_readout = nullptr;
  QCheckBox* m_logBox = nullptr;
  QLabel* m_hover = nullptr;
  bool m_log = false;
  bool m_legendAbove = false;
  bool m_hasData = false;
  bool m_dirty = false;  // data changed while hidden: replot when shown
  // What is plotted, kept for CSV export and hover.
  QString m_xLabel, m_yLabel;
  std::vector<QString> m_csvNames;
  std::vector<double> m_csvX;
  std::vector<std::vector<double>> m_csvCols;
  ChainBundle m_pinned;
  QString m_pinnedLabel;
};

} // namespace ebm::ui
