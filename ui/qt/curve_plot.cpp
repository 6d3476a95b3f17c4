#include "curve_plot.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ebm::ui {
namespace {

// Okabe-Ito: distinguishable with the common colour-vision deficiencies.
const QColor kPalette[] = {QColor(0, 114, 178),  QColor(213, 94, 0),   QColor(0, 158, 115),
                           QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233),
                           QColor(240, 228, 66),  QColor(0, 0, 0)};

} // namespace

CurvePlot::CurvePlot(const QString& xLabel, const QString& yLabel, QWidget* parent)
    : QWidget(parent), m_xLabel(xLabel), m_yLabel(yLabel) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  m_plot = new QCustomPlot(this);
  m_plot->setMinimumSize(200, 120);
  m_plot->xAxis->setLabel(xLabel);
  m_plot->yAxis->setLabel(yLabel);
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->setNoAntialiasingOnDrag(true);
  // Many faint chain lines: fast polylines and no antialiased fills keep a replot to a few ms.
  m_plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
  m_plot->setNotAntialiasedElements(QCP::aeFills);
  m_plot->legend->setVisible(true);
  m_plot->legend->setFont(QFont(font().family(), 8));
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  m_cursor = new QCPItemStraightLine(m_plot);
  m_cursor->setPen(QPen(QColor(255, 170, 0), 1.5, Qt::SolidLine));
  m_cursor->setVisible(false);
  layout->addWidget(m_plot, 1);
  auto* bar = new QHBoxLayout;
  m_logBox = new QCheckBox(tr("log scale"), this);
  m_logBox->setToolTip(tr("Logarithmic y axis (only for positive values)"));
  m_hover = new QLabel(this);
  m_hover->setTextInteractionFlags(Qt::TextSelectableByMouse);
  bar->addWidget(m_logBox);
  bar->addWidget(m_hover, 1);
  layout->addLayout(bar);
  connect(m_logBox, &QCheckBox::toggled, this, &CurvePlot::setLogScale);
  connect(m_plot, &QCustomPlot::mouseMove, this, &CurvePlot::onMouseMove);
  connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent* e) {
    Q_EMIT cursorPicked(m_plot->xAxis->pixelToCoord(e->position().x()));
  });
  clear(tr("no data yet"));
}

void CurvePlot::resetItems() {
  // Graphs and items go; the cursor is recreated; the hover never outlives its data.
  m_plot->clearGraphs();
  m_plot->clearItems();
  m_cursor = new QCPItemStraightLine(m_plot);
  m_cursor->setPen(QPen(QColor(255, 170, 0), 1.5));
  m_cursor->setVisible(false);
  m_hover->clear();
}

QString CurvePlot::hoverText() const { return m_hover->text(); }

void CurvePlot::clear(const QString& placeholder) {
  resetItems();
  auto* text = new QCPItemText(m_plot);
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setCoords(0.5, 0.5);
  text->setText(placeholder);
  text->setColor(Qt::gray);
  m_plot->legend->setVisible(false);
  m_hasData = false;
  m_csvNames.clear();
  m_csvX.clear();
  m_csvCols.clear();
  requestReplot();
}

void CurvePlot::setBundle(const ChainBundle& b, const QString& seriesName, int maxChains) {
  const double cursorX = m_cursor && m_cursor->visible() ? m_cursor->point1->coords().x()
                                                         : std::nan("");
  resetItems();
  m_csvNames.clear();
  m_csvX = b.x;
  m_csvCols.clear();
  if (b.x.empty() || b.values.empty()) {
    clear(tr("no data yet"));
    return;
  }
  const QVector<double> xs(b.x.begin(), b.x.end());
  addPinned();
  addChainLines(b, xs, seriesName, maxChains);
  addMeanAndSpread(b, xs, seriesName);
  addMarks(b.marks);
  m_hasData = true;
  m_plot->legend->setVisible(true);
  setCursor(cursorX);
  rescale();
}

void CurvePlot::addChainLines(const ChainBundle& b, const QVector<double>& xs,
                              const QString& seriesName, int maxChains) {
  // Each chain faint, without a legend entry: the mean and its band carry the reading.
  const int n = static_cast<int>(b.x.size());
  const int shown = std::min(static_cast<int>(b.values.front().size()), maxChains);
  QColor faint = kPalette[0];
  faint.setAlpha(45);
  for (int c = 0; c < shown; ++c) {
    QVector<double> ys(n);
    for (int i = 0; i < n; ++i)
      ys[i] = c < static_cast<int>(b.values[i].size()) ? b.values[i][c] : std::nan("");
    auto* g = m_plot->addGraph();
    g->setPen(QPen(faint, 1));
    g->setAntialiased(false);
    g->setData(xs, ys, true);
    g->removeFromLegend();
    m_csvNames.push_back(QString("%1_chain%2").arg(seriesName).arg(c));
    m_csvCols.emplace_back(ys.begin(), ys.end());
  }
}

namespace {

// The mean and the 10th / 90th percentiles of the finite values of each row: a band that
// stays inside the chains' values (a non-negative quantity never gets a band below zero).
struct RowStats {
  QVector<double> mean, lo, hi;
};

RowStats rowStats(const ChainBundle& b) {
  const int n = static_cast<int>(b.x.size());
  RowStats r{QVector<double>(n), QVector<double>(n), QVector<double>(n)};
  std::vector<double> v;
  for (int i = 0; i < n; ++i) {
    v.clear();
    for (float x : b.values[i])
      if (std::isfinite(x))
        v.push_back(x);
    if (v.empty()) {
      r.mean[i] = r.lo[i] = r.hi[i] = std::nan("");
      continue;
    }
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v)
      sum += x;
    r.mean[i] = sum / double(v.size());
    auto quantile = [&v](double q) {
      const double pos = q * double(v.size() - 1);
      const size_t k = static_cast<size_t>(pos);
      const double f = pos - double(k);
      return k + 1 < v.size() ? v[k] * (1 - f) + v[k + 1] * f : v[k];
    };
    r.lo[i] = quantile(0.1);
    r.hi[i] = quantile(0.9);
  }
  return r;
}

} // namespace

void CurvePlot::addMeanAndSpread(const ChainBundle& b, const QVector<double>& xs,
                                 const QString& seriesName) {
  const RowStats st = rowStats(b);
  const QColor base = kPalette[0];
  auto* gLo = m_plot->addGraph();
  auto* gHi = m_plot->addGraph();
  QColor band = base;
  band.setAlpha(40);
  gLo->setPen(Qt::NoPen);
  gHi->setPen(Qt::NoPen);
  gLo->setData(xs, st.lo, true);
  gHi->setData(xs, st.hi, true);
  gHi->setBrush(band);
  gHi->setChannelFillGraph(gLo);
  gLo->removeFromLegend();
  gHi->setName(tr("10–90 % of chains"));
  auto* gMean = m_plot->addGraph();
  gMean->setPen(QPen(base.darker(120), 2.5));
  gMean->setData(xs, st.mean, true);
  gMean->setName(
      tr("mean %1 (%2 chains)").arg(seriesName).arg(static_cast<int>(b.values.front().size())));
  m_csvNames.push_back(seriesName + "_mean");
  m_csvCols.emplace_back(st.mean.begin(), st.mean.end());
  m_csvNames.push_back(seriesName + "_p10");
  m_csvCols.emplace_back(st.lo.begin(), st.lo.end());
  m_csvNames.push_back(seriesName + "_p90");
  m_csvCols.emplace_back(st.hi.begin(), st.hi.end());
}

void CurvePlot::setPinned(const ChainBundle& bundle, const QString& label) {
  m_pinned = bundle;
  m_pinnedLabel = label;
}

void CurvePlot::addPinned() {
  // The pinned trace underneath: a grey band and a dashed mean, named in the legend.
  if (m_pinned.x.empty() || m_pinned.values.empty())
    return;
  const QVector<double> xs(m_pinned.x.begin(), m_pinned.x.end());
  const RowStats st = rowStats(m_pinned);
  const QColor grey(110, 110, 110);
  auto* gLo = m_plot->addGraph();
  auto* gHi = m_plot->addGraph();
  gLo->setPen(Qt::NoPen);
  gHi->setPen(Qt::NoPen);
  gLo->setData(xs, st.lo, true);
  gHi->setData(xs, st.hi, true);
  gHi->setBrush(QColor(110, 110, 110, 28));
  gHi->setChannelFillGraph(gLo);
  gLo->removeFromLegend();
  gHi->removeFromLegend();
  auto* gMean = m_plot->addGraph();
  gMean->setPen(QPen(grey, 2, Qt::DashLine));
  gMean->setData(xs, st.mean, true);
  gMean->setName(tr("pinned: %1").arg(m_pinnedLabel));
}

void CurvePlot::addMarks(const std::vector<std::pair<double, std::string>>& marks) {
  // A dashed line where a live setting changed, its label at the bottom of the plot (the legend
  // sits at the top) on a background, moved up a row when it would overlap the previous one.
  if (marks.empty())
    return;
  const double span = std::max(1e-9, m_csvX.empty() ? 1.0 : m_csvX.back() - m_csvX.front());
  const QFont small(font().family(), 7);
  const QFontMetrics fm(small);
  const double pxPerUnit = std::max(50, m_plot->axisRect()->width()) / span;
  std::vector<double> rowEnds;  // right end (plot units) of the last label in each row
  for (const auto& [x, what] : marks) {
    const QString label = QString::fromStdString(what);
    auto* line = new QCPItemStraightLine(m_plot);
    line->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    size_t row = 0;
    while (row < rowEnds.size() && rowEnds[row] > x)
      ++row;
    if (row == rowEnds.size())
      rowEnds.push_back(0);
    rowEnds[row] = x + (fm.horizontalAdvance(label) + 8) / pxPerUnit;
    auto* text = new QCPItemText(m_plot);
    text->position->setTypeX(QCPItemPosition::ptPlotCoords);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.98 - 0.09 * double(row % 4));
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    text->setText(label);
    text->setColor(QColor(60, 60, 60));
    text->setBrush(QColor(255, 255, 255, 210));
    text->setPadding(QMargins(2, 0, 2, 0));
    text->setFont(small);
  }
}

void CurvePlot::setSeries(const std::vector<Series>& series) {
  resetItems();
  // CSV: the union of the x values, one column per series (empty where it has no point).
  std::vector<double> xs;
  for (const auto& s : series)
    xs.insert(xs.end(), s.x.begin(), s.x.end());
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  m_csvX = xs;
  m_csvNames.clear();
  m_csvCols.clear();
  bool any = false;
  for (size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    if (s.x.empty())
      continue;
    any = true;
    auto* g = m_plot->addGraph();
    g->setName(s.name);
    g->setPen(QPen(kPalette[k % 8], s.points ? 1 : 1.8));
    if (s.points) {
      g->setLineStyle(QCPGraph::lsNone);
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kPalette[k % 8], kPalette[k % 8], 6));
    }
    g->setData(QVector<double>(s.x.begin(), s.x.end()), QVector<double>(s.y.begin(), s.y.end()));
    std::vector<double> col(xs.size(), std::nan(""));
    for (size_t i = 0; i < s.x.size(); ++i)
      col[size_t(std::lower_bound(xs.begin(), xs.end(), s.x[i]) - xs.begin())] = s.y[i];
    m_csvNames.push_back(s.name);
    m_csvCols.push_back(std::move(col));
  }
  if (!any) {
    clear(tr("no data yet"));
    return;
  }
  m_hasData = true;
  m_plot->legend->setVisible(true);
  rescale();
}

void CurvePlot::rescale() {
  if (!m_hasData)
    return;
  m_plot->rescaleAxes();
  if (m_log) {
    // Log axes cannot show values <= 0: keep the positive part in view.
    auto r = m_plot->yAxis->range();
    if (r.lower <= 0)
      m_plot->yAxis->setRangeLower(std::max(1e-12, r.upper * 1e-6));
  } else {
    m_plot->yAxis->scaleRange(1.05, m_plot->yAxis->range().center());
  }
  requestReplot();
}

void CurvePlot::requestReplot() {
  // A plot behind another tab is only marked; it replots when it is shown.
  if (!isVisible()) {
    m_dirty = true;
    return;
  }
  m_dirty = false;
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CurvePlot::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (m_dirty)
    requestReplot();
}

void CurvePlot::setCursor(double x) {
  if (!m_cursor)
    return;
  if (std::isnan(x) || !m_hasData) {  // no cursor over an empty plot
    m_cursor->setVisible(false);
  } else {
    m_cursor->point1->setCoords(x, 0);
    m_cursor->point2->setCoords(x, 1);
    m_cursor->setVisible(true);
  }
  requestReplot();
}

void CurvePlot::setLegendAlignment(Qt::Alignment where) {
  if (m_legendAbove)
    return;
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, where);
  requestReplot();
}

void CurvePlot::placeLegendAbove() {
  if (m_legendAbove)
    return;
  m_legendAbove = true;
  auto* legend = m_plot->legend;
  m_plot->axisRect()->insetLayout()->take(legend);
  m_plot->plotLayout()->insertRow(0);
  m_plot->plotLayout()->addElement(0, 0, legend);
  m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setMargins(QMargins(4, 2, 4, 0));
  requestReplot();
}

void CurvePlot::setLogScale(bool on) {
  m_log = on;
  if (m_logBox->isChecked() != on)
    m_logBox->setChecked(on);
  if (on) {
    m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  } else {
    m_plot->yAxis->setScaleType(QCPAxis::stLinear);
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  }
  rescale();
}

void CurvePlot::onMouseMove(QMouseEvent* event) {
  if (!m_hasData || m_csvX.empty())
    return;
  const double x = m_plot->xAxis->pixelToCoord(event->position().x());
  auto it = std::lower_bound(m_csvX.begin(), m_csvX.end(), x);
  size_t i = it == m_csvX.end() ? m_csvX.size() - 1 : size_t(it - m_csvX.begin());
  if (i > 0 && std::abs(m_csvX[i - 1] - x) < std::abs(m_csvX[i] - x))
    --i;
  QString text = QString("%1 = %2").arg(m_xLabel).arg(m_csvX[i]);
  int shown = 0;
  for (size_t k = 0; k < m_csvNames.size() && shown < 4; ++k) {
    if (m_csvNames[k].contains("_chain"))
      continue;
    text += QString("   %1 = %2").arg(m_csvNames[k]).arg(m_csvCols[k][i], 0, 'g', 5);
    ++shown;
  }
  m_hover->setText(text);
}

QString CurvePlot::csvText() const {
  QString out;
  QTextStream s(&out);
  s << m_xLabel;
  for (const auto& n : m_csvNames)
    s << "," << n;
  s << "\n";
  for (size_t i = 0; i < m_csvX.size(); ++i) {
    s << m_csvX[i];
    for (const auto& col : m_csvCols)
      s << "," << (i < col.size() ? QString::number(col[i], 'g', 9) : QString());
    s << "\n";
  }
  return out;
}

bool CurvePlot::exportCsv(const QString& path, QString* error) const {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
    if (error)
      *error = tr("cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  f.write(csvText().toUtf8());
  return true;
}

} // namespace ebm::ui
