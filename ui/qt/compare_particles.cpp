#include "compare_particles.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ebm::ui {

CompareParticles::CompareParticles(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_plot = new QCustomPlot;
  m_plot->setObjectName("compare.particles");
  m_plot->xAxis->setLabel("x₁");
  m_plot->yAxis->setLabel("x₂");
  m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
  m_map->setInterpolate(true);
  m_map->removeFromLegend();
  auto* scale = new QCPColorScale(m_plot);
  m_plot->plotLayout()->addElement(0, 1, scale);
  scale->setType(QCPAxis::atRight);
  scale->axis()->setLabel(tr("energy E(x) · yellow = low = likely"));
  m_map->setColorScale(scale);
  QCPColorGradient gradient;  // viridis reversed: yellow = low energy, as the landscape view
  gradient.setColorStops({{0.0, QColor(253, 231, 37)},
                          {0.25, QColor(94, 201, 98)},
                          {0.5, QColor(33, 145, 140)},
                          {0.75, QColor(59, 82, 139)},
                          {1.0, QColor(68, 1, 84)}});
  scale->setGradient(gradient);
  auto* margins = new QCPMarginGroup(m_plot);
  m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  m_data = m_plot->addGraph();
  m_data->setName(tr("held-out data"));
  m_data->setLineStyle(QCPGraph::lsNone);
  m_data->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle,
                                          QPen(QColor(40, 40, 40, 170), 0.6),
                                          QColor(255, 255, 255, 210), 4));
  m_plot->legend->setVisible(true);
  m_plot->legend->setBrush(QColor(255, 255, 255, 215));
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  layout->addWidget(m_plot);
  // Once the plot knows its size (every replot lays it out first), equal units on both axes.
  connect(m_plot, &QCustomPlot::afterLayout, this, &CompareParticles::equalUnits);
}

void CompareParticles::setLandscape(std::shared_ptr<const Landscape> landscape) {
  if (landscape == m_landscape)
    return;
  m_landscape = std::move(landscape);
  QVector<double> dx, dy;
  if (!m_landscape || m_landscape->res < 2) {
    m_map->data()->clear();
  } else {
    for (size_t k = 0; k + 1 < m_landscape->data.size(); k += 2) {
      dx << m_landscape->data[k];
      dy << m_landscape->data[k + 1];
    }
    const auto& l = *m_landscape;
    m_map->data()->setSize(l.res, l.res);
    m_map->data()->setRange(QCPRange(l.lo, l.hi), QCPRange(l.lo, l.hi));
    for (int r = 0; r < l.res; ++r)  // row 0 is the top (y = hi)
      for (int k = 0; k < l.res; ++k)
        m_map->data()->setCell(k, l.res - 1 - r, l.energy[size_t(r) * l.res + k]);
    m_map->rescaleDataRange(true);
  }
  m_data->setData(dx, dy);
  fitAxes();
  m_plot->replot();
}

void CompareParticles::setParticles(const std::vector<std::vector<float>>& points,
                                    const std::vector<QColor>& colours, const QStringList& names) {
  for (int i = m_plot->graphCount() - 1; i >= 0; --i)
    if (m_plot->graph(i) != m_data)
      m_plot->removeGraph(i);
  m_sets = 0;
  for (size_t v = 0; v < points.size() && v < colours.size(); ++v) {
    auto* g = m_plot->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    const QColor c = colours[v];
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 0.8), c, 8));
    g->setName(v < size_t(names.size()) ? names[int(v)] : QString());
    QVector<double> xs, ys;
    for (size_t k = 0; k + 1 < points[v].size(); k += 2) {
      xs << points[v][k];
      ys << points[v][k + 1];
    }
    g->setData(xs, ys, true);
    ++m_sets;
  }
  fitAxes();
  m_plot->replot();
}

void CompareParticles::fitAxes() {
  // The landscape's square, widened to show particles that left it.
  double lo = m_landscape ? m_landscape->lo : -1.5, hi = m_landscape ? m_landscape->hi : 1.5;
  for (int i = 0; i < m_plot->graphCount(); ++i) {
    if (m_plot->graph(i) == m_data)
      continue;
    for (const auto& p : *m_plot->graph(i)->data()) {
      if (!std::isfinite(p.key) || !std::isfinite(p.value))
        continue;
      lo = std::min({lo, p.key, p.value});
      hi = std::max({hi, p.key, p.value});
    }
  }
  const double l0 = m_landscape ? m_landscape->lo : -1.5, h0 = m_landscape ? m_landscape->hi : 1.5;
  lo = std::max(lo, l0 - (h0 - l0));  // a diverged chain does not shrink the rest to a dot
  hi = std::min(hi, h0 + (h0 - l0));
  m_plot->xAxis->setRange(lo, hi);
  m_plot->yAxis->setRange(lo, hi);
}

void CompareParticles::equalUnits() {
  // The wider side shows more, so the landscape is not stretched.
  const QRect r = m_plot->axisRect()->rect();
  if (r.width() > 0 && r.height() > 0) {
    if (r.width() >= r.height())
      m_plot->xAxis->setScaleRatio(m_plot->yAxis, 1.0);
    else
      m_plot->yAxis->setScaleRatio(m_plot->xAxis, 1.0);
  }
}

} // namespace ebm::ui
