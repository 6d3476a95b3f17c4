#include "chain_group.h"

#include "config.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include <cmath>

namespace ebm::ui {
namespace {

QString tip(const SettingSpec& s) {
  QString t = QString::fromStdString(s.tooltip);
  if (!t.isEmpty() && !t.endsWith('.'))
    t += '.';
  return t + (s.live ? QObject::tr(" Applies from the next Langevin step.")
                     : QObject::tr(" Applies to the next chain or iteration."));
}

// Decimals enough to show the default and small values of a log-scaled setting.
int decimalsFor(const SettingSpec& s) {
  if (s.logScale)
    return 6;
  return s.max - s.min > 1000 ? 3 : 4;
}

} // namespace

ChainGroup::ChainGroup(const ChainSpec& spec, QWidget* parent)
    : QGroupBox(QString::fromStdString(spec.title), parent), m_spec(spec) {
  setObjectName(QString::fromStdString("chain." + spec.name));
  auto* form = new QFormLayout(this);
  for (const auto& s : spec.settings)
    addSetting(s, form);
  addRevisionControls(form);
  setValues(defaultSettings(spec));
}

void ChainGroup::addSetting(const SettingSpec& s, QFormLayout* form) {
  const QString label = QString::fromStdString(s.label);
  QWidget* w = nullptr;
  switch (s.type) {
  case SettingType::Int: {
    auto* b = new QSpinBox;
    b->setRange(static_cast<int>(std::max(s.min, -2e9)), static_cast<int>(std::min(s.max, 2e9)));
    b->setKeyboardTracking(false);
    connect(b, &QSpinBox::valueChanged, this, &ChainGroup::changed);
    w = b;
    break;
  }
  case SettingType::Real: {
    auto* b = new QDoubleSpinBox;
    const int decimals = decimalsFor(s);
    b->setDecimals(decimals);
    b->setRange(s.minExclusive ? s.min + std::pow(10.0, -decimals) : s.min, s.max);
    b->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    b->setKeyboardTracking(false);
    connect(b, &QDoubleSpinBox::valueChanged, this, &ChainGroup::changed);
    w = b;
    break;
  }
  case SettingType::Bool: {
    auto* b = new QCheckBox;
    connect(b, &QCheckBox::toggled, this, &ChainGroup::changed);
    w = b;
    break;
  }
  case SettingType::Choice: {
    auto* b = new QComboBox;
    for (const auto& c : s.choices)
      b->addItem(QString::fromStdString(c));
    connect(b, &QComboBox::currentIndexChanged, this, &ChainGroup::changed);
    w = b;
    break;
  }
  }
  w->setToolTip(tip(s));
  w->setAccessibleName(label);
  w->setObjectName(QString::fromStdString(m_spec.name + "." + s.key));
  m_widgets[s.key] = w;
  form->addRow(label + (s.unit.empty() ? QString() : " [" + QString::fromStdString(s.unit) + "]"),
               w);
}

void ChainGroup::addRevisionControls(QFormLayout* form) {
  const QString name = QString::fromStdString(m_spec.name);
  m_sampler = new QComboBox;
  m_sampler->addItem(tr("the model's own"), QString());
  for (const auto& preset : samplerPresetNames()) {
    try {
      if (samplerPresetSettings(preset).count(m_spec.name))
        m_sampler->addItem(QString::fromStdString(preset), QString::fromStdString(preset));
    } catch (const std::exception&) {
      // A broken preset file is reported by the CLI and the core's tests; it is just not listed.
    }
  }
  m_sampler->setToolTip(tr("Sampling presets set several settings of this chain at once, e.g. "
                           "paper-test: the reference's test-time sampler"));
  connect(m_sampler, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    const QString preset = m_sampler->itemData(i).toString();
    if (preset.isEmpty())
      return;
    SettingValues v = values();
    v.merge(samplerPresetSettings(preset.toStdString()).at(m_spec.name));
    setValues(v);
    Q_EMIT edited(values());
  });
  m_chains = new QSpinBox;
  m_chains->setRange(2, 4096);
  m_chains->setKeyboardTracking(false);
  m_chains->setToolTip(m_spec.hasTarget ? tr("Held-out examples revised by the next revision.")
                                        : tr("Chains of the next revision."));
  connect(m_chains, &QSpinBox::valueChanged, this, [this] {
    if (!m_loading)
      m_chainsEdited = true;
  });
  m_init = new QComboBox;
  for (const auto& i : m_spec.inits)
    m_init->addItem(QString::fromStdString(i));
  m_init->setToolTip(tr("Where the chains of the next revision start."));
  m_seed = new QSpinBox;
  m_seed->setRange(0, 1000000000);
  m_seed->setValue(1);
  m_seed->setToolTip(tr("Seed of the next revision (same seed, same noise)."));
  m_run = new QPushButton(tr("Run %1").arg(name));
  m_run->setToolTip(tr("Run a revision of the %1-chain with the settings above").arg(name));
  m_run->setAccessibleName(tr("Run %1").arg(name));
  connect(m_run, &QPushButton::clicked, this, &ChainGroup::runRequested);
  if (m_sampler->count() > 1)
    form->addRow(tr("sampler preset"), m_sampler);
  form->addRow(tr("chains"), m_chains);
  if (m_init->count() > 0)
    form->addRow(tr("start"), m_init);
  form->addRow(tr("seed"), m_seed);
  form->addRow(m_run);
}

void ChainGroup::setValues(const SettingValues& values) {
  m_loading = true;
  for (const auto& s : m_spec.settings) {
    QWidget* w = m_widgets.at(s.key);
    if (auto* b = qobject_cast<QSpinBox*>(w))
      b->setValue(values.integer(s.key, static_cast<int>(s.defaultValue)));
    else if (auto* d = qobject_cast<QDoubleSpinBox*>(w))
      d->setValue(values.number(s.key, s.defaultValue));
    else if (auto* c = qobject_cast<QCheckBox*>(w))
      c->setChecked(values.flag(s.key, s.defaultValue != 0));
    else if (auto* box = qobject_cast<QComboBox*>(w))
      box->setCurrentText(QString::fromStdString(values.choice(s.key, s.defaultChoice)));
  }
  m_loading = false;
}

SettingValues ChainGroup::values() const {
  SettingValues v;
  for (const auto& s : m_spec.settings) {
    QWidget* w = m_widgets.at(s.key);
    if (auto* b = qobject_cast<QSpinBox*>(w))
      v.numbers[s.key] = b->value();
    else if (auto* d = qobject_cast<QDoubleSpinBox*>(w))
      v.numbers[s.key] = d->value();
    else if (auto* c = qobject_cast<QCheckBox*>(w))
      v.numbers[s.key] = c->isChecked() ? 1.0 : 0.0;
    else if (auto* box = qobject_cast<QComboBox*>(w))
      v.choices[s.key] = box->currentText().toStdString();
  }
  return v;
}

cmd::RunChain ChainGroup::runCommand() const {
  cmd::RunChain c;
  c.chain = m_spec.name;
  c.chains = m_chains->value();
  c.init = m_init->currentText().toStdString();
  c.seed = static_cast<uint64_t>(m_seed->value());
  return c;
}

void ChainGroup::suggestChains(int chains) {
  if (m_chainsEdited)
    return;
  m_loading = true;
  m_chains->setValue(chains);
  m_loading = false;
}

void ChainGroup::setEnabledFor(bool ready, bool revisionRunning) {
  m_run->setEnabled(ready && !revisionRunning);
}

QWidget* ChainGroup::settingWidget(const std::string& key) const {
  auto it = m_widgets.find(key);
  return it == m_widgets.end() ? nullptr : it->second;
}

QDoubleSpinBox* ChainGroup::realBox(const std::string& key) const {
  return qobject_cast<QDoubleSpinBox*>(settingWidget(key));
}

QSpinBox* ChainGroup::intBox(const std::string& key) const {
  return qobject_cast<QSpinBox*>(settingWidget(key));
}

void ChainGroup::changed() {
  if (!m_loading)
    Q_EMIT edited(values());
}


} // namespace ebm::ui
