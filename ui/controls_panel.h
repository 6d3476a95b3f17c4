// ControlsPanel: the run's controls. Model and device, training (start / pause / resume /
// one iteration / stop / save now) and the live Langevin settings for x and for z, with the
// update rule shown with the current numbers plugged in. Setting edits are emitted at once
// (the core applies them from the next Langevin step). GUI thread only; no core calls here.
#pragma once

#include "session.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QCheckBox;

namespace ebm::ui {

class ControlsPanel : public QWidget {
  Q_OBJECT
public:
  explicit ControlsPanel(QWidget* parent = nullptr);

  /// Loads settings from a (new) session's config without emitting change signals.
  void loadConfig(const RunConfig& config);
  /// Enables buttons by run state and shows the model summary.
  void showSnapshot(const SessionSnapshot& snap);
  /// Adds a model entry (label, checkpoint path) to the model chooser if it is not there.
  void addModel(const QString& label, const QString& path);
  void selectModel(const QString& path);

  LangevinXConfig xSettings() const;
  LangevinZConfig zSettings() const;
  cmd::RunX runX() const;
  cmd::RunZ runZ() const;
  QString device() const;
  /// The data choice for new models: "" (the preset's), a 2-D set name, or "path:<dir>".
  QString dataChoice() const;
  bool repeat() const;
  int trainIterations() const;

  // For tests and shortcuts.
  QDoubleSpinBox* xStepSizeBox() const { return m_xStep; }
  QSpinBox* xStepsBox() const { return m_xSteps; }
  QPushButton* runXButton() const { return m_runX; }

Q_SIGNALS:
  void modelChosen(const QString& path);
  void deviceChosen(const QString& device);
  void dataChosen(const QString& choice);
  void startTraining();
  void pauseTraining();
  void resumeTraining();
  void stepTraining();
  void stopTraining();
  void saveNow();
  void xSettingsEdited(const ebm::LangevinXConfig& settings);
  void zSettingsEdited(const ebm::LangevinZConfig& settings);
  void runXRequested();
  void runZRequested();
  void stopRevisionRequested();

private:
  void updateRules();
  void emitX();
  void emitZ();

  bool m_loading = false;
  bool m_chainsEdited = false;
  bool m_lastImages = true;
  RunConfig m_config;
  QComboBox* m_model = nullptr;
  QComboBox* m_device = nullptr;
  QComboBox* m_data = nullptr;
  QLabel* m_summary = nullptr;
  QSpinBox* m_iterations = nullptr;
  QPushButton *m_start = nullptr, *m_pause = nullptr, *m_resume = nullptr, *m_step = nullptr,
              *m_stop = nullptr, *m_save = nullptr;
  QDoubleSpinBox *m_xStep = nullptr, *m_xNoise = nullptr;
  QSpinBox *m_xSteps = nullptr, *m_xEvery = nullptr, *m_xChains = nullptr, *m_xSeed = nullptr;
  QComboBox* m_xInit = nullptr;
  QComboBox* m_xSampler = nullptr;
  QDoubleSpinBox *m_zStep = nullptr, *m_zNoise = nullptr;
  QSpinBox *m_zSteps = nullptr, *m_zEvery = nullptr, *m_zChains = nullptr, *m_zSeed = nullptr;
  QComboBox* m_zInit = nullptr;
  QPushButton *m_runX = nullptr, *m_runZ = nullptr, *m_stopRev = nullptr;
  QCheckBox* m_repeat = nullptr;
  QLabel *m_xRule = nullptr, *m_zRule = nullptr;
};

} // namespace ebm::ui

Q_DECLARE_METATYPE(ebm::LangevinXConfig)
Q_DECLARE_METATYPE(ebm::LangevinZConfig)
