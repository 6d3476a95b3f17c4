// ArenaPane: one model of the arena. It owns its session (through a SessionHost, so the GUI
// never waits on it), loads its checkpoint, shows the model's energy landscape with the round's
// chains as particles (LandscapeView), says how its chain uses the shared noise, and measures the
// MMD² of its chain to the data as the chain runs (MmdSeries, on a thread of its own). The
// arena window starts, stops and paces every pane at once. GUI thread only.
#pragma once

#include "arena_plan.h"
#include "landscape_refresh.h"
#include "mmd_series.h"
#include "session_host.h"

#include <QElapsedTimer>
#include <QFrame>

#include <future>
#include <memory>
#include <utility>
#include <vector>

class QLabel;

namespace ebm::ui {

class LandscapeView;

class ArenaPane : public QFrame {
  Q_OBJECT
public:
  ArenaPane(const ArenaPaneSpec& spec, const RunConfig& base, QWidget* parent = nullptr);

  /// Runs one round from the shared noise (chains x 2 values) with the round's seed. Ignored
  /// until the model is loaded.
  void run(const std::vector<float>& noise, int chains, uint64_t seed);
  void stop();
  void setPace(double stepsPerSecond);

  /// The model is loaded and its sampling chain known.
  bool ready() const { return m_ready; }
  /// A round was posted and its chain has not ended yet.
  bool running() const { return m_posted; }
  /// Draws the round's latest trace and status. The arena calls it for every pane in one frame,
  /// so the window is composed once for all of them (not once per pane's snapshot).
  void present();
  /// Measures up to `maxNew` new snapshots of the round's trace; true when the series grew.
  bool measure(int maxNew);
  /// Snapshots of the round's trace still to measure.
  int pendingMeasures() const;

  QString title() const;
  const ArenaSampler& sampler() const { return m_sampler; }
  const ArenaPaneSpec& spec() const { return m_spec; }
  const MmdSeries& mmd() const { return m_mmd; }
  std::shared_ptr<const Trace> trace() const { return m_trace; }
  LandscapeView* view() const { return m_view; }
  SessionHost& host() { return *m_host; }
  QString statusText() const;
  QString lastError() const { return m_error; }

Q_SIGNALS:
  /// The model finished loading (or failed to): the arena may start.
  void readyChanged();
  /// The round's chain ended (finished, stopped, diverged or refused).
  void roundEnded();

private:
  void onSnapshot(const Snapshot& snap);
  void adoptModel(const SessionSnapshot& snap);
  void followRound(const SessionSnapshot& snap);
  void onError(const QString& message);
  void showStatus();

  ArenaPaneSpec m_spec;
  SessionHost* m_host = nullptr;
  LandscapeView* m_view = nullptr;
  QLabel* m_title = nullptr;
  QLabel* m_note = nullptr;
  QLabel* m_status = nullptr;
  ArenaSampler m_sampler;
  bool m_ready = false;
  bool m_posted = false;
  std::shared_ptr<const Trace> m_before;  // the chain's trace when the round was posted
  std::shared_ptr<const Trace> m_trace;   // the round's trace
  MmdSeries m_mmd;
  uint64_t m_round = 0;  // rounds posted: a measurement of an older round is dropped
  std::future<std::pair<uint64_t, std::vector<MmdPoint>>> m_job;  // MMD² off the GUI thread
  LandscapeRefresh m_refresh;
  QElapsedTimer m_clock;
  QString m_error;
};

} // namespace ebm::ui
