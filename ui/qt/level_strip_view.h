// LevelStripView: a ladder chain (DRL, CDRL sampling from noise) as one row per chain and one
// column per noise level, noise on the left and data on the right, each cell the state at the
// end of its level. With an initializer, each chain has two sub-rows: its proposal (what the
// initializer offered, before Langevin) and the revised sample, with the mean distance between
// them per level in the header (the "cooperative" gap). Clicking a column (or Enter on the
// selected one; Left/Right select) expands that level into its within-level steps; clicking
// again (or Esc) goes back. Image states only; GUI thread only; paints only.
#pragma once

#include "level_ladder.h"
#include "trace.h"

#include <QWidget>

#include <memory>
#include <vector>

namespace ebm::ui {

class LevelStripView : public QWidget {
  Q_OBJECT
public:
  explicit LevelStripView(QWidget* parent = nullptr);

  void setTrace(std::shared_ptr<const Trace> trace);
  /// Columns shown: one per level, or the snapshots of the expanded level.
  int columnCount() const;
  /// The levels of the columns (collapsed view), noise first.
  std::vector<int> columnLevels() const;
  /// Expands column `index` into its within-level steps (-1: back to one column per level).
  void expand(int index);
  int expandedColumn() const { return m_expanded; }
  bool showsProposals() const;
  void setMaxRows(int rows);

  QSize sizeHint() const override { return {640, 360}; }

Q_SIGNALS:
  void stepClicked(int step);

protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

private:
  struct Geometry {
    int cell = 0, gap = 3, left = 0, top = 0, rows = 0, cols = 0, subRows = 1;
  };
  Geometry geometry() const;
  int columnAt(QPoint pos) const;
  QString header(int col) const;
  void paintCells(QPainter& p, const Geometry& g) const;
  void paintHeaders(QPainter& p, const Geometry& g) const;
  const float* stateOf(int col, int row, int sub) const;

  std::shared_ptr<const Trace> m_trace;
  std::vector<LevelColumn> m_columns;
  std::vector<int> m_inside;  // snapshots of the expanded level
  int m_expanded = -1;
  int m_selected = 0;
  int m_maxRows = 6;
};

} // namespace ebm::ui
