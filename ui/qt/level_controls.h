// LevelControls: which noise level the 2-D landscape shows, for models with noise levels
// (Capabilities::noiseLevels): a slider from noise (left) to data (right), a Play button that
// steps through the levels from noise to data, "follow chain" (the level of the step cursor
// while a ladder chain plays), and toggles for the recovery pull arrows and the initializer's
// proposals drawn over the landscape. GUI thread only.
#pragma once

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;
class QToolButton;

namespace ebm::ui {

class LevelControls : public QWidget {
  Q_OBJECT
public:
  explicit LevelControls(QWidget* parent = nullptr);

  /// The model's number of levels (0: none; the controls disable themselves).
  void setLevels(int levels);
  int levels() const { return m_levels; }
  /// The level shown (0 = the data's, levels-1 = pure noise).
  int level() const;
  /// Shows `level`, emitting levelChanged if it changed.
  void setLevel(int level);
  bool followsChain() const;
  bool pullArrows() const;
  bool proposals() const;
  bool playing() const { return m_play.isActive(); }
  /// Starts or stops stepping through the levels, noise to data.
  void togglePlay();

  QSlider* slider() const { return m_slider; }
  QCheckBox* followBox() const { return m_follow; }
  QCheckBox* pullBox() const { return m_pull; }
  QCheckBox* proposalBox() const { return m_proposal; }
  QToolButton* playButton() const { return m_playButton; }

Q_SIGNALS:
  void levelChanged(int level);
  void overlayChanged();

private:
  void playTick();
  void showLabel();

  int m_levels = 0;
  QSlider* m_slider = nullptr;  // position p shows level levels-1-p: noise on the left
  QLabel* m_label = nullptr;
  QToolButton* m_playButton = nullptr;
  QCheckBox* m_follow = nullptr;
  QCheckBox* m_pull = nullptr;
  QCheckBox* m_proposal = nullptr;
  QTimer m_play;
};

} // namespace ebm::ui
