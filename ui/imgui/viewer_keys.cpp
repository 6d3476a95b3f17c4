// ViewerApp's keys: every action on a key, listed on F1 from the same table.
#include "viewer_app.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

namespace ebm::viewer {

void ViewerApp::buildLessonKeys() {
  // While a lesson's bar is up these win over the bindings below of the same key.
  ViewerLessons& l = *m_lessons;
  auto add = [this](int key, const char* label, const char* what, std::function<bool()> when,
                    std::function<void()> action) {
    KeyBinding b{key, false, false, false, label, what, std::move(action)};
    b.when = std::move(when);
    m_keys.add(std::move(b));
  };
  auto playing = [&l] { return l.active(); };
  add(GLFW_KEY_SPACE, "Space (lesson)", "next step of the lesson", playing, [&l] { l.next(); });
  add(GLFW_KEY_RIGHT, "→ (lesson)", "next step of the lesson", playing, [&l] { l.next(); });
  add(GLFW_KEY_LEFT, "← (lesson)", "replay the previous step", playing, [&l] { l.back(); });
  add(GLFW_KEY_ESCAPE, "Esc (lesson)", "end the lesson (or close its error)",
      [&l] { return l.shown(); }, [&l] { l.end(); });
  m_keys.add({GLFW_KEY_L, false, false, false, "L", "list the shipped lessons (click one to play)",
              [this] { m_showLessons = !m_showLessons; }, {}});
}

void ViewerApp::buildKeys() {
  buildLessonKeys();
  ViewerSession& s = *m_session;
  ui::StepCursor& c = s.cursor();
  auto add = [this](int key, bool ctrl, bool shift, bool repeats, const char* label,
                    const char* what, std::function<void()> action) {
    m_keys.add({key, ctrl, shift, repeats, label, what, std::move(action)});
  };
  add(GLFW_KEY_SPACE, false, false, false, "Space", "run every chain again (a revision)",
      [&s] { s.runAll(); });
  add(GLFW_KEY_R, false, false, false, "R", "Repeat on / off", [&s] { s.setRepeat(!s.repeat()); });
  add(GLFW_KEY_X, false, false, false, "X", "stop the running revision", [&s] { s.stopRevision(); });
  add(GLFW_KEY_T, false, false, false, "T", "training: start, pause, resume",
      [&s] { s.toggleTraining(); });
  add(GLFW_KEY_T, false, true, false, "Shift+T", "one training iteration",
      [&s] { s.stepTraining(); });
  add(GLFW_KEY_LEFT, false, false, true, "←", "step cursor back", [&c] { c.stepBy(-1); });
  add(GLFW_KEY_RIGHT, false, false, true, "→", "step cursor forward", [&c] { c.stepBy(1); });
  add(GLFW_KEY_LEFT, false, true, true, "Shift+←", "10 steps back", [&c] { c.stepBy(-10); });
  add(GLFW_KEY_RIGHT, false, true, true, "Shift+→", "10 steps forward", [&c] { c.stepBy(10); });
  add(GLFW_KEY_HOME, false, false, false, "Home", "first step", [&c] { c.set(0); });
  add(GLFW_KEY_END, false, false, false, "End", "follow the newest step", [&c] { c.follow(); });
  add(GLFW_KEY_ENTER, false, false, false, "Enter", "play the trace / stop playing",
      [&c] { c.togglePlayback(); });
  add(GLFW_KEY_LEFT_BRACKET, false, false, false, "[", "chains slower", [&s] {
    s.speed().slower();
    s.applySpeed();
  });
  add(GLFW_KEY_RIGHT_BRACKET, false, false, false, "]", "chains faster", [&s] {
    s.speed().faster();
    s.applySpeed();
  });
  add(GLFW_KEY_P, false, false, false, "P", "pin the shown traces", [&s] { s.pin(); });
  add(GLFW_KEY_P, false, true, false, "Shift+P", "clear the pin", [&s] { s.clearPin(); });
  add(GLFW_KEY_G, false, false, false, "G", "export the shown trace as a GIF (run folder)",
      [&s] { s.exportGif(); });
  add(GLFW_KEY_S, true, false, false, "Ctrl+S", "save a checkpoint", [&s] { s.saveCheckpoint(); });
  add(GLFW_KEY_O, true, false, false, "Ctrl+O", "type a checkpoint to load",
      [this] { m_controls.focusPath(); });
  add(GLFW_KEY_F11, false, false, false, "F11", "full screen on / off",
      [this] { toggleFullscreen(); });
  add(GLFW_KEY_F1, false, false, false, "F1", "this list", [this] { m_showHelp = !m_showHelp; });
  add(GLFW_KEY_ESCAPE, false, false, false, "Esc", "close this list, clear the error",
      [this] {
        m_showHelp = m_showLessons = false;
        m_session->clearError();
      });
  add(GLFW_KEY_Q, true, false, false, "Ctrl+Q", "quit",
      [this] { glfwSetWindowShouldClose(m_window, GLFW_TRUE); });
}

} // namespace ebm::viewer
