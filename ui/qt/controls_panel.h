// ControlsPanel: the run's controls. Model and device, training (start / pause / resume /
// one iteration / stop / save now) and one ChainGroup per chain of the loaded method, built from
// the method's settings schemas. Setting edits are emitted at once (the core applies them from
// the next Langevin step). GUI thread only; no core calls here.
#pragma once

#include "chain_group.h"
#include "session.h"

#include <QWidget>

#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QVBoxLayout;

namespace ebm::ui {

class ControlsPanel : public QWidget {
  Q_OBJECT
public:
  explicit ControlsPanel(QWidget* parent = nullptr);

  /// Builds the chain groups of the snapshot's method (when it changed) and shows its settings,
  /// without emitting change signals.
  void loadMethod(const SessionSnapshot& snap);
  /// Enables buttons by run state and shows the model summary.
  void showSnapshot(const SessionSnapshot& snap);
  /// A pause was requested: Pause reads "Pausing…" until a snapshot shows training stopped.
  void showPausing();
  bool pausing() const { return m_pausing; }
  /// Adds a model entry (label, checkpoint path) to the model chooser if it is not there.
  void addModel(const QString& label, const QString& path);
  void selectModel(const QString& path);

  /// The group of a chain (nullptr when the method has none by that name).
  ChainGroup* chainGroup(const std::string& chain) const;
  const std::vector<ChainGroup*>& chainGroups() const { return m_groups; }
  QString device() const;
  /// The data choice for new models: "" (the preset's), a 2-D set name, or "path:<dir>".
  QString dataChoice() const;
  int trainIterations() const;

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
  void chainSettingsEdited(const QString& chain, const ebm::SettingValues& settings);
  void runChainRequested(const QString& chain);
  void stopRevisionRequested();

private:
  QWidget* buildModelGroup();
  QWidget* buildTrainingGroup();
  QLayout* buildRevisionRow();
  void rebuildChainGroups(const MethodInfo& info);
  void showModel(const SessionSnapshot& snap);

  std::string m_methodKey;
  QString m_shownModelPath = "?";  // the checkpoint the Model box shows ("" = a new model)  // method name and chain names the groups were built for
  bool m_lastImages = true;
  bool m_pausing = false;
  QComboBox* m_model = nullptr;
  QComboBox* m_device = nullptr;
  QComboBox* m_data = nullptr;
  QLabel* m_summary = nullptr;
  QSpinBox* m_iterations = nullptr;
  QPushButton *m_start = nullptr, *m_pause = nullptr, *m_resume = nullptr, *m_step = nullptr,
              *m_stop = nullptr, *m_save = nullptr;
  QTabWidget* m_chainTabs = nullptr;
  std::vector<ChainGroup*> m_groups;
  QPushButton* m_stopRev = nullptr;
};

} // namespace ebm::ui


