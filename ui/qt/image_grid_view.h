// ImageGridView: a revision as the paper's Fig. 2 draws it, one row per chain and one column
// per snapshot, filling in while the chain runs. For z-revisions the first column is the data
// image the posterior conditions on and the others are G(z_t). The column at the shared step
// cursor is outlined; clicking a column moves the cursor. Beside the strip, a column shows the
// change x_t - x_0 at the cursor, amplified so it is visible (the factor in its header), and
// per-chain numbers: RMS displacement and energy drop. GUI thread only; paints only.
#pragma once

#include "revision_insight.h"
#include "trace.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

namespace ebm::ui {

/// One sample (C x H x W floats in [-1, 1], C = 1 or 3) as an 8-bit image.
QImage sampleToImage(const float* data, const std::vector<int64_t>& shape);

class ImageGridView : public QWidget {
  Q_OBJECT
public:
  explicit ImageGridView(QWidget* parent = nullptr);

  void setTrace(std::shared_ptr<const Trace> trace);
  void setCursorStep(int step);
  void setMaxRows(int rows);
  /// Shows the amplified change from t = 0 and the per-chain numbers beside the strip.
  void setShowChange(bool on);
  bool showsChange() const { return m_showChange; }
  /// The numbers behind the change column (for the cursor step).
  const RevisionInsight& insight() const { return m_insight; }
  int columnCount() const { return static_cast<int>(m_columnSteps.size()); }
  /// Renders the grid (without the cursor outline) up to and including `step` into an image.
  QImage renderUpTo(int step, int cellPixels) const;

  QSize sizeHint() const override { return {480, 360}; }

Q_SIGNALS:
  void stepClicked(int step);

protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

private:
  struct Layout {
    int cell = 0, gap = 2, left = 0, top = 0, rows = 0, cols = 0;
    int changeX = -1, numbersX = -1;  // the change column and the numbers (-1: not shown)
  };
  Layout layout() const;
  void paintGrid(QPainter& p, const Layout& l, int upToStep, bool cursor) const;
  void paintChange(QPainter& p, const Layout& l) const;
  void updateChange();

  std::shared_ptr<const Trace> m_trace;
  // m_cells[col][row]; col 0 is the target column for z-traces.
  std::vector<std::vector<QImage>> m_cells;
  std::vector<int> m_columnSteps;  // Langevin step of each column (-1: data column)
  int m_cursorStep = -1;
  int m_maxRows = 8;
  bool m_showChange = true;
  RevisionInsight m_insight;
  std::vector<QImage> m_change;  // per row: the amplified x_t - x_0 at the cursor step
};

} // namespace ebm::ui
