#include "compare_panel.h"

#include "compare_grid_view.h"
#include "compare_particles.h"
#include "curve_plot.h"
#include "sweep_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace ebm::ui {
namespace {

// The first four colours of CurvePlot's palette, so a variant has one colour everywhere.
const QColor kVariantColours[ComparePanel::kRows] = {QColor(0, 114, 178), QColor(213, 94, 0),
                                                     QColor(0, 158, 115), QColor(204, 121, 167)};

const SettingSpec* findSetting(const ChainSpec& spec, const std::string& key) {
  for (const auto& s : spec.settings)
    if (s.key == key)
      return &s;
  return nullptr;
}

std::string firstKey(const ChainSpec& spec, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (findSetting(spec, k))
      return k;
  return {};
}

QDoubleSpinBox* realBox(const QString& tip) {
  auto* box = new QDoubleSpinBox;
  box->setDecimals(5);
  box->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  box->setMinimumWidth(90);
  box->setMaximumWidth(150);
  box->setToolTip(tip);
  return box;
}

void setRange(QDoubleSpinBox* box, const SettingSpec* s) {
  if (!s)
    return;
  const double lo = s->minExclusive ? std::max(s->min, 1e-5) : s->min;
  box->setRange(lo, s->max);
}

QLabel* header(const QString& text) {
  auto* l = new QLabel(text);
  QFont f = l->font();
  f.setBold(true);
  l->setFont(f);
  return l;
}

} // namespace

ComparePanel::ComparePanel(QWidget* parent) : QWidget(parent) {
  // Settings above, results below: the panel shares a column with the samples, which is narrow
  // on a 1280-px screen, so the results get the full width.
  setObjectName("ComparePanel");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(buildSettings());
  layout->addWidget(buildResults(), 1);
}

QWidget* ComparePanel::buildSettings() {
  auto* box = new QWidget;
  auto* v = new QVBoxLayout(box);
  v->setContentsMargins(0, 0, 0, 0);
  auto* top = new QHBoxLayout;
  m_chain = new QComboBox;
  m_chain->setToolTip(tr("The chain whose settings are compared"));
  m_chains = new QSpinBox;
  m_chains->setRange(2, 4096);
  m_chains->setValue(16);
  m_chains->setToolTip(tr("Chains per variant (the same start states for every variant)"));
  m_seed = new QSpinBox;
  m_seed->setRange(0, 1000000);
  m_seed->setValue(1);
  m_seed->setToolTip(tr("One seed for all variants: the same starts and the same noise"));
  m_init = new QComboBox;
  m_init->setToolTip(tr("Where the chains start (rows may choose another)"));
  top->addWidget(new QLabel(tr("chain")));
  top->addWidget(m_chain, 2);
  top->addWidget(new QLabel(tr("chains")));
  top->addWidget(m_chains);
  top->addWidget(new QLabel(tr("seed")));
  top->addWidget(m_seed);
  top->addWidget(new QLabel(tr("start")));
  top->addWidget(m_init, 1);
  v->addLayout(top);
  v->addWidget(buildVariantRows());
  connect(m_chain, &QComboBox::currentIndexChanged, this, [this] { chainChosen(); });
  return box;
}

QWidget* ComparePanel::buildVariantRows() {
  auto* group = new QWidget;
  group->setToolTip(tr("Every variant starts from the same states and draws the same noise"));
  auto* grid = new QGridLayout(group);
  grid->setContentsMargins(0, 2, 0, 2);
  grid->setVerticalSpacing(2);
  m_stepHeader = header(tr("step size s"));
  m_noiseHeader = header(tr("noise n"));
  grid->addWidget(header(tr("variant")), 0, 0, 1, 2);
  grid->addWidget(m_stepHeader, 0, 2);
  grid->addWidget(m_noiseHeader, 0, 3);
  grid->addWidget(header(tr("steps K")), 0, 4);
  grid->addWidget(header(tr("start")), 0, 5);
  for (int r = 0; r < kRows; ++r)
    addRow(grid, r);
  grid->setColumnStretch(6, 1);  // a wide panel keeps the fields together on the left
  // Rows are used in order, so a variant's colour is its row's in every view.
  m_rows[3].use->setEnabled(false);
  connect(m_rows[2].use, &QCheckBox::toggled, this, [this](bool on) {
    m_rows[3].use->setEnabled(on);
    if (!on)
      m_rows[3].use->setChecked(false);
  });
  auto* buttons = new QHBoxLayout;
  m_fill = new QPushButton(tr("s/2 · s · 2s"));
  m_fill->setToolTip(tr("Fill the rows from the chain's live settings: half, the same, double"));
  m_run = new QPushButton(tr("Run comparison"));
  m_run->setObjectName("compare.run");
  m_run->setToolTip(tr("Run the chain once per ticked row, from the same starts and noise"));
  m_stop = new QPushButton(tr("Stop"));
  m_stop->setToolTip(tr("Stop the comparison or grid at its next Langevin step"));
  m_stop->setEnabled(false);
  m_hint = new QLabel;
  m_hint->setWordWrap(true);
  buttons->addWidget(m_fill);
  buttons->addWidget(m_run);
  buttons->addWidget(m_stop);
  buttons->addWidget(m_hint, 1);
  m_maximise = new QPushButton(tr("Full window"));
  m_maximise->setToolTip(tr("This panel alone in the window, and back (M)"));
  buttons->addWidget(m_maximise);
  connect(m_maximise, &QPushButton::clicked, this, &ComparePanel::maximiseRequested);
  grid->addLayout(buttons, kRows + 1, 0, 1, 7);
  connect(m_fill, &QPushButton::clicked, this, &ComparePanel::prefill);
  connect(m_run, &QPushButton::clicked, this, &ComparePanel::runComparison);
  connect(m_stop, &QPushButton::clicked, this, [this] { Q_EMIT post(cmd::StopRevision{}); });
  return group;
}

void ComparePanel::addRow(QGridLayout* grid, int r) {
  Row& row = m_rows[r];
  row.swatch = new QLabel;
  row.swatch->setFixedSize(12, 12);
  row.swatch->setStyleSheet(QString("background: %1;").arg(kVariantColours[r].name()));
  row.use = new QCheckBox(QString::number(r + 1));
  row.use->setToolTip(tr("Run this variant"));
  if (r < 2) {  // a comparison needs two
    row.use->setChecked(true);
    row.use->setEnabled(false);
  }
  row.step = realBox(tr("Step size of this variant"));
  row.noise = realBox(tr("Noise of this variant"));
  row.steps = new QSpinBox;
  row.steps->setRange(1, 100000);
  row.steps->setMaximumWidth(120);
  row.steps->setToolTip(tr("Langevin steps of this variant"));
  row.init = new QComboBox;
  row.init->setMaximumWidth(200);
  row.init->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  row.init->setToolTip(tr("Where this variant's chains start"));
  grid->addWidget(row.swatch, r + 1, 0);
  grid->addWidget(row.use, r + 1, 1);
  grid->addWidget(row.step, r + 1, 2);
  grid->addWidget(row.noise, r + 1, 3);
  grid->addWidget(row.steps, r + 1, 4);
  grid->addWidget(row.init, r + 1, 5);
}

QWidget* ComparePanel::buildGridSettings() {
  auto* box = new QWidget;
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  m_stepSizes = new QLineEdit;
  m_stepSizes->setObjectName("compare.stepSizes");
  m_stepSizes->setToolTip(tr("1 to 6 step sizes, separated by commas or spaces"));
  m_stepCounts = new QLineEdit;
  m_stepCounts->setObjectName("compare.stepCounts");
  m_stepCounts->setToolTip(tr("1 to 6 step counts, separated by commas or spaces"));
  m_runGrid = new QPushButton(tr("Run grid"));
  m_runGrid->setObjectName("compare.runGrid");
  m_runGrid->setToolTip(tr("Run every step size with every step count, all from the same "
                           "starts and noise; the cells show the result and its cost"));
  row->addWidget(new QLabel(tr("step sizes")));
  row->addWidget(m_stepSizes, 3);
  row->addWidget(new QLabel(tr("steps")));
  row->addWidget(m_stepCounts, 2);
  row->addWidget(m_runGrid);
  connect(m_runGrid, &QPushButton::clicked, this, &ComparePanel::runGrid);
  connect(m_stepSizes, &QLineEdit::returnPressed, this, &ComparePanel::runGrid);
  connect(m_stepCounts, &QLineEdit::returnPressed, this, &ComparePanel::runGrid);
  return box;
}

QWidget* ComparePanel::buildResults() {
  // Curves with the summaries under them; the grid with its own settings above it.
  m_results = new QTabWidget;
  m_curves = new CurvePlot(tr("Langevin step"), tr("mean energy"));
  m_curves->clear(tr("Run a comparison: each variant's mean energy over its steps"));
  auto* curvesTab = new QWidget;
  auto* cv = new QVBoxLayout(curvesTab);
  cv->setContentsMargins(0, 0, 0, 0);
  cv->addWidget(m_curves, 1);
  m_summaryBox = new QVBoxLayout;
  m_summaryBox->setSpacing(1);
  cv->addLayout(m_summaryBox);
  m_particles = new CompareParticles;
  m_grid = new CompareGridView;
  auto* gridTab = new QWidget;
  auto* gv = new QVBoxLayout(gridTab);
  gv->setContentsMargins(0, 4, 0, 0);
  gv->addWidget(buildGridSettings());
  gv->addWidget(m_grid, 1);
  m_results->addTab(curvesTab, tr("Energy curves"));
  m_results->addTab(m_particles, tr("Final particles"));
  m_results->addTab(gridTab, tr("Step size × steps grid"));
  m_results->setMinimumHeight(200);
  return m_results;
}

void ComparePanel::loadMethod(const SessionSnapshot& snap) {
  m_info = snap.methodInfo;
  m_is2d = snap.dataShape == std::vector<int64_t>{2};
  for (const auto& [name, view] : snap.chains)
    m_live[name] = view.settings;
  m_results->setTabEnabled(1, m_is2d);
  m_results->setTabToolTip(1, m_is2d ? tr("Each variant's final particles on the landscape")
                                     : tr("Needs a model of 2-D data"));
  m_shown.reset();
  showComparison(nullptr);
  m_grid->showGrid(nullptr);
  const QSignalBlocker block(m_chain);
  m_chain->clear();
  if (!m_info)
    return;
  int preferred = -1;
  for (const auto& c : m_info->chains) {
    if (!findSetting(c, "steps"))
      continue;
    m_chain->addItem(QString::fromStdString(c.title), QString::fromStdString(c.name));
    if (preferred < 0 && c.dataSpace)
      preferred = m_chain->count() - 1;
  }
  m_chain->setCurrentIndex(std::max(0, preferred));
  chainChosen();
}

const ChainSpec* ComparePanel::chainSpec() const {
  if (!m_info || m_chain->currentIndex() < 0)
    return nullptr;
  return m_info->chain(m_chain->currentData().toString().toStdString());
}

void ComparePanel::chainChosen() {
  const ChainSpec* spec = chainSpec();
  if (!spec)
    return;
  configureRows(*spec);
  prefill();
  const std::string energy = spec->energyLabel.empty() ? "energy" : spec->energyLabel;
  m_curves->plot()->yAxis->setLabel(tr("mean %1").arg(QString::fromStdString(energy)));
  auto near = [](double v) { return QString::fromStdString(compactNumber(v)); };
  const double s = m_rows[1].step->value();
  m_stepSizes->setText(QString("%1, %2, %3, %4").arg(near(s / 4), near(s / 2), near(s), near(2 * s)));
  const int k = m_rows[1].steps->value();
  m_stepCounts->setText(QString("%1, %2, %3, %4")
                            .arg(std::max(1, k / 4)).arg(std::max(1, k / 2)).arg(k).arg(2 * k));
}

void ComparePanel::configureRows(const ChainSpec& spec) {
  m_stepKey = firstKey(spec, {"step_size", "step_multiplier"});
  m_noiseKey = firstKey(spec, {"noise", "noise_scale"});
  m_stepHeader->setText(m_stepKey == "step_multiplier" ? tr("step mult. m") : tr("step size s"));
  m_noiseHeader->setText(m_noiseKey == "noise_scale" ? tr("noise scale ν") : tr("noise n"));
  m_stepHeader->setVisible(!m_stepKey.empty());
  m_noiseHeader->setVisible(!m_noiseKey.empty());
  const QSignalBlocker block(m_init);
  m_init->clear();
  for (const auto& i : spec.inits)
    if (i != "batch")
      m_init->addItem(QString::fromStdString(i));
  m_init->setEnabled(m_init->count() > 1);
  for (auto& row : m_rows) {
    setRange(row.step, findSetting(spec, m_stepKey));
    setRange(row.noise, findSetting(spec, m_noiseKey));
    row.step->setVisible(!m_stepKey.empty());
    row.noise->setVisible(!m_noiseKey.empty());
    row.init->clear();
    for (int i = 0; i < m_init->count(); ++i)
      row.init->addItem(m_init->itemText(i));
    row.init->setEnabled(m_init->count() > 1);
  }
}

void ComparePanel::prefill() {
  const ChainSpec* spec = chainSpec();
  if (!spec)
    return;
  const SettingValues live = m_live.count(spec->name) ? m_live[spec->name] : defaultSettings(*spec);
  const auto factors = prefillFactors();
  for (int r = 0; r < kRows; ++r) {
    Row& row = m_rows[r];
    row.step->setValue(live.number(m_stepKey, 0.1) * factors[r]);
    row.noise->setValue(live.number(m_noiseKey, 0));
    row.steps->setValue(std::max(1, live.integer("steps", 30)));
    row.init->setCurrentIndex(std::max(0, m_init->currentIndex()));
    if (r >= 2)
      row.use->setChecked(r == 2);
  }
}

cmd::CompareSettings ComparePanel::compareCommand() const {
  cmd::CompareSettings c;
  const ChainSpec* spec = chainSpec();
  c.chain = spec ? spec->name : std::string();
  c.chains = m_chains->value();
  c.seed = uint64_t(m_seed->value());
  c.init = m_init->currentText().toStdString();
  for (const auto& row : m_rows) {
    if (!row.use->isChecked())
      continue;
    SweepVariant v;
    if (!m_stepKey.empty())
      v.settings.numbers[m_stepKey] = row.step->value();
    if (!m_noiseKey.empty())
      v.settings.numbers[m_noiseKey] = row.noise->value();
    v.settings.numbers["steps"] = row.steps->value();
    v.init = row.init->currentText().toStdString();
    c.variants.push_back(std::move(v));
  }
  return c;
}

cmd::SweepGrid ComparePanel::gridCommand(QString* error) const {
  cmd::SweepGrid g;
  const ChainSpec* spec = chainSpec();
  const SettingSpec* step = spec ? findSetting(*spec, m_stepKey) : nullptr;
  const auto sizes = parseNumberList(m_stepSizes->text().toStdString(), "grid step sizes", false,
                                     step ? std::max(step->min, 1e-9) : 1e-9,
                                     step ? step->max : 100, 6);
  const auto counts =
      parseNumberList(m_stepCounts->text().toStdString(), "grid steps", true, 1, 100000, 6);
  const std::string bad = !spec ? "no chain to sweep" : !sizes.error.empty() ? sizes.error : counts.error;
  if (!bad.empty()) {
    if (error)
      *error = QString::fromStdString(bad);
    return g;
  }
  g.chain = spec->name;
  g.stepSizes = sizes.values;
  for (double k : counts.values)
    g.stepCounts.push_back(int(k));
  g.chains = m_chains->value();
  g.seed = uint64_t(m_seed->value());
  g.init = m_init->currentText().toStdString();
  return g;
}

void ComparePanel::runComparison() {
  m_results->setCurrentIndex(0);
  Q_EMIT post(compareCommand());
}

void ComparePanel::runGrid() {
  QString problem;
  auto g = gridCommand(&problem);
  if (!problem.isEmpty()) {
    m_hint->setText(problem);
    Q_EMIT error(problem);
    return;
  }
  m_results->setCurrentIndex(2);
  Q_EMIT post(g);
}

void ComparePanel::showSnapshot(const SessionSnapshot& snap) {
  for (const auto& [name, view] : snap.chains)
    m_live[name] = view.settings;
  const bool ready = snap.state != RunState::Loading && snap.state != RunState::Failed;
  const bool training = snap.state == RunState::Training;
  const bool sweeping = (snap.comparison && snap.comparison->running) ||
                        (snap.grid && snap.grid->running);
  // A running revision does not block Run: the command waits in the session's queue for it.
  const bool canRun = ready && !training && !sweeping && chainSpec();
  m_run->setEnabled(canRun);
  m_runGrid->setEnabled(canRun);
  m_stop->setEnabled(sweeping);
  if (training)
    m_hint->setText(tr("Pause training to compare: a comparison would hold training up."));
  else if (sweeping)
    m_hint->setText(tr("Running… Stop ends it at the next Langevin step."));
  else if (m_hint->text().startsWith(tr("Pause")) || m_hint->text().startsWith(tr("Running")))
    m_hint->clear();
  showComparison(snap.comparison);
  m_grid->showGrid(snap.grid);
  if (m_is2d)
    m_particles->setLandscape(snap.landscape);
}

void ComparePanel::showComparison(std::shared_ptr<const ComparisonResult> r) {
  if (r == m_shown && r)
    return;
  m_shown = r;
  if (!r || r->traces.empty()) {
    m_curves->clear(tr("Run a comparison: each variant's mean energy over its steps"));
    m_particles->setParticles({}, {}, {});
  } else {
    std::vector<Series> series;
    for (size_t i = 0; i < r->traces.size(); ++i) {
      Series s;
      s.name = QString::fromStdString(i < r->labels.size() ? r->labels[i] : std::string());
      for (size_t t = 0; t < r->traces[i]->energy.size(); ++t) {
        s.x.push_back(r->traces[i]->steps[t]);
        s.y.push_back(Trace::mean(r->traces[i]->energy[t]));
      }
      series.push_back(std::move(s));
    }
    m_curves->setSeries(series);
    std::vector<QColor> colours(kVariantColours, kVariantColours + kRows);
    QStringList names;
    for (const auto& l : r->labels)
      names << QString::fromStdString(l);
    if (r->sampleShape == std::vector<int64_t>{2})
      m_particles->setParticles(r->finalSamples, colours, names);
  }
  if (r)
    showSummaries(*r);
  else
    showSummaries(ComparisonResult{});
}

void ComparePanel::showSummaries(const ComparisonResult& r) {
  for (auto* l : m_summaryLabels)
    delete l;
  m_summaryLabels.clear();
  for (size_t i = 0; i < r.labels.size() && i < size_t(kRows); ++i) {
    const QString state = i < r.summaries.size()
                              ? QString::fromStdString(summaryLine(r.summaries[i]))
                              : (r.running ? tr("running…") : tr("not run"));
    auto* l = new QLabel(QString("<span style='color:%1'>■</span> <b>%2</b>: %3")
                             .arg(kVariantColours[i].name(),
                                  QString::fromStdString(r.labels[i]).toHtmlEscaped(), state));
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summaryBox->addWidget(l);
    m_summaryLabels.push_back(l);
  }
}

QStringList ComparePanel::summaries() const {
  QStringList out;
  for (auto* l : m_summaryLabels)
    out << l->text();
  return out;
}

} // namespace ebm::ui
