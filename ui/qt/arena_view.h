// ArenaView: a window that runs several 2-D models side by side on one data set, from the same
// noise. The models are the shipped (or given) 2-D checkpoints trained on the chosen data set,
// one ArenaPane each, plus a short-run pane on the first model's energy (ArenaPlan in
// ui/common). Start, Stop and Repeat act on every pane at once, the chain speed paces them all,
// and one plot shows MMD² to the data per model as the chains run. Closing the window stops the
// chains and hides it (the sessions live on until the main window goes). GUI thread only.
#pragma once

#include "arena_plan.h"

#include <QTimer>
#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QPushButton;

namespace ebm::ui {

class ArenaPane;
class CurvePlot;
class SessionHost;

class ArenaView : public QWidget {
  Q_OBJECT
public:
  /// `candidates`: 2-D checkpoints with their data (see shippedArenaCandidates); `base` gives
  /// the device and threads of the panes' sessions.
  ArenaView(std::vector<ArenaCandidate> candidates, const RunConfig& base,
            QWidget* parent = nullptr);

  /// The shipped 2-D checkpoints, in the order the arena prefers them (the latent-variable
  /// 8 Gaussians model first); unreadable files are left out.
  static std::vector<ArenaCandidate> shippedArenaCandidates();

  /// Shows the panes of a data set (a key of arenaDataSets); the old panes stop.
  void showDataSet(const std::string& dataKey);
  /// Starts a round on every pane from a fresh draw of the shared noise.
  void start();
  void stop();
  void setRepeat(bool on);
  /// Langevin steps per second of every pane (0 = as fast as possible, kSingleStep).
  void setChainSpeed(double stepsPerSecond);
  /// Chains per pane (2 ... 1024), from the next round.
  void setChains(int chains);

  /// Draws on `clock`'s ticks instead of a timer of its own: the arena's frames then come
  /// right after that window's, and composing the arena (GL in software costs tens of
  /// milliseconds) no longer lands between two of them.
  void followClock(SessionHost* clock);
  const std::vector<ArenaPane*>& panes() const { return m_panes; }
  bool allReady() const;
  bool anyRunning() const;
  /// The noise of the latest round (chains x 2) and its seed.
  const std::vector<float>& noise() const { return m_noise; }
  uint64_t seed() const { return m_seed; }
  int rounds() const { return m_rounds; }
  CurvePlot* mmdPlot() const { return m_plot; }
  QComboBox* dataBox() const { return m_dataBox; }
  std::vector<std::string> dataSets() const { return m_dataSets; }

Q_SIGNALS:
  void roundStarted(int round);

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void buildControls();
  void placePanes();
  void tick();
  void replotMmd();
  void onRoundEnded();
  void shareView();
  void updateButtons();

  std::vector<ArenaCandidate> m_candidates;
  std::vector<std::string> m_dataSets;
  RunConfig m_base;
  std::vector<ArenaPane*> m_panes;  // those of the data set shown
  std::map<std::string, std::vector<ArenaPane*>> m_panesByData;
  QWidget* m_paneArea = nullptr;
  QGridLayout* m_grid = nullptr;
  CurvePlot* m_plot = nullptr;
  QComboBox* m_dataBox = nullptr;
  QComboBox* m_speedBox = nullptr;
  QPushButton* m_startButton = nullptr;
  QPushButton* m_stopButton = nullptr;
  QPushButton* m_stepButton = nullptr;  // shown at single steps
  QCheckBox* m_repeatBox = nullptr;
  QLabel* m_roundLabel = nullptr;
  QTimer m_tick;         // measures MMD a few snapshots a frame, replots, repeats
  QTimer m_repeatDelay;  // a finished round stays on screen a moment before the next
  std::vector<float> m_noise;
  uint64_t m_seed = 0;
  int m_rounds = 0;
  int m_chains = 128;
  size_t m_nextMeasured = 0;
  int m_frame = 0;  // the pane measured next (round robin)
  double m_speed = 0;
  bool m_startWhenReady = false;
  bool m_plotDirty = false;
  qint64 m_lastReplot = 0;
};

} // namespace ebm::ui
