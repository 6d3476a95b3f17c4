#include "latent_plane.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace ebm::ui {

LatentPlane::LatentPlane(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  m_plot = new QCustomPlot(this);
  m_plot->xAxis->setLabel("z₁");
  m_plot->yAxis->setLabel("z₂");
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->setToolTip(tr("z-chains in the latent plane: squares are starts, lines the "
                        "posterior trajectories, discs the positions at the step cursor."));
  layout->addWidget(m_plot);
}

void LatentPlane::setTrace(std::shared_ptr<const Trace> trace) {
  m_trace = std::move(trace);
  redraw();
}

void LatentPlane::setCursorStep(int step) {
  m_cursorStep = step;
  redraw();
}

void LatentPlane::setPlaceholder(const QString& text) {
  m_placeholder = text;
  redraw();
}

void LatentPlane::redraw() {
  m_plot->clearPlottables();
  int64_t dims = 1;
  if (m_trace)
    for (auto d : m_trace->stateShape)
      dims *= d;
  const bool empty = !m_trace || dims != 2 || m_trace->snapshots.empty();
  if (!m_note) {
    m_note = new QCPItemText(m_plot);
    m_note->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_note->position->setCoords(0.5, 0.5);
    m_note->setColor(Qt::gray);
  }
  m_note->setText(m_placeholder);
  m_note->setVisible(empty && !m_placeholder.isEmpty());
  if (empty) {
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const auto& snaps = m_trace->snapshots;
  int last = static_cast<int>(snaps.size()) - 1;
  if (m_cursorStep >= 0) {
    last = 0;
    for (int i = 0; i < static_cast<int>(snaps.size()); ++i)
      if (snaps[i].step <= m_cursorStep)
        last = i;
  }
  const int chains = std::min(m_trace->chains, 64);
  QVector<double> sx, sy, cx, cy;
  for (int c = 0; c < chains; ++c) {
    auto* curve = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
    QVector<double> t, x, y;
    for (int i = 0; i <= last; ++i) {
      t.push_back(i);
      x.push_back(snaps[i].state[2 * c]);
      y.push_back(snaps[i].state[2 * c + 1]);
    }
    curve->setData(t, x, y);
    curve->setPen(QPen(QColor(0, 114, 178, 110), 1));
    sx.push_back(x.front());
    sy.push_back(y.front());
    cx.push_back(x.back());
    cy.push_back(y.back());
  }
  auto* starts = m_plot->addGraph();
  starts->setLineStyle(QCPGraph::lsNone);
  starts->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, QColor(90, 90, 90), 5));
  starts->setData(sx, sy);
  auto* now = m_plot->addGraph();
  now->setLineStyle(QCPGraph::lsNone);
  now->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(213, 94, 0), QColor(213, 94, 0), 6));
  now->setData(cx, cy);
  m_plot->rescaleAxes();
  m_plot->xAxis->scaleRange(1.1);
  m_plot->yAxis->scaleRange(1.1);
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ebm::ui
