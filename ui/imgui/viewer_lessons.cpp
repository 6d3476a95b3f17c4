#include "viewer_lessons.h"

#include "viewer_session.h"

#include <imgui.h>

#include <cstdio>
#include <filesystem>
#include <tuple>

namespace ebm::viewer {
namespace {

std::string shippedTitle(const std::string& path) {
  // The lesson's own title; a shipped file that does not parse is listed by its file name, and
  // opening it shows why.
  try {
    return ui::loadLesson(path).title;
  } catch (const std::exception&) {
    return std::filesystem::path(path).filename().string();
  }
}

} // namespace

ViewerLessons::ViewerLessons(ViewerSession& session)
    : m_session(session), m_stage(session, m_view) {}

void ViewerLessons::open(const std::string& path) {
  ui::Lesson lesson;
  try {
    lesson = ui::loadLesson(path);
  } catch (const std::exception& e) {
    m_player.stop();
    m_openError = e.what();
    m_session.error(m_openError);  // the status line and stderr
    return;
  }
  m_openError.clear();
  m_view = {};
  m_session.holdRevisions();  // the lesson decides what runs
  m_session.note("lesson: " + lesson.title + " (" + path + ")");
  std::fprintf(stderr, "ebm-viewer: lesson: %s (%zu %s)\n", lesson.title.c_str(),
               lesson.steps.size(), lesson.steps.size() == 1 ? "step" : "steps");
  m_reportedStep = -1;
  m_reportedEnd = false;
  m_reportedError.clear();
  m_player.start(std::move(lesson));
}

void ViewerLessons::end() {
  if (m_player.active())
    m_session.note("lesson ended: " + m_player.lesson().title);
  m_player.stop();
  m_openError.clear();
  m_view = {};
}

void ViewerLessons::next() {
  m_player.next();
}

void ViewerLessons::back() {
  m_player.back();
  m_reportedError.clear();
}

std::string ViewerLessons::error() const {
  return m_openError.empty() ? m_player.error() : m_openError;
}

bool ViewerLessons::tick(double nowSeconds) {
  if (!m_player.active())
    return false;
  auto state = [this] {
    return std::make_tuple(m_player.stepIndex(), m_player.waitingForKey(), m_player.finished(),
                           m_player.error());
  };
  const auto before = state();
  m_player.tick(m_stage, nowSeconds);
  if (!m_player.waitingForKey())
    m_keyWaitSince = -1;
  else if (m_keyWaitSince < 0)
    m_keyWaitSince = nowSeconds;
  else if (m_autoAdvance > 0 && nowSeconds - m_keyWaitSince >= m_autoAdvance)
    m_player.next();
  report();
  return state() != before;
}

void ViewerLessons::report() {
  // One line per step begun, the end and an error: what a script (or a presenter's terminal)
  // follows.
  const auto* step = m_player.step();
  if (step && m_player.stepIndex() != m_reportedStep) {
    m_reportedStep = m_player.stepIndex();
    m_reportedEnd = false;
    std::fprintf(stderr, "ebm-viewer: lesson step %d / %d: %s\n", m_reportedStep + 1,
                 m_player.stepCount(), step->title.c_str());
  }
  if (m_player.finished() && !m_reportedEnd) {
    m_reportedEnd = true;
    std::fprintf(stderr, "ebm-viewer: lesson finished: %s\n", m_player.lesson().title.c_str());
  }
  if (m_player.error() != m_reportedError) {
    m_reportedError = m_player.error();
    if (!m_reportedError.empty())
      m_session.error(m_reportedError);
  }
}

void ViewerLessons::drawMenu(bool* visible) {
  if (m_shipped.empty())
    for (const std::string& path : ui::shippedLessons())
      m_shipped.emplace_back(path, shippedTitle(path));
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f,
                                 vp->WorkPos.y + vp->WorkSize.y * 0.4f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::Begin("Lessons (L, Esc closes)", visible,
                    ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  if (m_shipped.empty())
    ImGui::TextDisabled("no lessons found (resources/lessons/)");
  for (const auto& [path, title] : m_shipped)
    if (ImGui::Selectable(title.c_str())) {
      open(path);
      *visible = false;
    }
  ImGui::TextDisabled("Space / → next step, ← back, Esc ends; --lesson FILE plays any file");
  ImGui::End();
}

} // namespace ebm::viewer
