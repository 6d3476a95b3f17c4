#include "level_controls.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QToolButton>

#include <algorithm>

namespace ebm::ui {
namespace {
constexpr int kLevelPlayMs = 900;  // one level per this many ms while playing
}

LevelControls::LevelControls(QWidget* parent) : QWidget(parent) {
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(4, 4, 4, 4);
  m_playButton = new QToolButton(this);
  m_playButton->setText(tr("▶ Play levels"));
  m_playButton->setToolTip(tr("step the landscape through the levels, noise to data"));
  m_slider = new QSlider(Qt::Horizontal, this);
  m_slider->setObjectName("levelSlider");
  m_slider->setPageStep(1);
  m_slider->setTickPosition(QSlider::TicksBelow);
  m_slider->setToolTip(tr("the noise level whose energy the landscape shows (left: noise, "
                          "right: data)"));
  m_label = new QLabel(this);
  m_label->setMinimumWidth(120);
  m_follow = new QCheckBox(tr("follow chain"), this);
  m_follow->setToolTip(tr("show the level the step cursor is at while a chain plays"));
  m_follow->setChecked(true);
  m_pull = new QCheckBox(tr("recovery pull"), this);
  m_pull->setToolTip(tr("arrows: the pull −m²κ_l (y − x̃) toward the noisier state x̃ "
                        "(lengthened by the factor shown)"));
  m_proposal = new QCheckBox(tr("proposals"), this);
  m_proposal->setToolTip(tr("○ the initializer's proposal joined to ● the revised sample; "
                            "gap: their mean distance at the cursor's level"));
  m_proposal->setChecked(true);
  grid->addWidget(new QLabel(tr("noise"), this), 0, 0);
  grid->addWidget(m_slider, 0, 1);
  grid->addWidget(new QLabel(tr("data"), this), 0, 2);
  grid->addWidget(m_label, 0, 3);
  auto* boxes = new QWidget(this);
  auto* row = new QHBoxLayout(boxes);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(m_playButton);
  row->addWidget(m_follow);
  row->addWidget(m_pull);
  row->addWidget(m_proposal);
  row->addStretch(1);
  grid->addWidget(boxes, 1, 0, 1, 4);
  grid->setColumnStretch(1, 1);

  m_play.setInterval(kLevelPlayMs);
  connect(&m_play, &QTimer::timeout, this, [this] { playTick(); });
  connect(m_playButton, &QToolButton::clicked, this, [this] { togglePlay(); });
  connect(m_slider, &QSlider::valueChanged, this, [this] {
    showLabel();
    Q_EMIT levelChanged(level());
  });
  for (QCheckBox* b : {m_pull, m_proposal})
    connect(b, &QCheckBox::toggled, this, [this] { Q_EMIT overlayChanged(); });
  setLevels(0);
}

void LevelControls::setLevels(int levels) {
  m_levels = std::max(0, levels);
  m_play.stop();
  const QSignalBlocker block(m_slider);
  m_slider->setRange(0, std::max(0, m_levels - 1));
  m_slider->setValue(m_slider->maximum());  // the data's level
  setEnabled(m_levels > 0);
  showLabel();
}

int LevelControls::level() const { return m_levels > 0 ? m_levels - 1 - m_slider->value() : -1; }

void LevelControls::setLevel(int level) {
  if (m_levels > 0)
    m_slider->setValue(m_levels - 1 - std::clamp(level, 0, m_levels - 1));
}

bool LevelControls::followsChain() const { return m_follow->isChecked() && !playing(); }
bool LevelControls::pullArrows() const { return m_pull->isChecked(); }
bool LevelControls::proposals() const { return m_proposal->isChecked(); }

void LevelControls::togglePlay() {
  if (m_play.isActive()) {
    m_play.stop();
  } else if (m_levels > 0) {
    setLevel(m_levels - 1);  // from noise
    m_play.start();
  }
  m_playButton->setText(m_play.isActive() ? tr("■ Stop") : tr("▶ Play levels"));
}

void LevelControls::playTick() {
  if (level() <= 0) {
    togglePlay();
    return;
  }
  setLevel(level() - 1);
}

void LevelControls::showLabel() {
  m_label->setText(m_levels > 0 ? tr("level %1 of 0–%2").arg(level()).arg(m_levels - 1)
                                : tr("no noise levels"));
}

} // namespace ebm::ui
