// LossPanel's plots: one cell per loss group (a title row with the legend above an axis rect),
// stacked, or side by side when stacking would squeeze them, and the least height below which
// the panel scrolls. See loss_panel.h.
#include "loss_panel.h"

#include <qcustomplot.h>

#include <QScrollArea>

#include <algorithm>

namespace ebm::ui {
namespace {

constexpr int kMinPlotPixels = 26;          // the least height of a plot's data area
constexpr int kComfortablePlotPixels = 88;  // a plot with its title row, reading well
constexpr int kAxisPixels = 34;             // the iteration axis under the lowest plots
constexpr int kMinPlotWidth = 200;          // a plot beside another keeps at least this width

} // namespace

void LossPanel::rebuildPlots() {
  m_names = m_history->names;
  m_groups.clear();
  m_plot->clearItems();
  m_plot->clearPlottables();
  m_plot->plotLayout()->clear();
  m_plot->plotLayout()->setRowSpacing(0);
  m_plot->plotLayout()->setColumnSpacing(12);
  m_plot->plotLayout()->setMargins(QMargins(0, 0, 2, 0));  // columns may round a pixel over
  static const std::vector<LossGroup> kNoGroups;
  auto groups = lossPlotGroups(m_info ? m_info->lossGroups : kNoGroups, m_names, m_showAll);
  for (auto& g : groups)
    addPlot(std::move(g));
  m_columns = 0;  // arranged afresh
  arrangePlots();
  m_stack->setCurrentWidget(m_scroll);
  resetReadout();
  m_followX = true;
}

void LossPanel::addPlot(LossPlotGroup group) {
  Plot p;
  p.group = std::move(group);
  QFont small = font();
  small.setPointSizeF(std::max(7.0, font().pointSizeF() - 1));
  QFont bold = small;
  bold.setBold(true);
  // A cell: the title and the legend in a row above the plot (never over the curves).
  p.cell = new QCPLayoutGrid;
  p.cell->setRowSpacing(0);
  m_plot->plotLayout()->addElement(p.cell);
  auto* header = new QCPLayoutGrid;
  p.cell->addElement(0, 0, header);
  p.title = new QCPTextElement(m_plot, QString::fromStdString(p.group.title), bold);
  p.title->setTextFlags(Qt::AlignLeft | Qt::AlignVCenter);
  p.title->setMargins(QMargins(4, 1, 4, 0));
  header->addElement(0, 0, p.title);
  p.legend = new QCPLegend;
  header->addElement(0, 1, p.legend);
  header->setColumnStretchFactor(1, 0.001);
  p.legend->setLayer("legend");
  p.legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  p.legend->setBorderPen(Qt::NoPen);
  p.legend->setBrush(Qt::NoBrush);
  p.legend->setIconSize(12, 8);  // compact: two plots side by side fit a 480-px dock
  p.legend->setIconTextPadding(4);
  p.legend->setMargins(QMargins(0, 1, 4, 0));
  p.legend->setColumnSpacing(6);
  p.legend->setFont(small);
  p.rect = new QCPAxisRect(m_plot);
  p.rect->setMinimumSize(50, kMinPlotPixels);
  p.rect->setAutoMargins(QCP::msLeft | QCP::msRight | QCP::msBottom);
  p.rect->setMargins(QMargins(0, 4, 0, 0));  // the title row sits right above the data
  p.cell->addElement(1, 0, p.rect);
  p.cell->setRowStretchFactor(0, 0.001);
  p.rect->setRangeDrag(Qt::Horizontal);
  p.rect->setRangeZoom(Qt::Horizontal);
  for (auto* axis : p.rect->axes()) {
    axis->setTickLabelFont(small);
    axis->setLabelFont(small);
  }
  connect(p.rect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
          this, &LossPanel::onXRangeChanged);
  m_groups.push_back(std::move(p));
  addGraphs(m_groups.back());
  // A row of a layout grid is no taller than its shortest element allows: the title is as tall
  // as the legend beside it needs.
  Plot& added = m_groups.back();
  const QCPLayoutElement* title = added.title;  // the hint is public on the base
  const int missing =
      added.legend->minimumOuterSizeHint().height() - title->minimumOuterSizeHint().height();
  if (missing > 0)
    added.title->setMargins(QMargins(4, 1, 4, missing));
}

int LossPanel::columnsToFit() const {
  // One column while the plots fit the height at a comfortable size, else as many columns as
  // the width allows (each as wide as its title and legend need); beyond that the panel scrolls.
  const int n = plotCount();
  const int height = m_scroll->viewport()->height() - kAxisPixels;
  if (n <= 1 || n * kComfortablePlotPixels <= height)
    return 1;
  int widest = kMinPlotWidth;
  for (const auto& p : m_groups)
    widest = std::max(widest, p.cell->minimumOuterSizeHint().width());
  const int spacing = m_plot->plotLayout()->columnSpacing();
  const int byWidth = std::max(1, (m_scroll->viewport()->width() + spacing) / (widest + spacing));
  const int rowsThatFit = std::max(1, height / kComfortablePlotPixels);
  return std::min({n, byWidth, (n + rowsThatFit - 1) / rowsThatFit});
}

void LossPanel::arrangePlots() {
  const int columns = columnsToFit();
  if (m_groups.empty() || columns == m_columns)
    return;
  m_columns = columns;
  auto* grid = m_plot->plotLayout();
  grid->setWrap(columns);
  grid->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
  grid->simplify();
  // Margins line the plots up: left and right across all, top and bottom along each row.
  for (auto* g : m_rowMargins)
    delete g;
  m_rowMargins.clear();
  delete m_margins;
  m_margins = new QCPMarginGroup(m_plot);
  const int n = plotCount();
  for (int i = 0; i < n; ++i) {
    Plot& p = m_groups[size_t(i)];
    if (i % columns == 0)
      m_rowMargins.push_back(new QCPMarginGroup(m_plot));
    p.rect->setMarginGroup(QCP::msLeft | QCP::msRight, m_margins);
    p.rect->setMarginGroup(QCP::msBottom, m_rowMargins.back());
    // Tick labels under every row with a plot that has none below it (the row keeps the room
    // for them anyway), the axis label under the last row.
    const int lastInRow = std::min(i - i % columns + columns, n) - 1;
    auto* x = p.rect->axis(QCPAxis::atBottom);
    x->setTickLabels(lastInRow + columns >= n);
    x->setLabel(i - i % columns + columns >= n ? tr("iteration") : QString());
  }
  requestReplot();
}

void LossPanel::addGraphs(Plot& p) {
  auto* x = p.rect->axis(QCPAxis::atBottom);
  auto* y = p.rect->axis(QCPAxis::atLeft);
  for (size_t k = 0; k < p.group.columns.size(); ++k) {
    const QString name = QString::fromStdString(m_names[size_t(p.group.columns[k])]);
    auto* raw = m_plot->addGraph(x, y);
    raw->setName(name);
    raw->setAntialiased(false);
    raw->removeFromLegend();
    auto* smooth = m_plot->addGraph(x, y);
    smooth->setName(name);
    smooth->removeFromLegend();
    smooth->addToLegend(p.legend);
    // Legend items clip their text at their own rectangle: room below for underscores.
    p.legend->item(p.legend->itemCount() - 1)->setMargins(QMargins(0, 0, 0, 2));
    p.raw.push_back(raw);
    p.smoothed.push_back(smooth);
  }
  p.tracer = new QCPItemStraightLine(m_plot);
  p.tracer->setClipAxisRect(p.rect);
  p.tracer->point1->setAxes(x, y);
  p.tracer->point2->setAxes(x, y);
  p.tracer->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
  p.tracer->setVisible(false);
}

void LossPanel::keepMinimumHeight() {
  // Below the plots' least heights (titles, tick labels, data areas) the panel scrolls instead of
  // squeezing them.
  // Once it scrolls anyway, every plot gets a comfortable height.
  int need = m_plot->plotLayout()->minimumOuterSizeHint().height();
  if (need > m_scroll->viewport()->height() && m_columns > 0) {
    const int rows = (plotCount() + m_columns - 1) / m_columns;
    need = std::max(need, rows * kComfortablePlotPixels + kAxisPixels);
  }
  // Called inside a replot, which ignores the resize it would cause: set it afterwards.
  if (need != m_plot->minimumHeight())
    QMetaObject::invokeMethod(m_plot, [plot = m_plot, need] { plot->setMinimumHeight(need); },
                              Qt::QueuedConnection);
}

} // namespace ebm::ui
