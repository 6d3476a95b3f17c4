// WindowLessonStage: the desktop app's LessonStage. It maps a lesson's actions onto what the main
// window already does (load a checkpoint, set a chain's live settings through the session host
// and show them in the controls, run a chain, pin the shown traces, move the step cursor, raise a
// dock) and says when the window is busy: a model loading, or a chain the lesson started (or any
// revision) still running. GUI thread only.
#pragma once

#include "lesson_player.h"
#include "trace.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ebm::ui {

class MainWindow;

class WindowLessonStage : public LessonStage {
public:
  explicit WindowLessonStage(MainWindow& window) : m_window(window) {}

  void loadModel(const std::string& checkpointPath) override;
  std::string setChainSettings(const std::string& chain, const SettingValues& v) override;
  void runChain(const std::string& chain, int chains, uint64_t seed,
                const std::string& init) override;
  void pinTrace(const std::string& label) override;
  void moveCursor(long step) override;
  void showPanel(const std::string& panel) override;
  bool busy() const override;

private:
  /// What the snapshot showed when a command went in; busy until it shows the command's effect
  /// (a new model, a new trace) or a new error.
  struct Pending {
    bool active = false;
    uint64_t modelVersion = 0;
    uint64_t errorCount = 0;
    std::shared_ptr<const Trace> trace;  // the chain's trace before the run: held, so that a
                                         // new trace can never reuse its address
    std::string chain;
  };
  Pending mark(const std::string& chain) const;
  bool stillPending(const Pending& p, bool load) const;

  MainWindow& m_window;
  Pending m_load, m_run;
};

} // namespace ebm::ui
