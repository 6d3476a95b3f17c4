// AutocorrelationPlot: a small bar plot of a chain's energy autocorrelation by lag (lag 0 = 1),
// with the ±2/√n band of an uncorrelated series and the effective sample size it implies, so a
// researcher sees how many steps apart two states are nearly independent. Reads the values it
// is given (ChainDiagnostics::autocorrelation); GUI thread only.
#pragma once

#include <QWidget>

#include <vector>

namespace ebm::ui {

class AutocorrelationPlot : public QWidget {
  Q_OBJECT
public:
  explicit AutocorrelationPlot(QWidget* parent = nullptr);

  /// rho by lag, the series length n each chain's autocorrelation came from, the ESS summed
  /// over chains and the number of chains (an empty rho: "not enough steps").
  void setValues(std::vector<double> rho, int length, double ess, int chains);
  const std::vector<double>& values() const { return m_rho; }
  QString caption() const;

  QSize sizeHint() const override { return {360, 96}; }
  QSize minimumSizeHint() const override { return {160, 72}; }

protected:
  void paintEvent(QPaintEvent*) override;

private:
  std::vector<double> m_rho;
  int m_length = 0, m_chains = 0;
  double m_ess = -1;
};

} // namespace ebm::ui
