// GuidancePanel: the live knobs of a ladder chain that the slides are about, built from its
// schema: the classifier-free guidance weight w (a slider), one check box per class with a weight
// to compose classes (product of experts), and the steps per level K' with "scale the step by
// sqrt(K/K')" so the acceleration claim (fewer steps, same Langevin time) can be watched.
// Parts the schema lacks are hidden (an unconditional model has only K'). Emits the chain
// settings to apply; GUI thread only.
#pragma once

#include "method_info.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace ebm::ui {

class GuidancePanel : public QWidget {
  Q_OBJECT
public:
  explicit GuidancePanel(QWidget* parent = nullptr);

  /// The chain whose settings the panel sets (nullptr: none; the panel hides its parts).
  void setChain(const ChainSpec* chain);

  QSlider* guidanceSlider() const { return m_w; }
  QCheckBox* classBox(int label) const;
  QDoubleSpinBox* classWeight(int label) const;
  QSpinBox* stepsBox() const { return m_steps; }
  QCheckBox* scaleBox() const { return m_scale; }
  int baseSteps() const { return m_baseSteps; }
  /// Shows steps and a step multiplier set elsewhere (a lesson) without emitting: the scaling
  /// box is ticked when the multiplier is sqrt(K/K').
  void showSteps(int steps, double multiplier);

Q_SIGNALS:
  void settingsWanted(const ebm::SettingValues& values);

private:
  void buildGuidance(const ChainSpec& chain);
  void buildSteps(const ChainSpec& chain);
  void clearClasses();
  void emitGuidance();
  void emitSteps();
  void limitChecked();

  std::vector<SettingSpec> m_schema;
  QGroupBox* m_guidanceBox = nullptr;
  QSlider* m_w = nullptr;
  QLabel* m_wLabel = nullptr;
  QWidget* m_classes = nullptr;
  std::vector<int> m_labels;
  std::vector<QCheckBox*> m_classBoxes;
  std::vector<QDoubleSpinBox*> m_weights;
  QGroupBox* m_stepsGroup = nullptr;
  QSpinBox* m_steps = nullptr;
  QCheckBox* m_scale = nullptr;
  QLabel* m_stepsNote = nullptr;
  int m_baseSteps = 15;
  bool m_loading = false;
};

} // namespace ebm::ui
