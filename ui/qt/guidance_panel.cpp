#include "guidance_panel.h"

#include "level_ladder.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>


namespace ebm::ui {
namespace {

constexpr double kGuidanceSliderScale = 10.0;  // slider ticks per unit of w
constexpr int kGuidanceSliderMax = 50;          // w up to 5 on the slider
constexpr int kClassColumns = 2;                // classes per row of check boxes

const SettingSpec* guidanceSpec(const std::vector<SettingSpec>& schema, const std::string& key) {
  for (const auto& s : schema)
    if (s.key == key)
      return &s;
  return nullptr;
}

// "0 name, 1 name" after "Classes: " in the label's tooltip, by class id.
QString guidanceClassName(const SettingSpec& label, int id) {
  const auto at = label.tooltip.find("Classes: ");
  if (at == std::string::npos)
    return QObject::tr("class %1").arg(id);
  const QStringList parts =
      QString::fromStdString(label.tooltip.substr(at + 9)).split(", ", Qt::SkipEmptyParts);
  for (const QString& part : parts)
    if (part.section(' ', 0, 0) == QString::number(id))
      return part;
  return QObject::tr("class %1").arg(id);
}

} // namespace

GuidancePanel::GuidancePanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  m_guidanceBox = new QGroupBox(tr("Guidance and composition (live, from the next level)"), this);
  auto* g = new QVBoxLayout(m_guidanceBox);
  auto* wRow = new QHBoxLayout;
  m_w = new QSlider(Qt::Horizontal, m_guidanceBox);
  m_w->setObjectName("guidanceSlider");
  m_w->setRange(0, kGuidanceSliderMax);
  m_w->setToolTip(tr("classifier-free guidance w: (1+w) f(y, c) - w f(y, none)"));
  m_wLabel = new QLabel(m_guidanceBox);
  m_wLabel->setMinimumWidth(60);
  wRow->addWidget(new QLabel(tr("guidance w"), m_guidanceBox));
  wRow->addWidget(m_w, 1);
  wRow->addWidget(m_wLabel);
  g->addLayout(wRow);
  m_classes = new QWidget(m_guidanceBox);
  g->addWidget(m_classes);
  new QGridLayout(m_classes);
  layout->addWidget(m_guidanceBox);

  m_stepsGroup = new QGroupBox(tr("Steps per level K′ (live)"), this);
  auto* s = new QHBoxLayout(m_stepsGroup);
  m_steps = new QSpinBox(m_stepsGroup);
  m_steps->setObjectName("stepsPerLevel");
  m_steps->setRange(1, 1000);
  m_steps->setFocusPolicy(Qt::StrongFocus);
  m_scale = new QCheckBox(tr("scale step by √(K/K′)"), m_stepsGroup);
  m_scale->setToolTip(tr("keeps the Langevin time K s² when the steps drop from K to K′"));
  m_stepsNote = new QLabel(m_stepsGroup);
  s->addWidget(m_steps);
  s->addWidget(m_scale);
  s->addWidget(m_stepsNote, 1);
  layout->addWidget(m_stepsGroup);

  connect(m_w, &QSlider::valueChanged, this, [this] { emitGuidance(); });
  connect(m_steps, &QSpinBox::valueChanged, this, [this] { emitSteps(); });
  connect(m_scale, &QCheckBox::toggled, this, [this] { emitSteps(); });
  setChain(nullptr);
}

void GuidancePanel::setChain(const ChainSpec* chain) {
  m_loading = true;
  m_schema = chain ? chain->settings : std::vector<SettingSpec>{};
  clearClasses();
  const bool guided = chain && guidanceSpec(m_schema, "guidance");
  m_guidanceBox->setVisible(guided);
  if (guided)
    buildGuidance(*chain);
  const bool steps = chain && guidanceSpec(m_schema, "steps") && guidanceSpec(m_schema, "step_multiplier");
  m_stepsGroup->setVisible(steps);
  if (steps)
    buildSteps(*chain);
  m_loading = false;
}

void GuidancePanel::clearClasses() {
  for (auto* b : m_classBoxes)
    delete b;
  for (auto* w : m_weights)
    delete w;
  m_classBoxes.clear();
  m_weights.clear();
  m_labels.clear();
}

void GuidancePanel::buildGuidance(const ChainSpec&) {
  m_w->setValue(0);
  m_wLabel->setText("0.0");
  const SettingSpec* label = guidanceSpec(m_schema, "label");
  auto* grid = static_cast<QGridLayout*>(m_classes->layout());
  if (!label)
    return;
  for (const std::string& c : label->choices) {
    if (c == "each" || c == "none")
      continue;
    const int id = std::stoi(c);
    auto* box = new QCheckBox(guidanceClassName(*label, id), m_classes);
    box->setObjectName(QString("composeClass%1").arg(id));
    auto* weight = new QDoubleSpinBox(m_classes);
    weight->setRange(-10, 10);
    weight->setSingleStep(0.1);
    weight->setValue(1.0);
    weight->setFocusPolicy(Qt::StrongFocus);
    weight->setEnabled(false);
    weight->setMaximumWidth(64);
    const int row = static_cast<int>(m_labels.size()) / kClassColumns,
              col = 2 * static_cast<int>(m_labels.size() % kClassColumns);
    grid->addWidget(box, row, col);
    grid->addWidget(weight, row, col + 1);
    m_labels.push_back(id);
    m_classBoxes.push_back(box);
    m_weights.push_back(weight);
    connect(box, &QCheckBox::toggled, this, [this, weight](bool on) {
      weight->setEnabled(on);
      limitChecked();
      emitGuidance();
    });
    connect(weight, &QDoubleSpinBox::valueChanged, this, [this] { emitGuidance(); });
  }
  m_classes->setToolTip(tr("none checked: chain i draws class i mod K; checked: every chain "
                           "draws the product of the checked classes (up to %1)")
                            .arg(composableLabels(m_schema)));
}

void GuidancePanel::buildSteps(const ChainSpec&) {
  m_baseSteps = static_cast<int>(guidanceSpec(m_schema, "steps")->defaultValue);
  m_steps->setValue(m_baseSteps);
  m_scale->setChecked(true);
  m_stepsNote->setText(tr("K = %1 · m = 1").arg(m_baseSteps));
}

void GuidancePanel::limitChecked() {
  // A composition holds at most as many labels as the schema has.
  int checked = 0;
  for (auto* b : m_classBoxes)
    checked += b->isChecked();
  const bool full = checked >= composableLabels(m_schema);
  for (auto* b : m_classBoxes)
    b->setEnabled(b->isChecked() || !full);
}

QCheckBox* GuidancePanel::classBox(int label) const {
  for (size_t i = 0; i < m_labels.size(); ++i)
    if (m_labels[i] == label)
      return m_classBoxes[i];
  return nullptr;
}

QDoubleSpinBox* GuidancePanel::classWeight(int label) const {
  for (size_t i = 0; i < m_labels.size(); ++i)
    if (m_labels[i] == label)
      return m_weights[i];
  return nullptr;
}

void GuidancePanel::emitGuidance() {
  const double w = m_w->value() / kGuidanceSliderScale;
  m_wLabel->setText(QString::number(w, 'f', 1));
  if (m_loading)
    return;
  std::vector<ComposedClass> classes;
  for (size_t i = 0; i < m_labels.size(); ++i)
    if (m_classBoxes[i]->isChecked())
      classes.push_back({m_labels[i], m_weights[i]->value()});
  Q_EMIT settingsWanted(guidanceSettings(m_schema, classes, w));
}

void GuidancePanel::showSteps(int steps, double multiplier) {
  const double scaled = stepScaleFor(m_baseSteps, std::max(1, steps));
  m_loading = true;
  m_steps->setValue(steps);
  m_scale->setChecked(std::abs(multiplier - scaled) <= 1e-3 * scaled);
  m_loading = false;
  m_stepsNote->setText(tr("K = %1 · m = %2").arg(m_baseSteps).arg(multiplier, 0, 'f', 3));
}

void GuidancePanel::emitSteps() {
  const int k = m_steps->value();
  const double m = m_scale->isChecked() ? stepScaleFor(m_baseSteps, k) : 1.0;
  m_stepsNote->setText(tr("K = %1 · m = %2")
                           .arg(m_baseSteps)
                           .arg(m, 0, 'f', 3));
  if (m_loading)
    return;
  SettingValues v;
  v.numbers = {{"steps", k}, {"step_multiplier", m}};
  Q_EMIT settingsWanted(v);
}

} // namespace ebm::ui
