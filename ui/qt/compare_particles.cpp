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
  QCPColorGradient gradient;  // viridis reversed: yellow = low energy, as the landscape view
  gradient.setColorStops({{0.0, QColor(253, 231, 37)},
                          {0.25, QColor(94, 201, 98)},
                          {0.5, QColor(33, 145, 140)},
                          {0.75, QColor(59, 82, 139)},
                          {1.0, QColor(68, 1, 84)}});
  m_map->setGradient(gradient);
  m_map->setInterpolate(true);
  m_map->setName(tr("energy (yellow = low)"));
  m_plot->legend->setVisible(true);
  m_plot->legend->setBrush(QColor(255, 255, 255, 215));
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  layout->addWidget(m_plot);
}

void CompareParticles::setLandscape(std::shared_ptr<const Landscape> landscape) {
  if (landscape == m_landscape)
    return;
  m_landscape = std::move(landscape);
  if (!m_landscape || m_landscape->res < 2) {
    m_map->data()->clear();
  } else {
    const auto& l = *m_landscape;
    m_map->data()->setSize(l.res, l.res);
    m_map->data()->setRange(QCPRange(l.lo, l.hi), QCPRange(l.lo, l.hi));
    for (int r = 0; r < l.res; ++r)  // row 0 is the top (y = hi)
      for (int k = 0; k < l.res; ++k)
        m_map->data()->setCell(k, l.res - 1 - r, l.energy[size_t(r) * l.res + k]);
    m_map->rescaleDataRange(true);
  }
  fitAxes();
  m_plot->replot();
}

void CompareParticles::setParticles(const std::vector<std::vector<float>>& points,
                                    const std::vector<QColor>& colours, const QStringList& names) {
  for (int i = m_plot->graphCount() - 1; i >= 0; --i)
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
  for (int i = 0; i < m_plot->graphCount(); ++i)
    for (const auto& p : *m_plot->graph(i)->data()) {
      if (!std::isfinite(p.key) || !std::isfinite(p.value))
        continue;
      lo = std::min({lo, p.key, p.value});
      hi = std::max({hi, p.key, p.value});
    }
  const double l0 = m_landscape ? m_landscape->lo : -1.5, h0 = m_landscape ? m_landscape->hi : 1.5;
  lo = std::max(lo, l0 - (h0 - l0));  // a diverged chain does not shrink the rest to a dot
  hi = std::min(hi, h0 + (h0 - l0));
  m_plot->xAxis->setRange(lo, hi);
  m_plot->yAxis->setRange(lo, hi);
}

} // namespace ebm::ui
