// ChainGroup: the controls of one of the loaded method's chains, built from its ChainSpec: a
// widget per setting of the schema (spin boxes, check boxes, choices; live ones apply from the
// next Langevin step), a sampler preset chooser, the revision's chain count, start and seed, a
// Run button (the update rule with its numbers sits above the chain's view, in its insight
// bar). A new method's knobs need no hand-written widget. GUI thread only.
#pragma once

#include "method_info.h"
#include "session.h"

#include <QGroupBox>

#include <map>
#include <string>

class QComboBox;
class QFormLayout;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace ebm::ui {

class ChainGroup : public QGroupBox {
  Q_OBJECT
public:
  explicit ChainGroup(const ChainSpec& spec, QWidget* parent = nullptr);

  const ChainSpec& spec() const { return m_spec; }
  /// Shows `values` without emitting edited().
  void setValues(const SettingValues& values);
  /// The values the widgets show now.
  SettingValues values() const;
  /// The revision the user set up (chains, start, seed).
  cmd::RunChain runCommand() const;
  /// Chain count for the kind of data, until the user picks their own.
  void suggestChains(int chains);
  void setEnabledFor(bool ready, bool revisionRunning);

  /// The widget of a setting (nullptr when the schema has no such key); for tests and keys.
  QWidget* settingWidget(const std::string& key) const;
  QDoubleSpinBox* realBox(const std::string& key) const;
  QSpinBox* intBox(const std::string& key) const;
  QPushButton* runButton() const { return m_run; }

Q_SIGNALS:
  /// A live setting was edited: the chain's full settings as shown.
  void edited(const ebm::SettingValues& values);
  void runRequested();

private:
  void addSetting(const SettingSpec& s, QFormLayout* form);
  void addRevisionControls(QFormLayout* form);
  void changed();

  ChainSpec m_spec;
  std::map<std::string, QWidget*> m_widgets;
  bool m_loading = false;
  bool m_chainsEdited = false;
  QSpinBox* m_chains = nullptr;
  QSpinBox* m_seed = nullptr;
  QComboBox* m_init = nullptr;
  QComboBox* m_sampler = nullptr;
  QPushButton* m_run = nullptr;
};

} // namespace ebm::ui

Q_DECLARE_METATYPE(ebm::SettingValues)
