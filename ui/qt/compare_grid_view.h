// CompareGridView: a step size x step count grid (core/api/sweep.h) as a heatmap table. Rows are
// step sizes, columns step counts; each cell shows the chosen metric (final energy, MSE or MMD²
// to data) over its cost in gradient evaluations, coloured from low (light) to high (dark); the
// best cell is marked with a star and a thick border. GUI thread only.
#pragma once

#include "sweep_view.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QTableWidget;

namespace ebm::ui {

class CompareGridView : public QWidget {
  Q_OBJECT
public:
  explicit CompareGridView(QWidget* parent = nullptr);
  /// Shows a (possibly partial) grid; nullptr clears the table.
  void showGrid(std::shared_ptr<const GridResult> grid);
  /// The grid the table shows (nullptr when cleared).
  const std::shared_ptr<const GridResult>& shownGrid() const { return m_grid; }
  QTableWidget* table() const { return m_table; }
  QComboBox* metricBox() const { return m_metric; }
  /// The metric the cells show.
  GridMetric metric() const;

private:
  void render();
  void fillCell(size_t row, size_t col, const HeatScale& scale, int best);

  QComboBox* m_metric = nullptr;
  QLabel* m_caption = nullptr;
  QTableWidget* m_table = nullptr;
  std::shared_ptr<const GridResult> m_grid;
};

} // namespace ebm::ui
