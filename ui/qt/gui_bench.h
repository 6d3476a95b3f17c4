// GuiBench: measures the desktop app while the core trains: the GUI's frame interval (the
// ~30 Hz snapshot tick) and event-loop stalls, the delay from a live settings change to the
// first Langevin step that uses it, and resident memory over time. With the arena (setArena) the
// arena window samples on repeat the whole time, and its panes' frame intervals are reported
// too, and the share of a core the GUI thread used. Prints JSON at the end and quits the app. GUI thread only; used by
// `ebm-lab --bench SECONDS [--bench-arena] [--bench-repeat] [--bench-csv F]`.
#pragma once

#include "session.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace ebm::ui {

class BenchReport;
class MainWindow;

class GuiBench : public QObject {
  Q_OBJECT
public:
  GuiBench(MainWindow* window, double seconds, QString outPath, QObject* parent = nullptr);
  /// Opens the arena and keeps it sampling (Repeat on) while the model trains.
  void setArena(bool on) { m_arena = on; }
  /// Each minute trains 45 s, then stops for 15 s while the revisions repeat (--bench-repeat).
  void setCycleRevisions(bool on) { m_cycleRevisions = on; }
  /// Also writes a row each minute (memory, that minute's frame interval p99 and stalls) here.
  void setMinuteCsv(QString path) { m_csvPath = std::move(path); }
  void start();

private:
  void probe();
  void everySecond();
  void finish();
  void addArena(BenchReport& r) const;
  void cycleRevisions(double t, RunState state);
  void writeMinuteRow(double t, double rssMib, int64_t iteration);

  MainWindow* m_window;
  double m_seconds;
  QString m_outPath;
  QTimer m_probe, m_second;
  QElapsedTimer m_clock;
  qint64 m_lastProbeNs = 0;
  std::vector<double> m_stalls;
  std::vector<double> m_replotMs;    // the three plots' last replot times, sampled each second
  std::vector<double> m_setToUse;    // seconds from setXSettings to first use
  std::vector<std::pair<double, double>> m_rss;  // (seconds, MiB)
  uint64_t m_pendingVersion = 0;
  bool m_trainingStarted = false;
  bool m_toggle = false;
  int m_tick = 0;
  double m_stepsPerSecond = 0;
  int m_samples = 0;
  bool m_arena = false;
  double m_cpuAtStart = 0;  // the GUI thread's CPU seconds when training started
  QString m_csvPath;
  size_t m_minuteTicks = 0, m_minuteStalls = 0;  // where this minute's samples begin
  double m_nextMinute = 60;
  bool m_cycleRevisions = false;
  bool m_pausedForRevisions = false;
};

} // namespace ebm::ui
