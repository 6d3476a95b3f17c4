// ViewerApp's window: GLFW and ImGui set-up, the frame loop, full screen, the screenshot.
#include "viewer_app.h"

#include "frame_capture.h"
#include "panel_style.h"

#include <epoxy/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>

namespace ebm::viewer {
namespace {

constexpr double kFrameSeconds = 1.0 / 60.0;
constexpr double kInputSettleSeconds = 1.0;  // frames keep coming this long after input
constexpr double kKeepAliveSeconds = 0.5;    // and at least this often otherwise
constexpr double kLessonShotStepSeconds = 4;  // --screenshot: a lesson's key waits last this long

ViewerApp* appOf(GLFWwindow* w) {
  return static_cast<ViewerApp*>(glfwGetWindowUserPointer(w));
}

void glfwError(int code, const char* text) {
  std::fprintf(stderr, "ebm-viewer: GLFW error %d: %s\n", code, text);
}

} // namespace

ViewerApp::ViewerApp(const ViewerOptions& options)
    : m_options(options), m_screenshotMode(!options.screenshot.empty()) {
  if (options.benchSeconds > 0)
    m_bench = std::make_unique<FrameBench>(options.benchSeconds, options.benchOut);
}

ViewerApp::~ViewerApp() {
  m_lessons.reset();
  m_session.reset();  // joins the core's threads before the window goes
  m_strips.reset();
  m_landscape.reset();
  if (!m_window)
    return;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(m_window);
  glfwTerminate();
}

bool ViewerApp::openWindow() {
  glfwSetErrorCallback(glfwError);
  if (!glfwInit())
    return false;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  if (m_options.width <= 0 || m_options.height <= 0) {
    // Like ebm-lab: the screen's size (a laptop, a projector), 1280 x 720 when unknown.
    const GLFWvidmode* mode =
        glfwGetPrimaryMonitor() ? glfwGetVideoMode(glfwGetPrimaryMonitor()) : nullptr;
    m_options.width = mode ? mode->width : 1280;
    m_options.height = mode ? mode->height : 720;
  }
  m_window = glfwCreateWindow(m_options.width, m_options.height, "EBM Lab viewer", nullptr,
                              nullptr);
  if (!m_window)
    return false;
  glfwGetWindowSize(m_window, &m_windowedSize[0], &m_windowedSize[1]);
  glfwMakeContextCurrent(m_window);
  glfwSwapInterval(1);
  watchInput();  // before ImGui's backend, which calls these callbacks after its own
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed: nothing to restore
  applyStyle(float(m_options.fontScale));
  ImGui_ImplGlfw_InitForOpenGL(m_window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  m_strips = std::make_unique<ImageStrips>();
  m_landscape = std::make_unique<LandscapePanel>();
  if (m_options.fullscreen)
    toggleFullscreen();
  return true;
}

int ViewerApp::run() {
  if (!openWindow()) {
    std::fprintf(stderr, "ebm-viewer: cannot open a window with OpenGL 3.3 (is there a display?)\n");
    return 1;
  }
  m_session = std::make_unique<ViewerSession>(m_options);
  m_lessons = std::make_unique<ViewerLessons>(*m_session);
  if (m_screenshotMode)
    m_lessons->setAutoAdvance(kLessonShotStepSeconds);
  if (!m_options.lesson.empty())
    m_lessons->open(m_options.lesson);
  buildKeys();
  m_opened = std::chrono::steady_clock::now();
  // A frame every 1/60 s at most: wait for input only for what is left of the frame's time, so
  // drawing does not add to the interval (an event wakes the loop at once).
  double frameStart = glfwGetTime();
  while (!glfwWindowShouldClose(m_window)) {
    glfwWaitEventsTimeout(std::max(0.0, kFrameSeconds - (glfwGetTime() - frameStart)));
    frameStart = glfwGetTime();
    frame();
  }
  return m_bench && m_bench->status() ? m_bench->status() : m_status;
}

void ViewerApp::watchInput() {
  glfwSetWindowUserPointer(m_window, this);
  glfwSetCursorPosCallback(m_window, [](GLFWwindow* w, double, double) { appOf(w)->noteInput(); });
  glfwSetMouseButtonCallback(m_window,
                             [](GLFWwindow* w, int, int, int) { appOf(w)->noteInput(); });
  glfwSetScrollCallback(m_window, [](GLFWwindow* w, double, double) { appOf(w)->noteInput(); });
  glfwSetKeyCallback(m_window, [](GLFWwindow* w, int, int, int, int) { appOf(w)->noteInput(); });
  glfwSetCharCallback(m_window, [](GLFWwindow* w, unsigned) { appOf(w)->noteInput(); });
  glfwSetWindowFocusCallback(m_window, [](GLFWwindow* w, int) { appOf(w)->noteInput(); });
  glfwSetCursorEnterCallback(m_window, [](GLFWwindow* w, int) { appOf(w)->noteInput(); });
  glfwSetFramebufferSizeCallback(m_window,
                                 [](GLFWwindow* w, int, int) { appOf(w)->noteInput(); });
  glfwSetWindowRefreshCallback(m_window, [](GLFWwindow* w) { appOf(w)->noteInput(); });
}

void ViewerApp::noteInput() {
  m_lastInput = glfwGetTime();
}

bool ViewerApp::needsDrawing(bool changed) const {
  const double now = glfwGetTime();
  return changed || !m_drawn || now - m_lastInput < kInputSettleSeconds ||
         now - m_lastDraw > kKeepAliveSeconds || ImGui::GetIO().WantTextInput ||
         dueForScreenshot();
}

void ViewerApp::frame() {
  bool changed = m_session->update();
  changed = m_lessons->tick(glfwGetTime()) || changed;  // the lesson's clock: never blocks
  if (m_bench && m_bench->frame(*m_session))
    glfwSetWindowShouldClose(m_window, GLFW_TRUE);
  if (!needsDrawing(changed))
    return;
  m_drawn = true;
  m_lastDraw = glfwGetTime();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (m_screenshotMode) {  // Xvfb's pointer sits mid-screen: no hover tooltip in the shot
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    for (bool& down : ImGui::GetIO().MouseDown)
      down = false;
  }
  ImGui::NewFrame();
  m_keys.handle();
  drawLayout();
  if (m_showHelp)
    m_keys.drawHelp(&m_showHelp);
  if (m_showLessons)
    m_lessons->drawMenu(&m_showLessons);
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(m_window, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (dueForScreenshot())
    takeScreenshot();
  glfwSwapBuffers(m_window);
  if (m_bench)
    m_bench->drawn();
}

bool ViewerApp::dueForScreenshot() const {
  return !m_options.screenshot.empty() &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - m_opened).count() >=
             m_options.after;
}

void ViewerApp::takeScreenshot() {
  int w = 0, h = 0;
  glfwGetFramebufferSize(m_window, &w, &h);
  const std::string error = captureFramebuffer(w, h, m_options.screenshot);
  if (error.empty()) {
    std::printf("wrote %s\n", m_options.screenshot.c_str());
  } else {
    std::fprintf(stderr, "ebm-viewer: cannot write the screenshot: %s\n", error.c_str());
    m_status = 1;
  }
  m_options.screenshot.clear();
  glfwSetWindowShouldClose(m_window, GLFW_TRUE);
}

void ViewerApp::toggleFullscreen() {
  m_fullscreen = !m_fullscreen;
  if (m_fullscreen) {
    glfwGetWindowPos(m_window, &m_windowedPos[0], &m_windowedPos[1]);
    glfwGetWindowSize(m_window, &m_windowedSize[0], &m_windowedSize[1]);
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (!mode) {
      m_fullscreen = false;
      return;
    }
    glfwSetWindowMonitor(m_window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    glfwSetWindowMonitor(m_window, nullptr, m_windowedPos[0], m_windowedPos[1], m_windowedSize[0],
                         m_windowedSize[1], 0);
  }
}

} // namespace ebm::viewer
