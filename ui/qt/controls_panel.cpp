#include "controls_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace ebm::ui {
namespace {

QSpinBox* intBox(int lo, int hi, const QString& tip) {
  auto* b = new QSpinBox;
  b->setRange(lo, hi);
  b->setKeyboardTracking(false);
  b->setToolTip(tip);
  b->setAccessibleName(tip.section('.', 0, 0));
  return b;
}

QPushButton* button(const QString& text, const QString& tip) {
  auto* b = new QPushButton(text);
  b->setToolTip(tip);
  b->setAccessibleName(tip.section('.', 0, 0));
  return b;
}

} // namespace

ControlsPanel::ControlsPanel(QWidget* parent) : QWidget(parent) {
  qRegisterMetaType<SettingValues>("ebm::SettingValues");
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);
  root->addWidget(buildModelGroup());
  root->addWidget(buildTrainingGroup());
  // One tab per chain: every chain's settings are a click away, none below the fold.
  m_chainTabs = new QTabWidget;
  m_chainTabs->setDocumentMode(true);
  root->addWidget(m_chainTabs);
  root->addLayout(buildRevisionRow());
  root->addStretch(1);
}

QWidget* ControlsPanel::buildModelGroup() {
  auto* modelBox = new QGroupBox(tr("Model"));
  auto* mf = new QFormLayout(modelBox);
  m_model = new QComboBox;
  m_model->setObjectName("model");
  m_model->setToolTip(tr("The model the session runs. Shipped models and recent checkpoints; "
                         "File > Open checkpoint for others."));
  m_device = new QComboBox;
  m_device->addItems({"auto", "cpu", "cuda"});
  m_device->setToolTip(tr("Where new sessions compute: auto picks CUDA when present. Applies "
                          "when a model is (re)loaded."));
  m_data = new QComboBox;
  m_data->setToolTip(tr("Data for the next new model (File > New model from preset): the "
                        "preset's own, one of the 2-D sets, or a folder (Fashion-MNIST IDX, "
                        "CIFAR-10 binary or images, as the preset's data kind says)"));
  m_data->addItem(tr("as the preset says"), QString());
  for (const char* toy : {"8gaussians", "25gaussians", "rings", "moons", "swissroll",
                          "checkerboard", "pinwheel"})
    m_data->addItem(tr("2-D: %1").arg(toy), QString(toy));
  m_data->addItem(tr("folder…"), QString("choose"));
  m_summary = new QLabel;
  m_summary->setWordWrap(true);
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  mf->addRow(tr("Model"), m_model);
  mf->addRow(tr("Device"), m_device);
  mf->addRow(tr("New data"), m_data);
  mf->addRow(m_summary);

  connect(m_model, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    const QString path = m_model->itemData(i).toString();
    if (path != "new:")  // the unsaved new model is already loaded
      Q_EMIT modelChosen(path);
  });
  connect(m_device, &QComboBox::textActivated, this, &ControlsPanel::deviceChosen);
  connect(m_data, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    if (m_data->itemData(i).toString() == "choose") {
      const QString dir = QFileDialog::getExistingDirectory(this, tr("Data folder"));
      if (dir.isEmpty()) {
        m_data->setCurrentIndex(0);
        return;
      }
      m_data->insertItem(i, tr("folder: %1").arg(dir), "path:" + dir);
      m_data->setCurrentIndex(i);
    }
    Q_EMIT dataChosen(dataChoice());
  });
  return modelBox;
}

QWidget* ControlsPanel::buildTrainingGroup() {
  auto* trainBox = new QGroupBox(tr("Training"));
  auto* tg = new QGridLayout(trainBox);
  m_start = button(tr("Start"), tr("Start training for the given number of iterations "
                                   "(Ctrl+Space)"));
  m_pause = button(tr("Pause"), tr("Pause training at the next Langevin step; the iteration in "
                                   "progress is abandoned before any weight changes and runs "
                                   "afresh on Resume"));
  m_resume = button(tr("Resume"), tr("Resume paused training"));
  m_step = button(tr("Step"), tr("Run one training iteration, then pause"));
  m_stop = button(tr("Stop"), tr("Stop training (the model keeps its current weights)"));
  m_save = button(tr("Save now"), tr("Write a checkpoint now (Ctrl+S)"));
  m_iterations = intBox(1, 10000000, tr("Iterations a Start runs"));
  m_iterations->setValue(1000);
  tg->addWidget(m_start, 0, 0);
  tg->addWidget(m_pause, 0, 1);
  tg->addWidget(m_resume, 0, 2);
  tg->addWidget(m_step, 1, 0);
  tg->addWidget(m_stop, 1, 1);
  tg->addWidget(m_save, 1, 2);
  tg->addWidget(new QLabel(tr("iterations")), 2, 0);
  tg->addWidget(m_iterations, 2, 1, 1, 2);
  connect(m_start, &QPushButton::clicked, this, &ControlsPanel::startTraining);
  connect(m_pause, &QPushButton::clicked, this, &ControlsPanel::pauseTraining);
  connect(m_resume, &QPushButton::clicked, this, &ControlsPanel::resumeTraining);
  connect(m_step, &QPushButton::clicked, this, &ControlsPanel::stepTraining);
  connect(m_stop, &QPushButton::clicked, this, &ControlsPanel::stopTraining);
  connect(m_save, &QPushButton::clicked, this, &ControlsPanel::saveNow);
  return trainBox;
}

QLayout* ControlsPanel::buildRevisionRow() {
  auto* rev = new QGridLayout;
  m_stopRev = button(tr("Stop chain"), tr("Stop the running revision at the next step"));
  rev->addWidget(m_stopRev, 0, 0);
  connect(m_stopRev, &QPushButton::clicked, this, &ControlsPanel::stopRevisionRequested);
  return rev;
}

void ControlsPanel::rebuildChainGroups(const MethodInfo& info) {
  while (m_chainTabs->count() > 0) {
    QWidget* page = m_chainTabs->widget(0);
    m_chainTabs->removeTab(0);
    page->deleteLater();
  }
  m_groups.clear();
  for (const auto& spec : info.chains) {
    auto* g = new ChainGroup(spec);
    const QString name = QString::fromStdString(spec.name);
    connect(g, &ChainGroup::edited, this,
            [this, name](const SettingValues& v) { Q_EMIT chainSettingsEdited(name, v); });
    connect(g, &ChainGroup::runRequested, this, [this, name] { Q_EMIT runChainRequested(name); });
    m_chainTabs->addTab(g, tr("%1-chain").arg(name));
    m_chainTabs->setTabToolTip(m_chainTabs->count() - 1, QString::fromStdString(spec.title));
    m_groups.push_back(g);
  }
  m_chainTabs->setCurrentIndex(0);
  layout()->activate();  // the new groups get their geometry now, not at the next layout pass
}

void ControlsPanel::addModel(const QString& label, const QString& path) {
  if (m_model->findData(path) < 0)
    m_model->addItem(label, path);
}

void ControlsPanel::selectModel(const QString& path) {
  const int i = m_model->findData(path);
  if (i >= 0)
    m_model->setCurrentIndex(i);
}

void ControlsPanel::loadMethod(const SessionSnapshot& snap) {
  if (!snap.methodInfo)
    return;
  std::string key = snap.methodInfo->name;
  for (const auto& c : snap.methodInfo->chains)
    key += "/" + c.name;
  const bool rebuilt = key != m_methodKey;
  if (rebuilt) {
    rebuildChainGroups(*snap.methodInfo);
    m_methodKey = key;
  }
  const bool images = snap.dataShape.size() == 3;
  for (auto* g : m_groups) {
    auto it = snap.chains.find(g->spec().name);
    if (it != snap.chains.end())
      g->setValues(it->second.settings);
    // Chain counts follow the kind of data until the user picks their own.
    if (rebuilt || m_lastImages != images)
      g->suggestChains(images ? 8 : 64);
  }
  m_lastImages = images;
}

ChainGroup* ControlsPanel::chainGroup(const std::string& chain) const {
  for (auto* g : m_groups)
    if (g->spec().name == chain)
      return g;
  return nullptr;
}

void ControlsPanel::showModel(const SessionSnapshot& s) {
  // The Model box names what is loaded: its checkpoint, or a new model that has none yet.
  const QString path = QString::fromStdString(s.checkpointPath);
  if (path == m_shownModelPath && !path.isEmpty())
    return;
  m_shownModelPath = path;
  const int unsaved = m_model->findData(QString("new:"));
  if (!path.isEmpty()) {
    if (unsaved >= 0)
      m_model->removeItem(unsaved);
    addModel(QFileInfo(path).fileName(), path);
    selectModel(path);
    return;
  }
  const QString label = tr("new %1 (not saved yet)").arg(QString::fromStdString(s.config.name));
  if (unsaved >= 0)
    m_model->setItemText(unsaved, label);
  else
    m_model->insertItem(0, label, QString("new:"));
  m_model->setCurrentIndex(m_model->findData(QString("new:")));
}

void ControlsPanel::showPausing() {
  m_pausing = true;
  m_pause->setText(tr("Pausing…"));
  m_pause->setEnabled(false);
}

void ControlsPanel::showSnapshot(const SessionSnapshot& s) {
  const bool ready = s.state != RunState::Loading && s.state != RunState::Failed;
  if (ready)
    showModel(s);
  const bool training = s.state == RunState::Training;
  if (m_pausing && !training) {
    m_pausing = false;
    m_pause->setText(tr("Pause"));
  }
  m_start->setEnabled(ready && !training);
  m_pause->setEnabled(training && !m_pausing);
  m_resume->setEnabled(s.state == RunState::Paused);
  m_step->setEnabled(ready && !training);
  m_stop->setEnabled(training || s.state == RunState::Paused);
  m_save->setEnabled(ready);
  for (auto* g : m_groups)
    g->setEnabledFor(ready, s.revisionRunning);
  m_stopRev->setEnabled(s.revisionRunning);
  QString shape;
  for (size_t i = 0; i < s.dataShape.size(); ++i)
    shape += (i ? "×" : "") + QString::number(s.dataShape[i]);
  const QString title = s.methodInfo ? QString::fromStdString(s.methodInfo->title)
                                     : QString::fromStdString(s.method);
  m_summary->setText(tr("%1 · %2\n%3 · data %4 (%5)")
                         .arg(QString::fromStdString(s.config.name), title,
                              QString::fromStdString(s.device),
                              QString::fromStdString(s.data), shape));
}

QString ControlsPanel::device() const { return m_device->currentText(); }
QString ControlsPanel::dataChoice() const { return m_data->currentData().toString(); }
int ControlsPanel::trainIterations() const { return m_iterations->value(); }

} // namespace ebm::ui
