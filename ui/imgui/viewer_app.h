// ViewerApp: ebm-viewer's one GLFW window (GL 3.3 core) with Dear ImGui, the frame loop and the
// fixed layout that fills the window: the Controls column on the left, the chains' view in the
// centre with Diagnostics beside it, the curves under them and a status line at the bottom. The
// loop never waits on compute: each frame reads one snapshot and posts commands; an idle window
// sleeps in glfwWaitEventsTimeout (~60 Hz) instead of spinning a core, and a frame is drawn only
// when something may have changed (input, a new snapshot, playback), so software GL under Xvfb
// does not take the cores from training to redraw the same picture. GUI thread.
#pragma once

#include "controls_panel.h"
#include "frame_bench.h"
#include "image_strips.h"
#include "key_map.h"
#include "landscape_panel.h"
#include "viewer_lessons.h"
#include "viewer_options.h"
#include "viewer_session.h"

#include <imgui.h>

#include <chrono>
#include <memory>

struct GLFWwindow;

namespace ebm::viewer {

class ViewerApp {
public:
  explicit ViewerApp(const ViewerOptions& options);
  ~ViewerApp();
  ViewerApp(const ViewerApp&) = delete;
  ViewerApp& operator=(const ViewerApp&) = delete;

  /// Opens the window and runs until it is closed; returns the exit status (1 when the window
  /// could not be opened or a screenshot not written).
  int run();
  /// An input event arrived (the GLFW callbacks call it): frames follow for a while.
  void noteInput();

private:
  bool openWindow();
  void watchInput();
  bool needsDrawing(bool changed) const;
  void buildKeys();
  void buildLessonKeys();
  void frame();
  void drawLayout();
  void drawLessonBar(float width, float maxHeight);
  void drawCentre(ImVec2 size);
  void drawCursorBar();
  enum class CurvePanel { Energy, Mse, Losses };
  void drawCurves(ImVec2 size);
  void drawCurve(CurvePanel panel, ImVec2 size);
  void drawStatusLine();
  void toggleFullscreen();
  bool dueForScreenshot() const;
  void takeScreenshot();

  ViewerOptions m_options;
  GLFWwindow* m_window = nullptr;
  std::unique_ptr<ViewerSession> m_session;
  std::unique_ptr<ViewerLessons> m_lessons;
  ControlsPanel m_controls;
  // Views holding GL objects: made after the window's context, destroyed before it.
  std::unique_ptr<ImageStrips> m_strips;
  std::unique_ptr<LandscapePanel> m_landscape;
  KeyMap m_keys;
  std::unique_ptr<FrameBench> m_bench;
  bool m_showHelp = false;
  bool m_showLessons = false;
  bool m_screenshotMode = false;  // --screenshot: the mouse is kept out (no hover in the shot)
  bool m_fullscreen = false;
  int m_windowedPos[2] = {80, 60}, m_windowedSize[2] = {1280, 720};
  int m_status = 0;
  std::chrono::steady_clock::time_point m_opened;
  double m_lastInput = 0, m_lastDraw = -1;  // glfwGetTime() of the last input event and frame
  bool m_drawn = false;
};

} // namespace ebm::viewer
