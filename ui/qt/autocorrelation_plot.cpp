#include "autocorrelation_plot.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ebm::ui {

AutocorrelationPlot::AutocorrelationPlot(QWidget* parent) : QWidget(parent) {
  setToolTip(tr("Autocorrelation of the energy by lag over the second half of the steps up to "
                "the cursor, the mean over chains. Bars inside the grey band (±2/√n) are what an "
                "uncorrelated series shows; the lag where the bars reach it is about how many "
                "steps apart two states are nearly independent. ESS = effective sample size."));
}

void AutocorrelationPlot::setValues(std::vector<double> rho, int length, double ess, int chains) {
  m_rho = std::move(rho);
  m_length = length;
  m_ess = ess;
  m_chains = chains;
  update();
}

QString AutocorrelationPlot::caption() const {
  if (m_rho.empty())
    return tr("energy autocorrelation: needs 8 steps up to the cursor");
  QString text = tr("energy autocorrelation, lags 0–%1 (%2 steps × %3 chains)")
                     .arg(int(m_rho.size()) - 1)
                     .arg(m_length)
                     .arg(m_chains);
  if (m_ess >= 0)
    text += tr(" · ESS %1 of %2").arg(m_ess, 0, 'f', 0).arg(m_length * m_chains);
  return text;
}

void AutocorrelationPlot::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QPalette pal = palette();
  p.fillRect(rect(), pal.color(QPalette::Base));
  const int lh = fontMetrics().height();
  p.setPen(pal.color(QPalette::Text));
  p.drawText(QRect(4, 1, width() - 8, lh), Qt::AlignLeft | Qt::AlignVCenter, caption());
  const QRect plot(28, lh + 4, width() - 34, height() - lh - 8);
  if (m_rho.empty() || plot.height() < 10 || plot.width() < 10)
    return;
  // y from -1 to 1; zero line in the middle.
  auto yOf = [&](double v) { return plot.top() + (1 - std::clamp(v, -1.0, 1.0)) * 0.5 * plot.height(); };
  const double band = m_length > 0 ? 2.0 / std::sqrt(double(m_length)) : 0;
  p.fillRect(QRectF(plot.left(), yOf(band), plot.width(), yOf(-band) - yOf(band)),
             QColor(128, 128, 128, 60));
  p.setPen(pal.color(QPalette::Mid));
  p.drawLine(QPointF(plot.left(), yOf(0)), QPointF(plot.right(), yOf(0)));
  p.drawRect(plot);
  p.setPen(pal.color(QPalette::Text));
  p.drawText(QRect(0, int(yOf(1)) - lh / 2, 24, lh), Qt::AlignRight | Qt::AlignVCenter, "1");
  p.drawText(QRect(0, int(yOf(0)) - lh / 2, 24, lh), Qt::AlignRight | Qt::AlignVCenter, "0");
  const double w = double(plot.width()) / double(m_rho.size());
  p.setPen(Qt::NoPen);
  p.setBrush(pal.color(QPalette::Highlight));
  for (size_t k = 0; k < m_rho.size(); ++k) {
    const double top = std::min(yOf(m_rho[k]), yOf(0)), bottom = std::max(yOf(m_rho[k]), yOf(0));
    p.drawRect(QRectF(plot.left() + k * w + 0.15 * w, top, std::max(1.0, 0.7 * w), bottom - top));
  }
}

} // namespace ebm::ui
