#include "controls_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ebm::ui {
namespace {

QDoubleSpinBox* realBox(double lo, double hi, int decimals, const QString& tip) {
  auto* b = new QDoubleSpinBox;
  b->setRange(lo, hi);
  b->setDecimals(decimals);
  b->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  b->setKeyboardTracking(false);
  b->setToolTip(tip);
  b->setAccessibleName(tip.section('.', 0, 0));
  return b;
}

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
  qRegisterMetaType<LangevinXConfig>("ebm::LangevinXConfig");
  qRegisterMetaType<LangevinZConfig>("ebm::LangevinZConfig");
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);

  auto* modelBox = new QGroupBox(tr("Model"));
  auto* mf = new QFormLayout(modelBox);
  m_model = new QComboBox;
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
  root->addWidget(modelBox);

  auto* trainBox = new QGroupBox(tr("Training"));
  auto* tg = new QGridLayout(trainBox);
  m_start = button(tr("Start"), tr("Start training for the given number of iterations "
                                   "(Ctrl+Space)"));
  m_pause = button(tr("Pause"), tr("Pause training after the current Langevin step"));
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
  root->addWidget(trainBox);

  auto* xBox = new QGroupBox(tr("x-Langevin (EBM)"));
  auto* xf = new QFormLayout(xBox);
  m_xStep = realBox(1e-5, 100, 5, tr("Step size s_x. The drift is s²/2·∇E; applies from the "
                                     "next Langevin step."));
  m_xNoise = realBox(0, 100, 5, tr("Noise n_x: standard deviation of the Gaussian kick. The "
                                   "chain's temperature is (n/s)²."));
  m_xSteps = intBox(0, 100000, tr("Step count k_x. Lowering it ends a running chain early."));
  m_xEvery = intBox(1, 100000, tr("Snapshot interval: keep the chain state every k steps."));
  m_xChains = intBox(2, 4096, tr("Chains of the next x-revision."));
  m_xInit = new QComboBox;
  m_xInit->addItems({"generator", "gaussian", "uniform"});
  m_xInit->setToolTip(tr("Where x-chains start: the generator G(z) (Dual-MCMC), Gaussian or "
                         "uniform noise (short-run EBM)."));
  m_xSeed = intBox(0, 1000000000, tr("Seed of the next x-revision (same seed, same noise)."));
  m_xSampler = new QComboBox;
  m_xSampler->addItem(tr("the model's own"), QString());
  for (const auto& name : samplerPresetNames())
    m_xSampler->addItem(QString::fromStdString(name), QString::fromStdString(name));
  m_xSampler->setToolTip(tr("Sampling presets set step size, noise and steps at once, e.g. "
                            "paper-test: the reference's test-time sampler (K 70, s 0.4, n 0.001)"));
  m_xRule = new QLabel;
  m_xRule->setTextFormat(Qt::RichText);
  m_xRule->setWordWrap(true);
  m_xRule->setToolTip(tr("The x-update with the settings now in force (METHODS §1.5)."));
  xf->addRow(tr("step size s"), m_xStep);
  xf->addRow(tr("noise n"), m_xNoise);
  xf->addRow(tr("steps K"), m_xSteps);
  xf->addRow(tr("snapshot every"), m_xEvery);
  xf->addRow(tr("chains"), m_xChains);
  xf->addRow(tr("initializer"), m_xInit);
  xf->addRow(tr("seed"), m_xSeed);
  xf->addRow(tr("sampler preset"), m_xSampler);
  xf->addRow(m_xRule);
  root->addWidget(xBox);

  auto* zBox = new QGroupBox(tr("z-Langevin (generator posterior)"));
  auto* zf = new QFormLayout(zBox);
  m_zStep = realBox(1e-5, 100, 5, tr("Step size s_z; applies from the next Langevin step."));
  m_zNoise = realBox(0, 100, 5, tr("Noise n_z of the z-chain."));
  m_zSteps = intBox(0, 100000, tr("Step count k_z."));
  m_zEvery = intBox(1, 100000, tr("Snapshot interval of the z-chain."));
  m_zChains = intBox(2, 4096, tr("Held-out examples revised by the next z-revision."));
  m_zInit = new QComboBox;
  m_zInit->addItems({"inference", "inference-mean", "gaussian", "uniform"});
  m_zInit->setToolTip(tr("Where z-chains start: the inference model (μ + σε, or μ alone), or "
                         "noise (the paper's L-step ablation)."));
  m_zSeed = intBox(0, 1000000000, tr("Seed of the next z-revision."));
  m_zRule = new QLabel;
  m_zRule->setTextFormat(Qt::RichText);
  m_zRule->setWordWrap(true);
  m_zRule->setToolTip(tr("The z-update with the settings now in force (METHODS §1.5)."));
  zf->addRow(tr("step size s"), m_zStep);
  zf->addRow(tr("noise n"), m_zNoise);
  zf->addRow(tr("steps K"), m_zSteps);
  zf->addRow(tr("snapshot every"), m_zEvery);
  zf->addRow(tr("chains"), m_zChains);
  zf->addRow(tr("initializer"), m_zInit);
  zf->addRow(tr("seed"), m_zSeed);
  zf->addRow(m_zRule);
  root->addWidget(zBox);

  auto* rev = new QGridLayout;
  m_runX = button(tr("Run x"), tr("Run an x-revision with the settings above (X)"));
  m_runZ = button(tr("Run z"), tr("Run a z-revision of held-out data (Z)"));
  m_stopRev = button(tr("Stop chain"), tr("Stop the running revision at the next step"));
  m_repeat = new QCheckBox(tr("repeat (new seed each time)"));
  m_repeat->setToolTip(tr("Start the next x- and z-revision when one finishes, with the next "
                          "seed: a live demonstration."));
  m_repeat->setChecked(true);
  rev->addWidget(m_runX, 0, 0);
  rev->addWidget(m_runZ, 0, 1);
  rev->addWidget(m_stopRev, 0, 2);
  rev->addWidget(m_repeat, 1, 0, 1, 3);
  root->addLayout(rev);
  root->addStretch(1);

  connect(m_model, qOverload<int>(&QComboBox::activated), this,
          [this](int i) { Q_EMIT modelChosen(m_model->itemData(i).toString()); });
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
  connect(m_start, &QPushButton::clicked, this, &ControlsPanel::startTraining);
  connect(m_pause, &QPushButton::clicked, this, &ControlsPanel::pauseTraining);
  connect(m_resume, &QPushButton::clicked, this, &ControlsPanel::resumeTraining);
  connect(m_step, &QPushButton::clicked, this, &ControlsPanel::stepTraining);
  connect(m_stop, &QPushButton::clicked, this, &ControlsPanel::stopTraining);
  connect(m_save, &QPushButton::clicked, this, &ControlsPanel::saveNow);
  connect(m_runX, &QPushButton::clicked, this, &ControlsPanel::runXRequested);
  connect(m_runZ, &QPushButton::clicked, this, &ControlsPanel::runZRequested);
  connect(m_stopRev, &QPushButton::clicked, this, &ControlsPanel::stopRevisionRequested);
  connect(m_xSampler, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    RunConfig c = m_config;
    const QString name = m_xSampler->itemData(i).toString();
    try {
      if (!name.isEmpty())
        applySamplerPreset(c, name.toStdString());
    } catch (const std::exception&) {
      return;  // the shipped presets are validated by the core's tests
    }
    m_loading = true;
    m_xStep->setValue(c.x.stepSize);
    m_xNoise->setValue(c.x.noise);
    m_xSteps->setValue(c.x.steps);
    m_loading = false;
    emitX();
  });
  for (auto* b : {m_xChains, m_zChains})
    connect(b, &QSpinBox::valueChanged, this, [this] {
      if (!m_loading)
        m_chainsEdited = true;
    });
  for (auto* b : {m_xStep, m_xNoise})
    connect(b, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::emitX);
  for (auto* b : {m_xSteps, m_xEvery})
    connect(b, &QSpinBox::valueChanged, this, &ControlsPanel::emitX);
  for (auto* b : {m_zStep, m_zNoise})
    connect(b, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::emitZ);
  for (auto* b : {m_zSteps, m_zEvery})
    connect(b, &QSpinBox::valueChanged, this, &ControlsPanel::emitZ);
  updateRules();
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

void ControlsPanel::loadConfig(const RunConfig& config) {
  m_loading = true;
  m_config = config;
  m_xSampler->setCurrentIndex(0);
  m_xStep->setValue(config.x.stepSize);
  m_xNoise->setValue(config.x.noise);
  m_xSteps->setValue(config.x.steps);
  m_xEvery->setValue(config.x.snapshotEvery);
  m_zStep->setValue(config.z.stepSize);
  m_zNoise->setValue(config.z.noise);
  m_zSteps->setValue(config.z.steps);
  m_zEvery->setValue(config.z.snapshotEvery);
  const bool images = config.model.family != "mlp";
  // Chain counts follow the kind of data until the user picks their own.
  if (!m_chainsEdited || m_lastImages != images) {
    m_xChains->setValue(images ? 8 : 64);
    m_zChains->setValue(images ? 8 : 64);
    m_chainsEdited = false;
  }
  m_lastImages = images;
  m_loading = false;
  updateRules();
}

void ControlsPanel::showSnapshot(const SessionSnapshot& s) {
  const bool ready = s.state != RunState::Loading && s.state != RunState::Failed;
  const bool training = s.state == RunState::Training;
  m_start->setEnabled(ready && !training);
  m_pause->setEnabled(training);
  m_resume->setEnabled(s.state == RunState::Paused);
  m_step->setEnabled(ready && !training);
  m_stop->setEnabled(training || s.state == RunState::Paused);
  m_save->setEnabled(ready);
  m_runX->setEnabled(ready && !s.revisionRunning);
  m_runZ->setEnabled(ready && !s.revisionRunning);
  m_stopRev->setEnabled(s.revisionRunning);
  QString shape;
  for (size_t i = 0; i < s.dataShape.size(); ++i)
    shape += (i ? "×" : "") + QString::number(s.dataShape[i]);
  m_summary->setText(tr("%1 · %2 · %3\n%4 · data %5 (%6)")
                         .arg(QString::fromStdString(s.config.name),
                              QString::fromStdString(s.method),
                              QString::fromStdString(s.config.model.family) + " nets",
                              QString::fromStdString(s.device),
                              QString::fromStdString(s.data), shape));
}

LangevinXConfig ControlsPanel::xSettings() const {
  LangevinXConfig x = m_config.x;
  x.stepSize = m_xStep->value();
  x.noise = m_xNoise->value();
  x.steps = m_xSteps->value();
  x.snapshotEvery = m_xEvery->value();
  return x;
}

LangevinZConfig ControlsPanel::zSettings() const {
  LangevinZConfig z = m_config.z;
  z.stepSize = m_zStep->value();
  z.noise = m_zNoise->value();
  z.steps = m_zSteps->value();
  z.snapshotEvery = m_zEvery->value();
  return z;
}

cmd::RunX ControlsPanel::runX() const {
  cmd::RunX c;
  c.chains = m_xChains->value();
  c.init = m_xInit->currentText().toStdString();
  c.seed = static_cast<uint64_t>(m_xSeed->value());
  return c;
}

cmd::RunZ ControlsPanel::runZ() const {
  cmd::RunZ c;
  c.chains = m_zChains->value();
  c.init = m_zInit->currentText().toStdString();
  c.seed = static_cast<uint64_t>(m_zSeed->value());
  return c;
}

QString ControlsPanel::device() const { return m_device->currentText(); }
QString ControlsPanel::dataChoice() const { return m_data->currentData().toString(); }
bool ControlsPanel::repeat() const { return m_repeat->isChecked(); }
int ControlsPanel::trainIterations() const { return m_iterations->value(); }

void ControlsPanel::emitX() {
  updateRules();
  if (!m_loading)
    Q_EMIT xSettingsEdited(xSettings());
}

void ControlsPanel::emitZ() {
  updateRules();
  if (!m_loading)
    Q_EMIT zSettingsEdited(zSettings());
}

void ControlsPanel::updateRules() {
  const auto x = xSettings();
  const double tx = x.stepSize > 0 ? (x.noise / x.stepSize) * (x.noise / x.stepSize) : 0;
  m_xRule->setText(tr("<tt>x ← x − ½s²∇E(x) + n·ξ</tt><br>s = %1, n = %2, K = %3 "
                      "(½s² = %4, T = (n/s)² = %5)")
                       .arg(x.stepSize, 0, 'g', 4)
                       .arg(x.noise, 0, 'g', 4)
                       .arg(x.steps)
                       .arg(0.5 * x.stepSize * x.stepSize, 0, 'g', 4)
                       .arg(tx, 0, 'g', 3));
  const auto z = zSettings();
  const QString sse = z.halfSse ? "½‖x − G(z)‖²/σ²" : "‖x − G(z)‖²/σ²";
  m_zRule->setText(tr("<tt>z ← z − ½s²∇<sub>z</sub>[%1 + ‖z‖²/2σ<sub>p</sub>²] + n·ξ</tt>"
                      "<br>s = %2, n = %3, K = %4, σ = %5")
                       .arg(sse)
                       .arg(z.stepSize, 0, 'g', 4)
                       .arg(z.noise, 0, 'g', 4)
                       .arg(z.steps)
                       .arg(z.sigma, 0, 'g', 3));
}

} // namespace ebm::ui
