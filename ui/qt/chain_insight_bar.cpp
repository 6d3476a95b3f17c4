#include "chain_insight_bar.h"

#include "autocorrelation_plot.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QToolButton>

namespace ebm::ui {
namespace {

QString num(double v) { return QString::fromStdString(shortNumber(v)); }

QLabel* wrapping(QWidget* parent) {
  auto* l = new QLabel(parent);
  l->setWordWrap(true);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return l;
}

} // namespace

ChainInsightBar::ChainInsightBar(QWidget* parent) : QWidget(parent) {
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(4, 2, 4, 2);
  grid->setVerticalSpacing(1);
  m_what = wrapping(this);
  m_numbers = wrapping(this);
  m_explain = wrapping(this);
  m_explain->setForegroundRole(QPalette::Link);  // follows the theme
  m_temperature = new QPushButton(this);
  m_temperature->setToolTip(tr("Runs this chain with n = s, i.e. temperature T = 1: the "
                               "Langevin sampler of the energy itself. Press again to go back."));
  m_diagnostics = wrapping(this);
  m_badge = new QLabel(this);
  m_badge->setWordWrap(true);
  m_change = new QCheckBox(tr("Δ from t = 0"), this);
  m_change->setChecked(true);
  m_change->setToolTip(tr("Show the change x_t − x_0 at the cursor, amplified, and each chain's "
                          "numbers beside the strip"));
  grid->addWidget(m_what, 0, 0, 1, 2);
  grid->addWidget(m_change, 1, 2, Qt::AlignRight);
  grid->addWidget(m_numbers, 1, 0, 1, 2);
  grid->addWidget(m_diagnostics, 2, 0);
  grid->addWidget(m_badge, 2, 1, 1, 2);
  grid->addWidget(m_explain, 3, 0, 1, 2);
  grid->addWidget(m_temperature, 3, 2, Qt::AlignRight);
  m_acfToggle = new QToolButton(this);
  m_acfToggle->setText(tr("ACF"));
  m_acfToggle->setCheckable(true);
  m_acfToggle->setToolTip(tr("Show the energy's autocorrelation by lag and its effective sample "
                             "size"));
  m_acf = new AutocorrelationPlot(this);
  m_acf->setVisible(false);
  grid->addWidget(m_acfToggle, 2, 3, Qt::AlignRight);
  grid->addWidget(m_acf, 4, 0, 1, 4);
  connect(m_acfToggle, &QToolButton::toggled, m_acf, &QWidget::setVisible);
  grid->setColumnStretch(0, 1);
  connect(m_change, &QCheckBox::toggled, this, &ChainInsightBar::showChangeToggled);
  connect(m_temperature, &QPushButton::clicked, this, [this] {
    if (m_raisedFrom >= 0)
      Q_EMIT noiseRequested(m_raisedFrom);
    else if (m_insight.stepSize > 0)
      Q_EMIT noiseRequested(m_insight.stepSize);
  });
  refresh();
}

void ChainInsightBar::setChain(const ChainSpec* spec, bool twoD) {
  m_hasChain = spec != nullptr;
  if (spec)
    m_spec = *spec;
  m_twoD = twoD;
  m_trace.reset();
  m_raisedFrom = -1;
  m_change->setVisible(!twoD);
  refresh();
}

void ChainInsightBar::show(const std::shared_ptr<const Trace>& trace, int step) {
  if (trace == m_trace && step == m_step)
    return;
  m_trace = trace;
  m_step = step;
  refresh();
}

void ChainInsightBar::setRaisedFrom(double noise) {
  m_raisedFrom = noise;
  refresh();
}

QString ChainInsightBar::ruleText(const RevisionInsight& in) const {
  // The rule as the method writes it in ASCII, in the symbols of the paper.
  QString rule = QString::fromStdString(m_spec.updateRule);
  rule.replace("<-", QString::fromUtf8("←"))
      .replace("s^2/2", QString::fromUtf8("½s²"))
      .replace("^2", QString::fromUtf8("²"))
      .replace(QRegularExpression("\\bxi\\b"), QString::fromUtf8("ξ"))
      .replace(QRegularExpression("\\bsigma\\b"), QString::fromUtf8("σ"));
  if (in.stepSize > 0)
    rule += tr("   with s = %1, n = %2").arg(num(in.stepSize), num(in.noise));
  return rule;
}

void ChainInsightBar::refresh() {
  if (!m_hasChain) {
    m_what->setText(tr("This model has no chain for this view."));
    m_numbers->clear();
    m_diagnostics->clear();
    m_badge->hide();
    m_acfToggle->hide();
    m_acf->hide();
    m_explain->hide();
    m_temperature->hide();
    return;
  }
  m_insight = m_trace ? revisionInsight(*m_trace, m_step, m_trace->decodes()) : RevisionInsight{};
  m_what->setText("<tt>" + ruleText(m_insight).toHtmlEscaped() + "</tt>");
  m_what->setToolTip(tr("What you see: %1 revised by Langevin steps of this update rule; %2. "
                        "The numbers are for the step at the cursor.")
                         .arg(QString::fromStdString(m_spec.stateLabel),
                              m_twoD ? tr("dots are chains, tails their recent steps")
                                     : tr("rows are chains, columns snapshots")));
  m_numbers->setText(numbersLine());
  showDiagnostics();
  const bool offer = m_insight.lowTemperature || m_raisedFrom >= 0;
  m_explain->setVisible(offer);
  m_temperature->setVisible(offer);
  m_explain->setText(
      m_raisedFrom >= 0
          ? tr("Running at T = 1 (n = s): the sampler's own spread. Training uses this n too.")
          : tr("Low temperature by design: n = %1 ≪ s = %2, so the chain mostly slides down "
               "the energy and changes little (%3 % RMS).")
                .arg(num(m_insight.noise), num(m_insight.stepSize))
                .arg(100.0 * m_insight.relativeChange(), 0, 'f', 1));
  m_explain->setToolTip(QString::fromStdString(m_insight.explanation));
  m_temperature->setText(m_raisedFrom >= 0 ? tr("Back to n = %1").arg(num(m_raisedFrom))
                                           : tr("Show a chain at T = 1"));
}

void ChainInsightBar::showDiagnostics() {
  // Live sampler diagnostics of the shown trace up to the cursor, and the verdict as a badge.
  const ChainDiagnostics d = m_trace ? chainDiagnostics(*m_trace, m_step) : ChainDiagnostics{};
  QStringList parts;
  if (d.driftToNoise >= 0)
    parts << tr("drift/noise %1").arg(num(d.driftToNoise));
  if (d.gradNorm >= 0)
    parts << tr("|∇| %1").arg(num(d.gradNorm));
  if (d.malaAccept >= 0)
    parts << tr("MALA accept %1 %").arg(100 * d.malaAccept, 0, 'f', 0);
  if (d.rhat >= 0)
    parts << tr("R-hat %1").arg(d.rhat, 0, 'f', 2);
  if (d.ess >= 0)
    parts << tr("ESS %1").arg(d.ess, 0, 'f', 0);
  m_diagnostics->setText(parts.join(" · "));
  m_diagnostics->setToolTip(tr("Over the steps up to the cursor: drift/noise = |½s²∇E| / |n ξ| "
                               "(mean over chains and steps); |∇| the gradient norm at the last "
                               "step; MALA accept = the mean probability min(1, α) with which a "
                               "Metropolis correction (MALA) would have accepted each move, for "
                               "the target exp(−E/T), T = (n/s)², and the proposal "
                               "N(x − ½s²∇E(x), n²I) (under 30 %: the step is too large for "
                               "that target; the move into the last step is left out, it would "
                               "need one more gradient); split R-hat and effective sample size "
                               "of the energy over the second half of the steps (R-hat near 1: "
                               "the chains agree)."));
  m_shownDiagnostics = d;
  m_acfToggle->setVisible(m_trace != nullptr);
  m_acf->setVisible(m_trace != nullptr && m_acfToggle->isChecked());
  const int window = d.rows - d.rows / 2;
  m_acf->setValues(d.autocorrelation, window, d.ess, m_trace ? m_trace->chains : 0);
  const bool bad = d.verdict == ChainDiagnostics::Verdict::TooLarge ||
                   d.verdict == ChainDiagnostics::Verdict::TooSmall;
  m_badge->setVisible(d.verdict != ChainDiagnostics::Verdict::None);
  m_badge->setText(bad ? QString::fromStdString(d.reason) : tr("step size looks fine"));
  m_badge->setStyleSheet(bad ? "QLabel { background: #b3471d; color: white; padding: 1px 4px; }"
                             : "QLabel { background: #2f7d4f; color: white; padding: 1px 4px; }");
  m_badge->setToolTip(QString::fromStdString(d.reason));
  m_verdict = d.verdict;
}

QString ChainInsightBar::numbersLine() const {
  if (m_insight.step < 0)
    return tr("No revision yet.");
  QString line = tr("t = %1: mean RMS change %2 (%3 %)")
                     .arg(m_insight.step)
                     .arg(num(m_insight.meanDisplacement))
                     .arg(100.0 * m_insight.relativeChange(), 0, 'f', 1);
  if (!m_insight.energyDrop.empty())
    line += tr(" · mean ΔE %1").arg(num(-m_insight.meanEnergyDrop));
  if (m_insight.temperature >= 0)
    line += tr(" · T = (n/s)² = %1").arg(num(m_insight.temperature));
  return line;
}

QString ChainInsightBar::numbersText() const { return m_numbers->text(); }
QString ChainInsightBar::explanationText() const { return m_explain->text(); }
QString ChainInsightBar::diagnosticsText() const { return m_diagnostics->text(); }

} // namespace ebm::ui
