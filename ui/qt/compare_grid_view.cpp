#include "compare_grid_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace ebm::ui {
namespace {

// Light yellow (low, good) to dark blue (high): viridis reversed, as the landscape reads
// yellow = low energy.
QColor gridHeat(double t) {
  static const QColor stops[] = {QColor(253, 231, 37), QColor(94, 201, 98), QColor(33, 145, 140),
                                 QColor(59, 82, 139), QColor(68, 1, 84)};
  if (std::isnan(t))
    return QColor(200, 200, 200);
  const double x = t * 4;
  const int i = std::min(3, int(x));
  const double f = x - i;
  const QColor a = stops[i], b = stops[i + 1];
  return QColor::fromRgbF(a.redF() + f * (b.redF() - a.redF()),
                          a.greenF() + f * (b.greenF() - a.greenF()),
                          a.blueF() + f * (b.blueF() - a.blueF()));
}

} // namespace

CompareGridView::CompareGridView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  m_metric = new QComboBox;
  m_metric->setObjectName("compare.gridMetric");
  m_metric->setToolTip(tr("What the cells show: MMD² to held-out data and MSE against the "
                          "target measure quality (lower is better); a lower final energy only "
                          "says the chains went deeper into the modes"));
  m_metric->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  top->addWidget(new QLabel(tr("cells show")));
  top->addWidget(m_metric);
  top->addStretch(1);
  layout->addLayout(top);
  m_caption = new QLabel(tr("Run a grid to fill this table: rows are step sizes, columns step "
                            "counts, every cell from the same start states and noise."));
  m_caption->setWordWrap(true);
  layout->addWidget(m_caption);
  m_table = new QTableWidget;
  m_table->setObjectName("compare.gridTable");
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionMode(QAbstractItemView::NoSelection);  // keeps every cell's colour
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  layout->addWidget(m_table, 1);
  connect(m_metric, &QComboBox::currentIndexChanged, this, [this] { render(); });
}

GridMetric CompareGridView::metric() const {
  return m_metric->currentIndex() < 0 ? GridMetric::Energy
                                      : GridMetric(m_metric->currentData().toInt());
}

void CompareGridView::showGrid(std::shared_ptr<const GridResult> grid) {
  if (grid == m_grid)
    return;
  m_grid = std::move(grid);
  const GridMetric keep = metric();
  {
    const QSignalBlocker block(m_metric);
    m_metric->clear();
    if (m_grid)
      for (GridMetric m : gridMetrics(*m_grid))
        m_metric->addItem(QString::fromStdString(metricName(m)), int(m));
    // The quality measure the data allows is shown first: MMD on 2-D data, else the MSE.
    const int at = m_metric->findData(int(keep));
    m_metric->setCurrentIndex(at > 0 ? at : m_metric->count() - 1);
  }
  render();
}

void CompareGridView::render() {
  m_table->clear();
  if (!m_grid) {
    m_table->setRowCount(0);
    m_table->setColumnCount(0);
    return;
  }
  const auto& g = *m_grid;
  m_table->setRowCount(int(g.stepSizes.size()));
  m_table->setColumnCount(int(g.stepCounts.size()));
  QStringList rows, cols;
  for (double s : g.stepSizes)
    rows << tr("s = %1").arg(QString::fromStdString(compactNumber(s)));
  for (int k : g.stepCounts)
    cols << tr("K = %1").arg(k);
  m_table->setVerticalHeaderLabels(rows);
  m_table->setHorizontalHeaderLabels(cols);
  const HeatScale scale = heatScale(g, metric());
  const int best = bestCell(g, metric());
  for (size_t i = 0; i < g.stepSizes.size(); ++i)
    for (size_t j = 0; j < g.stepCounts.size(); ++j)
      fillCell(i, j, scale, best);
  m_caption->setText(
      tr("%1-chain, %2 chains, seed %3 · rows: step size s, columns: steps K · cell: %4 over "
         "its cost in gradient evaluations (chains × steps) · ★ lowest%5")
          .arg(QString::fromStdString(g.chain))
          .arg(g.chains)
          .arg(g.seed)
          .arg(QString::fromStdString(metricName(metric())))
          .arg(g.running ? tr(" · running…") : g.stopped ? tr(" · stopped") : QString()));
}

void CompareGridView::fillCell(size_t row, size_t col, const HeatScale& scale, int best) {
  const auto& g = *m_grid;
  const size_t index = row * g.stepCounts.size() + col;
  auto* item = new QTableWidgetItem;
  item->setTextAlignment(Qt::AlignCenter);
  if (!g.done[index]) {
    item->setText(g.running ? tr("…") : tr("not run"));
    m_table->setItem(int(row), int(col), item);
    return;
  }
  const auto& c = g.cells[index];
  const double v = metricValue(c, metric());
  const bool isBest = int(index) == best;
  QString text = (isBest ? QStringLiteral("★ ") : QString()) +
                 (c.diverged ? tr("diverged") : QString::fromStdString(compactNumber(v)));
  text += "\n" + tr("%1 grad evals").arg(c.gradientEvaluations);
  item->setText(text);
  const QColor bg = c.diverged ? QColor(230, 120, 110) : gridHeat(scale.position(v));
  item->setBackground(bg);
  const double luminance = 0.299 * bg.redF() + 0.587 * bg.greenF() + 0.114 * bg.blueF();
  item->setForeground(luminance > 0.5 ? Qt::black : Qt::white);
  QFont f = item->font();
  f.setBold(isBest);
  item->setFont(f);
  item->setToolTip(QString::fromStdString(summaryLine(c)));
  m_table->setItem(int(row), int(col), item);
}

} // namespace ebm::ui
