#include "loss_panel.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QStackedWidget>
#include <QTextStream>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

// Okabe-Ito: distinguishable with the common colour-vision deficiencies.
const QColor kLossColours[] = {QColor(0, 114, 178),   QColor(213, 94, 0),  QColor(0, 158, 115),
                               QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233),
                               QColor(0, 0, 0)};
constexpr int kLossColourCount = 7;
constexpr int kSliderSteps = 100;
constexpr double kMaxHalfLife = 2000;   // iterations at the slider's right end
constexpr double kRangeQuantile = 0.01; // y ranges span the 1st to the 99th percentile

QColor lossColour(size_t term, int alpha = 255) {
  QColor c = kLossColours[term % kLossColourCount];
  c.setAlpha(alpha);
  return c;
}

double halfLifeAt(int slider) {
  return std::round(std::pow(kMaxHalfLife, double(slider) / kSliderSteps));
}

int sliderAt(double halfLife) {
  return int(std::lround(std::log(std::max(1.0, halfLife)) / std::log(kMaxHalfLife) *
                         kSliderSteps));
}

QString readoutHint() {
  return QObject::tr("hover: values (titles: what they show) · drag: pan · Ctrl+wheel: zoom · "
                     "double-click: all iterations");
}

QString valueText(double v) { return std::isfinite(v) ? QString::number(v, 'g', 5) : "–"; }

} // namespace

LossPanel::LossPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->setSpacing(2);
  loadSettings();
  layout->addWidget(buildControls());
  m_stack = new QStackedWidget(this);
  m_placeholder = new QLabel(this);
  m_placeholder->setAlignment(Qt::AlignCenter);
  m_placeholder->setStyleSheet("color: gray");
  m_plot = new QCustomPlot;
  m_plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
  m_plot->setNoAntialiasingOnDrag(true);
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->installEventFilter(this);  // the wheel scrolls the panel; Ctrl+wheel zooms
  m_scroll = new QScrollArea(this);
  m_scroll->setWidget(m_plot);
  m_scroll->setWidgetResizable(true);
  m_scroll->setFrameShape(QFrame::NoFrame);
  m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_scroll->viewport()->installEventFilter(this);  // plots side by side when short and wide
  m_stack->addWidget(m_placeholder);
  m_stack->addWidget(m_scroll);
  layout->addWidget(m_stack, 1);
  m_readout = new QLabel(this);
  m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_readout->setMinimumWidth(0);
  m_readout->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  layout->addWidget(m_readout);
  connect(m_plot, &QCustomPlot::mouseMove, this, &LossPanel::onMouseMove);
  connect(m_plot, &QCustomPlot::afterLayout, this, &LossPanel::keepMinimumHeight);
  connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
    m_followX = true;
    fitX();
    fitY();
    requestReplot();
  });
  showPlaceholder(tr("no training in this session yet: press Start"));
}

QWidget* LossPanel::buildControls() {
  auto* bar = new QWidget(this);
  auto* row = new QHBoxLayout(bar);
  row->setContentsMargins(0, 0, 0, 0);
  m_which = new QComboBox(bar);
  m_which->addItems({tr("headline groups"), tr("all groups")});
  m_which->setCurrentIndex(m_showAll ? 1 : 0);
  m_which->setToolTip(tr("The loss groups the method shows by default, or every group"));
  m_smoothBox = new QCheckBox(tr("EMA"), bar);
  m_smoothBox->setChecked(m_smooth);
  m_smoothBox->setToolTip(tr("Draw an exponential moving average (bold) over the raw values "
                             "(faint)"));
  m_halfLifeSlider = new QSlider(Qt::Horizontal, bar);
  m_halfLifeSlider->setRange(0, kSliderSteps);
  m_halfLifeSlider->setValue(sliderAt(m_halfLife));
  m_halfLifeSlider->setMinimumWidth(60);
  m_halfLifeSlider->setMaximumWidth(220);
  m_halfLifeSlider->setToolTip(tr("Half-life of the average: a value's weight halves every so "
                                  "many iterations"));
  m_halfLifeLabel = new QLabel(bar);
  m_logBox = new QCheckBox(tr("log y"), bar);
  m_logBox->setToolTip(tr("Logarithmic y on the plots whose values are all positive; plots "
                          "with signed values stay linear"));
  row->addWidget(m_which);
  row->addWidget(m_smoothBox);
  row->addWidget(m_halfLifeSlider, 1);
  row->addWidget(m_halfLifeLabel);
  row->addWidget(m_logBox);
  row->addStretch(0);
  connect(m_which, &QComboBox::currentIndexChanged, this, [this](int i) { setShowAll(i == 1); });
  connect(m_smoothBox, &QCheckBox::toggled, this, &LossPanel::setSmoothing);
  connect(m_halfLifeSlider, &QSlider::valueChanged, this,
          [this](int v) { setHalfLife(halfLifeAt(v)); });
  connect(m_logBox, &QCheckBox::toggled, this, &LossPanel::setLogScale);
  m_halfLifeLabel->setText(tr("%1 it").arg(m_halfLife));
  m_halfLifeSlider->setEnabled(m_smooth);
  return bar;
}

void LossPanel::loadSettings() {
  QSettings s;
  m_showAll = s.value("losses/showAll", false).toBool();
  m_smooth = s.value("losses/smoothing", true).toBool();
  m_halfLife = std::clamp(s.value("losses/halfLife", 20.0).toDouble(), 1.0, kMaxHalfLife);
}

void LossPanel::saveSettings() const {
  QSettings s;
  s.setValue("losses/showAll", m_showAll);
  s.setValue("losses/smoothing", m_smooth);
  s.setValue("losses/halfLife", m_halfLife);
}

void LossPanel::setHistory(std::shared_ptr<const LossHistory> history,
                           std::shared_ptr<const MethodInfo> info) {
  const bool sameColumns = history && m_history && history->names == m_names && info == m_info;
  m_history = std::move(history);
  m_info = std::move(info);
  if (!m_history || m_history->rows.empty()) {
    m_names.clear();
    m_groups.clear();
    showPlaceholder(tr("no training in this session yet: press Start"));
    return;
  }
  if (!sameColumns || m_groups.empty())
    rebuildPlots();
  updateData();
}

void LossPanel::showPlaceholder(const QString& text) {
  m_placeholder->setText(text);
  m_stack->setCurrentWidget(m_placeholder);
  resetReadout();
}

void LossPanel::setShowAll(bool all) {
  m_showAll = all;
  if (m_which->currentIndex() != (all ? 1 : 0))
    m_which->setCurrentIndex(all ? 1 : 0);
  saveSettings();
  if (m_history && !m_history->rows.empty()) {
    rebuildPlots();
    updateData();
  }
}

void LossPanel::setSmoothing(bool on) {
  m_smooth = on;
  if (m_smoothBox->isChecked() != on)
    m_smoothBox->setChecked(on);
  m_halfLifeSlider->setEnabled(on);
  saveSettings();
  if (!m_groups.empty())
    updateData();
}

void LossPanel::setHalfLife(double iterations) {
  m_halfLife = std::clamp(std::round(iterations), 1.0, kMaxHalfLife);
  if (halfLifeAt(m_halfLifeSlider->value()) != m_halfLife) {
    const QSignalBlocker block(m_halfLifeSlider);
    m_halfLifeSlider->setValue(sliderAt(m_halfLife));
  }
  m_halfLifeLabel->setText(tr("%1 it").arg(m_halfLife));
  saveSettings();
  if (m_smooth && !m_groups.empty())
    updateData();
}

void LossPanel::setLogScale(bool on) {
  m_log = on;
  if (m_logBox->isChecked() != on)
    m_logBox->setChecked(on);
  if (m_groups.empty())
    return;
  for (auto& p : m_groups)
    applyScale(p);
  fitY();
  requestReplot();
}

// ------------------------------------------------------------------ data and ranges

void LossPanel::updateData() {
  const auto& h = *m_history;
  const QVector<double> xs(h.iterations.begin(), h.iterations.end());
  m_rawCols.resize(h.names.size());
  m_smoothedCols.resize(h.names.size());
  for (size_t k = 0; k < h.names.size(); ++k) {
    m_rawCols[k] = lossColumn(h, int(k));
    m_smoothedCols[k] = m_smooth ? emaSmooth(h.iterations, m_rawCols[k], m_halfLife) : m_rawCols[k];
  }
  for (auto& p : m_groups) {
    p.positive = true;
    for (size_t k = 0; k < p.group.columns.size(); ++k) {
      const auto& raw = m_rawCols[size_t(p.group.columns[k])];
      const auto& smooth = m_smoothedCols[size_t(p.group.columns[k])];
      for (double v : raw)
        p.positive = p.positive && (!std::isfinite(v) || v > 0);
      p.raw[k]->setData(xs, QVector<double>(raw.begin(), raw.end()), true);
      p.smoothed[k]->setData(xs, QVector<double>(smooth.begin(), smooth.end()), true);
    }
    applyScale(p);
  }
  updateLineStyles();
  if (m_followX)
    fitX();
  fitY();
  m_stack->setCurrentWidget(m_scroll);
  requestReplot();
}

void LossPanel::updateLineStyles() {
  // Smoothing on: raw faint, EMA bold; off: the raw values are the line.
  for (auto& p : m_groups)
    for (size_t k = 0; k < p.raw.size(); ++k) {
      p.raw[k]->setPen(QPen(lossColour(k, 70), 1));
      p.raw[k]->setVisible(m_smooth);
      p.smoothed[k]->setPen(QPen(lossColour(k), m_smooth ? 2.2 : 1.4));
    }
}

void LossPanel::applyScale(Plot& p) {
  auto* y = p.rect->axis(QCPAxis::atLeft);
  const bool log = m_log && p.positive;
  y->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (log)
    y->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  else
    y->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  y->ticker()->setTickCount(3);
  const QString title = QString::fromStdString(p.group.title);
  p.title->setText(m_log && !p.positive ? tr("%1 (linear: signed values)").arg(title) : title);
}

void LossPanel::fitX() {
  if (!m_history || m_history->iterations.empty() || m_groups.empty())
    return;
  const double first = double(m_history->iterations.front());
  const double last = double(m_history->iterations.back());
  const double pad = std::max(0.5, (last - first) * 0.01);
  m_settingX = true;
  for (auto& p : m_groups)
    p.rect->axis(QCPAxis::atBottom)->setRange(first - pad, last + pad);
  m_settingX = false;
}

void LossPanel::fitY() {
  if (!m_history || m_history->iterations.empty() || m_groups.empty())
    return;
  // The rows in view: the quantiles are of what is shown.
  const auto& its = m_history->iterations;
  const QCPRange r = m_groups.front().rect->axis(QCPAxis::atBottom)->range();
  const size_t first = size_t(std::lower_bound(its.begin(), its.end(), long(std::ceil(r.lower))) -
                              its.begin());
  size_t last = size_t(std::upper_bound(its.begin(), its.end(), long(std::floor(r.upper))) -
                       its.begin());
  for (auto& p : m_groups)
    fitY(p, first, std::max(last, first));
}

void LossPanel::fitY(Plot& p, size_t first, size_t last) {
  const bool log = m_log && p.positive;
  std::vector<double> values;
  for (int col : p.group.columns) {
    const auto& raw = m_rawCols[size_t(col)];
    const auto& smooth = m_smoothedCols[size_t(col)];
    for (size_t i = first; i < last && i < raw.size(); ++i) {
      values.push_back(log ? std::log10(raw[i]) : raw[i]);
      if (m_smooth)
        values.push_back(log ? std::log10(smooth[i]) : smooth[i]);
    }
  }
  const ValueRange v = robustRange(std::move(values), kRangeQuantile);
  auto* y = p.rect->axis(QCPAxis::atLeft);
  if (!v.valid())
    return;
  const double pad = (v.hi - v.lo) * 0.08;
  if (log)
    y->setRange(std::pow(10.0, v.lo - pad), std::pow(10.0, v.hi + pad));
  else
    y->setRange(v.lo - pad, v.hi + pad);
}

void LossPanel::onXRangeChanged() {
  // One iteration axis for every plot: a drag or zoom on one moves them all.
  if (m_settingX || m_groups.empty())
    return;
  auto* source = qobject_cast<QCPAxis*>(sender());
  if (!source)
    return;
  m_followX = false;
  m_settingX = true;
  for (auto& p : m_groups)
    if (p.rect->axis(QCPAxis::atBottom) != source)
      p.rect->axis(QCPAxis::atBottom)->setRange(source->range());
  m_settingX = false;
  fitY();
}

// ------------------------------------------------------------------ hover and replot

int LossPanel::plotAt(const QPointF& pos) const {
  for (size_t i = 0; i < m_groups.size(); ++i)
    if (m_groups[i].rect->outerRect().contains(pos.toPoint()))
      return int(i);
  return -1;
}

void LossPanel::onMouseMove(QMouseEvent* event) {
  const int i = plotAt(event->position());
  if (i < 0) {
    showTitleTooltip(event);
    return;
  }
  hoverAt(i, m_groups[size_t(i)].rect->axis(QCPAxis::atBottom)->pixelToCoord(
                 event->position().x()));
}

void LossPanel::showTitleTooltip(QMouseEvent* event) {
  for (const auto& p : m_groups)
    if (p.title->outerRect().contains(event->position().toPoint())) {
      QToolTip::showText(event->globalPosition().toPoint(),
                         QString::fromStdString(p.group.tooltip), m_plot);
      return;
    }
}

void LossPanel::hoverAt(int plot, double iteration) {
  if (!m_history || m_history->rows.empty() || plot < 0 || plot >= plotCount())
    return;
  const size_t row = nearestRow(m_history->iterations, iteration);
  const double at = double(m_history->iterations[row]);
  const Plot& p = m_groups[size_t(plot)];
  QStringList parts{tr("iteration %1").arg(m_history->iterations[row])};
  for (int col : p.group.columns) {
    const double raw = m_rawCols[size_t(col)][row];
    QString part = QString("%1 %2").arg(QString::fromStdString(m_names[size_t(col)]),
                                        valueText(raw));
    if (m_smooth)
      part += tr(" (EMA %1)").arg(valueText(m_smoothedCols[size_t(col)][row]));
    parts << part;
  }
  setReadout(parts.join("   "));
  for (auto& q : m_groups) {
    q.tracer->point1->setCoords(at, 0);
    q.tracer->point2->setCoords(at, 1);
    q.tracer->setVisible(true);
  }
  requestReplot();
}

QString LossPanel::readout() const { return m_readoutText; }

void LossPanel::resetReadout() { setReadout(readoutHint()); }

void LossPanel::setReadout(const QString& text) {
  // One line, elided to the panel's width; the whole of it in the tooltip.
  m_readoutText = text;
  m_readout->setText(m_readout->fontMetrics().elidedText(text, Qt::ElideRight,
                                                          std::max(40, m_readout->width())));
  m_readout->setToolTip(text);
}

void LossPanel::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  setReadout(m_readoutText);
}

void LossPanel::requestReplot() {
  // Hidden behind another tab: replot when shown.
  if (!isVisible()) {
    m_dirty = true;
    return;
  }
  m_dirty = false;
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool LossPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_scroll->viewport() && event->type() == QEvent::Resize)
    arrangePlots();
  // A tall stack of plots scrolls under the wheel like any panel; Ctrl+wheel zooms iterations.
  if (watched == m_plot && event->type() == QEvent::Wheel &&
      !(static_cast<QWheelEvent*>(event)->modifiers() & Qt::ControlModifier)) {
    QCoreApplication::sendEvent(m_scroll->verticalScrollBar(), event);
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

void LossPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (m_dirty)
    requestReplot();
}

// ------------------------------------------------------------------ tests and exports

QString LossPanel::plotTitle(int plot) const {
  return plot >= 0 && plot < plotCount()
             ? QString::fromStdString(m_groups[size_t(plot)].group.title)
             : QString();
}

int LossPanel::termCount(int plot) const {
  return plot >= 0 && plot < plotCount() ? int(m_groups[size_t(plot)].group.columns.size()) : 0;
}

QVector<double> LossPanel::drawnValues(int plot, int term, LossLine line) const {
  if (term < 0 || term >= termCount(plot))
    return {};
  const Plot& p = m_groups[size_t(plot)];
  const QCPGraph* g = line == LossLine::Raw ? p.raw[size_t(term)] : p.smoothed[size_t(term)];
  QVector<double> values;
  for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
    values.push_back(it->value);
  return values;
}

bool LossPanel::exportCsv(const QString& path, QString* error) const {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
    if (error)
      *error = tr("cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  QTextStream s(&f);
  s << "iteration";
  const auto names = m_history ? m_history->names : std::vector<std::string>{};
  const bool ema = m_smooth && m_smoothedCols.size() == names.size();
  for (const auto& n : names)
    s << "," << QString::fromStdString(n);
  if (ema)
    for (const auto& n : names)
      s << "," << QString::fromStdString(n) << "_ema_halflife_" << m_halfLife;
  s << "\n";
  for (size_t i = 0; m_history && i < m_history->rows.size(); ++i) {
    s << m_history->iterations[i];
    for (double v : m_history->rows[i])
      s << "," << QString::number(v, 'g', 9);
    if (ema)
      for (const auto& col : m_smoothedCols)
        s << "," << QString::number(col[i], 'g', 9);
    s << "\n";
  }
  return true;
}

} // namespace ebm::ui
