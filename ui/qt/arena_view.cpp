#include "arena_view.h"

#include "arena_pane.h"
#include "chain_speed.h"
#include "checkpoint_info.h"
#include "curve_plot.h"
#include "landscape_view.h"
#include "session_host.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <optional>

namespace ebm::ui {
namespace {

constexpr int kMeasuresPerJob = 6;  // snapshots a pane's MMD² thread measures at a time
constexpr double kArenaSpeed = 50;   // steps/s at first: a level ladder of 185 steps in 4 s
constexpr int kRepeatPauseMs = 1500;     // a finished round stays this long before the next
constexpr int kReplotEveryMs = 200;
constexpr int kTicksPerFrame = 3;  // the panes are drawn every third 33 ms tick: 10 frames/s

/// The shipped checkpoints the arena prefers, first to last; any other 2-D checkpoint follows.
const char* const kArenaPreferred[] = {"toy2d", "drl-toy2d", "cdrl-toy2d-8gaussians",
                                       "toy2d-checkerboard", "cdrl-toy2d"};

std::optional<ArenaCandidate> planeCandidate(const QString& path) {
  try {
    const CheckpointInfo info = readCheckpointInfo(path.toStdString());
    if (info.config.model.family != "mlp" || info.config.model.dataDim != 2)
      return std::nullopt;
    return ArenaCandidate{path.toStdString(), arenaDataKey(info.config.data)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

QString shippedCheckpointFolder() {
  try {
    return QFileInfo(QString::fromStdString(findResource("checkpoints/toy2d.safetensors")))
        .absolutePath();
  } catch (const std::exception&) {
    return {};
  }
}

} // namespace

std::vector<ArenaCandidate> ArenaView::shippedArenaCandidates() {
  const QString folder = shippedCheckpointFolder();
  if (folder.isEmpty())
    return {};
  QStringList files;
  for (const char* name : kArenaPreferred)
    files << QDir(folder).filePath(QString(name) + ".safetensors");
  for (const QFileInfo& f : QDir(folder).entryInfoList({"*.safetensors"}, QDir::Files, QDir::Name))
    if (!files.contains(f.absoluteFilePath()))
      files << f.absoluteFilePath();
  std::vector<ArenaCandidate> out;
  for (const QString& f : files)
    if (QFileInfo::exists(f))
      if (auto c = planeCandidate(f))
        out.push_back(*c);
  return out;
}

ArenaView::ArenaView(std::vector<ArenaCandidate> candidates, const RunConfig& base,
                     QWidget* parent)
    : QWidget(parent, Qt::Window), m_candidates(std::move(candidates)), m_base(base) {
  setObjectName("arenaWindow");
  setWindowTitle(tr("Arena: 2-D samplers from the same noise"));
  m_dataSets = arenaDataSets(m_candidates);
  buildControls();
  m_tick.setInterval(33);
  connect(&m_tick, &QTimer::timeout, this, &ArenaView::tick);
  m_tick.start();
  m_repeatDelay.setSingleShot(true);
  m_repeatDelay.setInterval(kRepeatPauseMs);
  connect(&m_repeatDelay, &QTimer::timeout, this, [this] {
    if (m_repeatBox->isChecked() && !anyRunning())
      start();
  });
  if (!m_dataSets.empty())
    showDataSet(m_dataSets.front());
}

void ArenaView::followClock(SessionHost* clock) {
  m_tick.stop();
  connect(clock, &SessionHost::ticked, this, &ArenaView::tick);
}

void ArenaView::buildControls() {
  m_dataBox = new QComboBox;
  m_dataBox->setObjectName("arenaData");
  for (const auto& key : m_dataSets)
    m_dataBox->addItem(QString::fromStdString(arenaDataTitle(key)), QString::fromStdString(key));
  m_dataBox->setToolTip(tr("The data set: the arena shows every shipped 2-D model trained on it"));
  connect(m_dataBox, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    showDataSet(m_dataBox->itemData(i).toString().toStdString());
  });
  m_startButton = new QPushButton(tr("Start"));
  m_startButton->setObjectName("arenaStart");
  m_startButton->setToolTip(tr("Every pane samples from a new draw of the same noise"));
  m_stopButton = new QPushButton(tr("Stop"));
  m_stopButton->setObjectName("arenaStop");
  m_repeatBox = new QCheckBox(tr("Repeat"));
  m_repeatBox->setObjectName("arenaRepeat");
  m_repeatBox->setToolTip(tr("Start the next round (new noise) when every pane has finished"));
  m_speedBox = new QComboBox;
  m_speedBox->setObjectName("arenaSpeed");
  for (double v : ChainSpeed::choices())
    m_speedBox->addItem(QString::fromStdString(ChainSpeed::label(v)), v);
  m_speedBox->setToolTip(tr("Langevin steps per second of every pane"));
  connect(m_startButton, &QPushButton::clicked, this, &ArenaView::start);
  connect(m_stopButton, &QPushButton::clicked, this, &ArenaView::stop);
  connect(m_repeatBox, &QCheckBox::toggled, this, &ArenaView::setRepeat);
  connect(m_speedBox, qOverload<int>(&QComboBox::activated), this,
          [this](int i) { setChainSpeed(m_speedBox->itemData(i).toDouble()); });
  m_stepButton = new QPushButton(tr("Next step"));
  m_stepButton->setObjectName("arenaNextStep");
  m_stepButton->setToolTip(tr("At single steps: every pane takes one more Langevin step"));
  connect(m_stepButton, &QPushButton::clicked, this, [this] {
    for (auto* p : m_panes)
      p->host().stepRevision(1);
  });
  m_roundLabel = new QLabel;
  m_roundLabel->setObjectName("arenaRound");

  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Data:")));
  bar->addWidget(m_dataBox);
  bar->addSpacing(12);
  bar->addWidget(m_startButton);
  bar->addWidget(m_stopButton);
  bar->addWidget(m_repeatBox);
  bar->addSpacing(12);
  bar->addWidget(new QLabel(tr("Chain speed:")));
  bar->addWidget(m_speedBox);
  bar->addWidget(m_stepButton);
  bar->addSpacing(12);
  bar->addWidget(m_roundLabel, 1);

  m_paneArea = new QWidget;
  m_grid = new QGridLayout(m_paneArea);
  m_grid->setContentsMargins(0, 0, 0, 0);
  m_grid->setSpacing(4);
  m_plot = new CurvePlot(tr("Langevin step (= gradient evaluations)"), tr("MMD² to the data"));
  m_plot->setObjectName("arenaMmd");
  m_plot->placeLegendAbove();  // every curve starts at the left: no corner is free
  m_plot->setMinimumHeight(180);
  m_plot->clear(tr("MMD² to the data appears here as the chains run"));
  // The panes side by side on top, the MMD plot across the width below them.
  auto* split = new QSplitter(Qt::Vertical);
  split->setObjectName("arenaSplit");
  split->addWidget(m_paneArea);
  split->addWidget(m_plot);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setSizes({600, 400});
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addLayout(bar);
  layout->addWidget(split, 1);
  auto* caption = new QLabel(
      tr("Every pane starts its chains from the same draw of N(0, I) (same seed) where its "
         "method can; MMD² (unbiased, RBF kernels h = 0.02 … 1) compares the chains with the "
         "data's held-out points at each recorded step (level samplers record y = a_l x_l "
         "within level l, so their curve jumps where a level begins). "));
  caption->setWordWrap(true);
  caption->setObjectName("arenaCaption");
  layout->addWidget(caption);
  setChainSpeed(kArenaSpeed);
  updateButtons();
}

void ArenaView::showDataSet(const std::string& dataKey) {
  // Panes of another data set stop and hide; they keep their sessions (and the GUI never waits
  // for one to be torn down) until the window goes.
  for (auto* p : m_panes) {
    p->stop();
    p->hide();
    m_grid->removeWidget(p);
  }
  auto& panes = m_panesByData[dataKey];
  if (panes.empty())
    for (const auto& spec : arenaLineup(m_candidates, dataKey)) {
      auto* pane = new ArenaPane(spec, m_base, m_paneArea);
      connect(pane, &ArenaPane::readyChanged, this, &ArenaView::updateButtons);
      connect(pane, &ArenaPane::roundEnded, this, &ArenaView::onRoundEnded);
      panes.push_back(pane);
    }
  m_panes = panes;
  for (auto* p : m_panes) {
    p->setPace(m_speed);
    p->show();
  }
  const int i = m_dataBox->findData(QString::fromStdString(dataKey));
  if (i >= 0)
    m_dataBox->setCurrentIndex(i);
  placePanes();
  m_plotDirty = true;
  updateButtons();
}

void ArenaView::placePanes() {
  const int n = int(m_panes.size());
  const int columns = n <= 4 ? n : (n + 1) / 2;
  for (int i = 0; i < n; ++i)
    m_grid->addWidget(m_panes[size_t(i)], i / std::max(1, columns), i % std::max(1, columns));
}

void ArenaView::start() {
  if (!allReady()) {
    m_startWhenReady = true;  // the models are still loading: start once they are
    m_roundLabel->setText(tr("loading the models… the round starts when they are ready"));
    return;
  }
  m_startWhenReady = false;
  ++m_rounds;
  m_seed = uint64_t(m_rounds);
  m_noise = sharedNoise(m_chains, 2, m_seed);
  for (auto* p : m_panes)
    p->run(m_noise, m_chains, m_seed);
  m_roundLabel->setText(tr("round %1 · %2 chains per pane · noise seed %3")
                            .arg(m_rounds)
                            .arg(m_chains)
                            .arg(m_seed));
  m_plotDirty = true;
  updateButtons();
  Q_EMIT roundStarted(m_rounds);
}

void ArenaView::stop() {
  m_startWhenReady = false;
  m_repeatDelay.stop();
  for (auto* p : m_panes)
    p->stop();
}

void ArenaView::setRepeat(bool on) {
  if (m_repeatBox->isChecked() != on)
    m_repeatBox->setChecked(on);
  if (on && !anyRunning() && allReady())
    m_repeatDelay.start();
}

void ArenaView::setChainSpeed(double stepsPerSecond) {
  m_speed = ChainSpeed(stepsPerSecond).stepsPerSecond();
  const int i = m_speedBox->findData(m_speed);
  if (i >= 0)
    m_speedBox->setCurrentIndex(i);
  for (auto* p : m_panes)
    p->setPace(m_speed);
  m_stepButton->setVisible(m_speed == kSingleStep);
}

void ArenaView::setChains(int chains) {
  m_chains = std::clamp(chains, 2, 1024);
}

bool ArenaView::allReady() const {
  if (m_panes.empty())
    return false;
  for (auto* p : m_panes)
    if (!p->ready())
      return false;
  return true;
}

bool ArenaView::anyRunning() const {
  for (auto* p : m_panes)
    if (p->running())
      return true;
  return false;
}

void ArenaView::tick() {
  if (!isVisible())
    return;
  for (auto* p : m_panes)
    m_plotDirty = p->measure(kMeasuresPerJob) || m_plotDirty;
  // Particles, status lines and the plot change together, at 10 frames a second: the window is
  // composed once a frame, not once per pane's snapshot (GL in software costs that much).
  if (++m_frame % kTicksPerFrame != 0)
    return;
  for (auto* p : m_panes)
    p->present();
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  if (m_plotDirty && now - m_lastReplot >= kReplotEveryMs) {
    replotMmd();
    m_lastReplot = now;
  }
}

void ArenaView::replotMmd() {
  m_plotDirty = false;
  std::vector<Series> series;
  for (auto* p : m_panes) {
    Series s;
    s.name = p->title();
    for (const auto& point : p->mmd().points()) {
      s.x.push_back(point.step);
      s.y.push_back(point.mmd2);
    }
    series.push_back(std::move(s));
  }
  m_plot->setSeries(series);
}

void ArenaView::shareView() {
  // Every pane shows the same square of the plane: the data's, twice as wide, so the data's
  // shape stays readable while most of the starting noise is in view (the rest is counted at
  // the border).
  std::optional<PlaneRect> data;
  for (auto* p : m_panes)
    if (const auto r = p->view()->dataRange())
      data = data ? data->united(*r) : *r;
  if (!data)
    return;
  const double half = std::max({data->width(), data->height(), 0.5});
  const PlaneRect shared{data->centreX() - half, data->centreX() + half, data->centreY() - half,
                         data->centreY() + half};
  for (auto* p : m_panes)
    p->view()->setView(shared);
}

void ArenaView::onRoundEnded() {
  if (!anyRunning())
    shareView();
  updateButtons();
  if (!anyRunning() && m_repeatBox->isChecked())
    m_repeatDelay.start();
}

void ArenaView::updateButtons() {
  const bool ready = allReady();
  m_startButton->setEnabled(!m_panes.empty());
  m_stopButton->setEnabled(anyRunning());
  if (ready && m_startWhenReady)
    start();
  else if (ready && m_repeatBox->isChecked() && !anyRunning() && !m_repeatDelay.isActive())
    m_repeatDelay.start();
  if (!ready && !m_panes.empty() && m_rounds == 0)
    m_roundLabel->setText(tr("loading the models…"));
  else if (ready && m_rounds == 0)
    m_roundLabel->setText(tr("ready: Start runs every pane from the same noise"));
}

void ArenaView::closeEvent(QCloseEvent* event) {
  // The sessions stay loaded for the next opening; their chains stop now.
  m_repeatBox->setChecked(false);
  stop();
  event->accept();
}

} // namespace ebm::ui
