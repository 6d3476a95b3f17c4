// ChainInsightBar: the lines above a chain view that say what it shows. What you see (one
// sentence), the update rule with the numbers in force at the cursor, what the revision did up
// to the cursor (mean RMS change, mean energy change, the temperature), the sampler's
// diagnostics (drift/noise, gradient norm, the acceptance a MALA correction would have had, R-hat,
// ESS, and on demand the energy's autocorrelation plot) with a step-size badge, and, when the change is
// small because the temperature is low by design, the reason and a button that runs the chain
// at T = 1 (n = s) — or back. Reads only the trace it is given. GUI thread only.
#pragma once

#include "chain_diagnostics.h"
#include "revision_insight.h"
#include "session.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QPushButton;
class QToolButton;

namespace ebm::ui {

class AutocorrelationPlot;

class ChainInsightBar : public QWidget {
  Q_OBJECT
public:
  explicit ChainInsightBar(QWidget* parent = nullptr);

  /// The chain the bar describes (nullptr: none) and whether its view shows decoded states.
  void setChain(const ChainSpec* spec, bool twoD);
  /// The trace shown and the cursor step (-1: its latest step).
  void show(const std::shared_ptr<const Trace>& trace, int step);
  /// Offers "back to n = <noise>" after the temperature was raised.
  void setRaisedFrom(double noise);
  QString numbersText() const;
  QString explanationText() const;
  QPushButton* temperatureButton() const { return m_temperature; }
  QCheckBox* changeToggle() const { return m_change; }
  QString diagnosticsText() const;
  ChainDiagnostics::Verdict verdict() const { return m_verdict; }
  /// The diagnostics shown now (up to the cursor).
  const ChainDiagnostics& diagnostics() const { return m_shownDiagnostics; }
  QToolButton* autocorrelationToggle() const { return m_acfToggle; }
  AutocorrelationPlot* autocorrelationPlot() const { return m_acf; }

Q_SIGNALS:
  /// Run the chain with this noise (n = s for T = 1, or the noise it had before).
  void noiseRequested(double noise);
  void showChangeToggled(bool on);

private:
  void refresh();
  QString ruleText(const RevisionInsight& in) const;
  QString numbersLine() const;
  void showDiagnostics();

  ChainSpec m_spec;
  bool m_hasChain = false, m_twoD = false;
  std::shared_ptr<const Trace> m_trace;
  int m_step = -1;
  double m_raisedFrom = -1;  // the noise before "T = 1" was pressed (-1: not raised)
  RevisionInsight m_insight;
  QLabel* m_what = nullptr;
  QLabel* m_numbers = nullptr;
  QLabel* m_explain = nullptr;
  QLabel* m_diagnostics = nullptr;
  QLabel* m_badge = nullptr;
  ChainDiagnostics::Verdict m_verdict = ChainDiagnostics::Verdict::None;
  ChainDiagnostics m_shownDiagnostics;
  QToolButton* m_acfToggle = nullptr;
  AutocorrelationPlot* m_acf = nullptr;
  QPushButton* m_temperature = nullptr;
  QCheckBox* m_change = nullptr;
};

} // namespace ebm::ui
