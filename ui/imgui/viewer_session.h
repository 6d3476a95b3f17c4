// ViewerSession: what ebm-viewer knows between frames, without drawing anything. It owns the
// SessionPoller (ui/common) and the shared policies of both front ends (step cursor, Repeat,
// landscape refresh, chain speed), adopts each new model (which chains the views show, the
// revision settings per chain), and turns the panels' requests into commands. It never waits on
// compute: commands are posted, snapshots read. GUI thread only.
#pragma once

#include "chain_speed.h"
#include "landscape_refresh.h"
#include "pinned_traces.h"
#include "revision_repeat.h"
#include "session_poller.h"
#include "shown_chains.h"
#include "step_cursor.h"
#include "viewer_options.h"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ebm::viewer {

using ui::Snapshot;

/// How the next revision of one chain starts (the Run button's settings).
struct ChainRun {
  int chains = 8;
  int init = 0;     // index into ChainSpec::inits
  int seed = 1;
};

class ViewerSession {
public:
  explicit ViewerSession(const ViewerOptions& options);

  /// Once per frame: reads the session, adopts a new model, posts what is due (landscape,
  /// first revisions, Repeat), walks playback. Returns whether anything shown may have changed
  /// (a new snapshot, a playback step).
  bool update();

  const Snapshot& snapshot() const { return m_snap; }
  const MethodInfo* method() const { return m_snap ? m_snap->methodInfo.get() : nullptr; }
  bool ready() const;
  const ui::ShownChains& shown() const { return m_shown; }
  std::shared_ptr<const Trace> dataTrace() const { return m_dataTrace; }
  std::shared_ptr<const Trace> latentTrace() const { return m_latentTrace; }
  const ui::PinnedTraces& pinned() const { return m_pinned; }
  ui::StepCursor& cursor() { return m_cursor; }
  ui::LandscapeRefresh& landscapeRefresh() { return m_landscape; }
  ui::SessionPoller& poller() { return m_poller; }
  const ViewerOptions& options() const { return m_options; }

  // Live settings the controls show: the session's, with the user's edits on top.
  const SettingValues& settings(const std::string& chain) const;
  void setSetting(const std::string& chain, const std::string& key, double value);
  /// A value being dragged: shown at once, sent by commitSetting when the drag ends (one
  /// recorded change per edit, not one per frame of a drag).
  void editSetting(const std::string& chain, const std::string& key, double value);
  void commitSetting(const std::string& chain, const std::string& key);
  void setChoice(const std::string& chain, const std::string& key, const std::string& value);
  ChainRun& run(const std::string& chain) { return m_runs[chain]; }

  // Commands.
  void runChain(const std::string& chain);
  /// A run with its own chains, seed and start where given (0, 0, "": the Run button's).
  void runChain(const std::string& chain, int chains, uint64_t seed, const std::string& init);
  /// Live settings of one chain at once (a lesson's): shown at once and sent to the session;
  /// "" when sent, else why not (no model, no such chain, a value the schema refuses).
  std::string applySettings(const std::string& chain, const SettingValues& values);
  /// No automatic revisions (the first ones, Repeat) from now on: a lesson decides what runs.
  void holdRevisions();
  void runAll();
  void stopRevision();
  bool repeat() const { return m_repeatOn; }
  void setRepeat(bool on) { m_repeatOn = on; }
  void toggleTraining();   // start, pause or resume
  void stepTraining();
  void stopTraining();
  void saveCheckpoint();
  /// Loads a checkpoint into the running session; a missing or unreadable file is refused with
  /// an error and the model that runs keeps running.
  /// Returns whether the load was posted.
  bool loadCheckpoint(const std::string& path);
  /// Writes the shown data-space trace as an animated GIF into the run folder (one frame per
  /// snapshot); says where, or why not, in the log.
  void exportGif();
  void pin(const std::string& label = {});  // "": the settings in force
  void clearPin();
  int trainIterations = 1000;
  ui::ChainSpeed& speed() { return m_speed; }
  void applySpeed();

  /// Errors and messages, newest last (bounded), and the latest error ("" when none or seen).
  const std::deque<std::string>& log() const { return m_log; }
  const std::string& lastError() const { return m_error; }
  void note(const std::string& line);
  void error(const std::string& message);
  void clearError() { m_error.clear(); }
  bool pausing() const { return m_pausing; }

private:
  int64_t nowMs() const;
  void openStartModel();
  void onSnapshot(const ui::PollResult& r);
  void adoptMethod(const SessionSnapshot& snap);
  void showTraces(const SessionSnapshot& snap);
  void postDue(const SessionSnapshot& snap);
  void refreshSettings(const SessionSnapshot& snap);
  std::vector<cmd::RunChain> revisionRuns() const;
  cmd::RunChain runCommand(const std::string& chain) const;
  SessionOptions sessionOptions(const std::string& checkpoint) const;

  ViewerOptions m_options;
  ui::SessionPoller m_poller;
  Snapshot m_snap;
  ui::StepCursor m_cursor;
  ui::RevisionRepeat m_repeat;
  ui::LandscapeRefresh m_landscape;
  ui::ChainSpeed m_speed;
  ui::ShownChains m_shown;
  bool m_repeatOn = true;
  bool m_adopted = false;
  bool m_pausing = false;
  bool m_autoRevise = true;
  int64_t m_lastEditMs = -1000000;
  uint64_t m_modelVersion = 0;
  std::map<std::string, ChainRun> m_runs;
  std::map<std::string, SettingValues> m_settings;
  std::map<std::string, uint64_t> m_settingsVersion;
  std::shared_ptr<const Trace> m_dataTrace, m_latentTrace;
  ui::PinnedTraces m_pinned;
  std::deque<std::string> m_log;
  int m_exports = 0;
  std::string m_error, m_lastMessage;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_lastTick = m_start;
};

} // namespace ebm::viewer
