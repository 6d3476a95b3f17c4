// CurvePlot: a QCustomPlot panel for the app's curves. Two kinds of content: a bundle of
// per-chain series over Langevin steps (each chain faint, the mean bold, a mean +/- std band)
// and a set of named series with their own x values (e.g. PSNR over steps; the training losses
// have their own LossPanel). It marks setting changes and the shared step cursor, reads values
// on hover, toggles a log axis and exports CSV.
// Replots are coalesced by the caller's timer. GUI thread only.
#pragma once

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

struct ChainBundle {
  std::vector<double> x;                  // step of each row
  std::vector<std::vector<float>> values; // values[row][chain]
  std::vector<std::pair<double, QString>> marks;  // vertical markers (setting changes)
};

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
  void setSeries(const std::vector<Series>& series);
  void clear(const QString& placeholder);
  void setCursor(double x);  // NaN hides it
  void setLogScale(bool on);
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
  void addMarks(const std::vector<std::pair<double, QString>>& marks);
  void onMouseMove(QMouseEvent* event);
  void requestReplot();
  void rescale();

  QCustomPlot* m_plot = nullptr;
  QCPItemStraightLine* m_cursor = nullptr;
  QCPItemText* m_readout = nullptr;
  QCheckBox* m_logBox = nullptr;
  QLabel* m_hover = nullptr;
  bool m_log = false;
  bool m_hasData = false;
  bool m_dirty = false;  // data changed while hidden: replot when shown
  // What is plotted, kept for CSV export and hover.
  QString m_xLabel, m_yLabel;
  std::vector<QString> m_csvNames;
  std::vector<double> m_csvX;
  std::vector<std::vector<double>> m_csvCols;
};

} // namespace ebm::ui
