// WindowLessonStage: the desktop app's LessonStage. It maps a lesson's actions onto what the main
// window already does (load a checkpoint, set a chain's live settings through the session host
// and show them in the controls, run a chain, pin the shown traces, move the step cursor, raise a
// dock) and says when the window is busy: a model loading, or a chain the lesson started (or any
// revision) still running. GUI thread only.
#pragma once

#include "lesson_player.h"
#include "lesson_progress.h"

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
  MainWindow& m_window;
  LessonProgress m_progress;
};

} // namespace ebm::ui
