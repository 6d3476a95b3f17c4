// ComparePanel: "Compare samplers side by side". One chain of the loaded model run under 2-4
// setting variants (step size, noise, steps, start; prefilled s/2, s, 2s from its live
// settings) from the same start states and noise, their energy curves overlaid with a legend,
// a summary line per variant and, on 2-D data, their final particles over the landscape; and a
// step size x step count grid as a heatmap with the cost per cell. It posts
// cmd::CompareSettings / cmd::SweepGrid and shows the snapshot's results; the chain's live
// settings are never changed. GUI thread only; no core calls here.
#pragma once

#include "session.h"

#include <QColor>
#include <QWidget>

#include <array>
#include <memory>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QVBoxLayout;

namespace ebm::ui {

class CompareGridView;
class CompareParticles;
class CurvePlot;

class ComparePanel : public QWidget {
  Q_OBJECT
public:
  static constexpr int kRows = 4;

  explicit ComparePanel(QWidget* parent = nullptr);
  /// A new model: its chains, and rows prefilled from the chosen chain's live settings.
  void loadMethod(const SessionSnapshot& snap);
  /// Results and button states.
  void showSnapshot(const SessionSnapshot& snap);

  /// What Run comparison / Run grid post (a grid with a bad list: an empty chain name and the
  /// message in `error`).
  cmd::CompareSettings compareCommand() const;
  cmd::SweepGrid gridCommand(QString* error) const;
  /// Variant rows: s/2, s, 2s (and 4s, unused) of the chain's live settings.
  void prefill();
  /// What the Run comparison and Run grid buttons do (a bad grid list is reported by error()).
  void runComparison();
  void runGrid();

  // For tests and screenshots.
  QPushButton* runButton() const { return m_run; }
  QPushButton* gridButton() const { return m_runGrid; }
  QPushButton* stopButton() const { return m_stop; }
  QComboBox* chainBox() const { return m_chain; }
  QSpinBox* chainsBox() const { return m_chains; }
  QCheckBox* rowEnabled(int row) const { return m_rows[row].use; }
  QDoubleSpinBox* rowStepSize(int row) const { return m_rows[row].step; }
  QLineEdit* stepSizesEdit() const { return m_stepSizes; }
  QLineEdit* stepCountsEdit() const { return m_stepCounts; }
  CurvePlot* curves() const { return m_curves; }
  CompareGridView* gridView() const { return m_grid; }
  CompareParticles* particles() const { return m_particles; }
  QTabWidget* results() const { return m_results; }
  QStringList summaries() const;

Q_SIGNALS:
  void post(const ebm::Command& command);
  void error(const QString& message);
  /// The panel alone in the window, or back to the layout (the window's M key does the same).
  void maximiseRequested();

private:
  struct Row {
    QCheckBox* use = nullptr;
    QDoubleSpinBox* step = nullptr;
    QDoubleSpinBox* noise = nullptr;
    QSpinBox* steps = nullptr;
    QComboBox* init = nullptr;
    QLabel* swatch = nullptr;
  };
  QWidget* buildSettings();
  QWidget* buildVariantRows();
  QWidget* buildGridSettings();
  QWidget* buildResults();
  void addRow(QGridLayout* grid, int row);
  void chainChosen();
  const ChainSpec* chainSpec() const;
  void configureRows(const ChainSpec& spec);
  void showComparison(std::shared_ptr<const ComparisonResult> r);
  void showSummaries(const ComparisonResult& r);

  std::array<Row, kRows> m_rows;
  QComboBox* m_chain = nullptr;
  QSpinBox* m_chains = nullptr;
  QSpinBox* m_seed = nullptr;
  QComboBox* m_init = nullptr;
  QPushButton *m_run = nullptr, *m_runGrid = nullptr, *m_stop = nullptr, *m_fill = nullptr,
              *m_maximise = nullptr;
  QLineEdit *m_stepSizes = nullptr, *m_stepCounts = nullptr;
  QLabel* m_hint = nullptr;
  QLabel *m_stepHeader = nullptr, *m_noiseHeader = nullptr;
  QVBoxLayout* m_summaryBox = nullptr;
  std::vector<QLabel*> m_summaryLabels;
  QTabWidget* m_results = nullptr;
  CurvePlot* m_curves = nullptr;
  CompareParticles* m_particles = nullptr;
  CompareGridView* m_grid = nullptr;
  std::string m_stepKey, m_noiseKey;
  std::shared_ptr<const MethodInfo> m_info;
  std::map<std::string, SettingValues> m_live;  // the chains' live settings, last seen
  std::shared_ptr<const ComparisonResult> m_shown;
  bool m_is2d = false;
};

} // namespace ebm::ui
