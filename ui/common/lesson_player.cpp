#include "lesson_player.h"

#include <algorithm>
#include <exception>

namespace ebm::ui {

using Kind = LessonAction::Kind;

void LessonPlayer::start(Lesson lesson) {
  m_lesson = std::move(lesson);
  m_error.clear();
  m_active = !m_lesson.steps.empty();
  beginStep(0);
}

void LessonPlayer::stop() {
  m_active = false;
  m_waitingKey = false;
  m_rushing = false;
  m_waitUntil = -1;
}

const LessonStep* LessonPlayer::step() const {
  return m_step < stepCount() ? &m_lesson.steps[size_t(m_step)] : nullptr;
}

void LessonPlayer::beginStep(int index) {
  m_step = index;
  m_action = 0;
  m_waitUntil = -1;
  m_waitingKey = false;
  m_rushing = false;
  m_finished = false;
}

void LessonPlayer::tick(LessonStage& stage, double nowSeconds) {
  if (!m_active || m_finished || !m_error.empty() || m_waitingKey || !step())
    return;
  while (m_action < step()->actions.size()) {
    if (!applyNext(stage, nowSeconds) || !m_error.empty())
      return;
  }
  if (!stage.busy())  // a step is over when what it started is
    endStep();
}

bool LessonPlayer::applyNext(LessonStage& stage, double now) {
  // Every action waits for the stage: a setting never lands in the middle of a chain the lesson
  // started, two chains never run at once, and a timed wait counts from the end of the last.
  if (stage.busy())
    return false;
  const LessonAction& a = step()->actions[m_action];
  if (a.kind == Kind::Wait) {
    if (!m_rushing && !waitOn(a, now))
      return false;
  } else {
    apply(stage, a);
  }
  ++m_action;
  return true;
}

bool LessonPlayer::waitOn(const LessonAction& a, double now) {
  if (a.seconds < 0) {
    m_waitingKey = true;  // next() moves past it
    return false;
  }
  if (m_waitUntil < 0)
    m_waitUntil = now + a.seconds;
  if (now < m_waitUntil)
    return false;
  m_waitUntil = -1;
  return true;
}

void LessonPlayer::apply(LessonStage& stage, const LessonAction& a) {
  switch (a.kind) {
  case Kind::Load:
    try {
      stage.loadModel(resolveLessonCheckpoint(a.text, m_lesson.path));
    } catch (const std::exception& e) {
      fail(a, e.what());
    }
    break;
  case Kind::Set:
    if (const std::string e = stage.setChainSettings(a.chain, a.values); !e.empty())
      fail(a, e);
    break;
  case Kind::Run: stage.runChain(a.chain, a.chains, a.seed, a.init); break;
  case Kind::Pin: stage.pinTrace(a.text); break;
  case Kind::Cursor: stage.moveCursor(a.step); break;
  case Kind::Panel: stage.showPanel(a.text); break;
  case Kind::Wait: break;
  }
}

void LessonPlayer::endStep() {
  // A step that ends with a timed wait goes on by itself; any other waits for a key.
  const auto& actions = step()->actions;
  const bool timed = !actions.empty() && actions.back().kind == Kind::Wait &&
                     actions.back().seconds >= 0;
  if (!m_rushing && !timed) {
    m_waitingKey = true;
    return;
  }
  if (m_step + 1 < stepCount())
    beginStep(m_step + 1);
  else
    m_finished = true;
}

void LessonPlayer::next() {
  if (!m_active || m_finished || !m_error.empty())
    return;
  if (!m_waitingKey) {
    m_rushing = true;  // the step finishes first (tick), then the next begins
    m_waitUntil = -1;
    return;
  }
  m_waitingKey = false;
  if (m_action < step()->actions.size()) {
    ++m_action;  // past a key wait inside the step
    return;
  }
  m_rushing = true;
  endStep();
}

void LessonPlayer::back() {
  if (!m_active)
    return;
  m_error.clear();
  beginStep(m_finished ? stepCount() - 1 : std::max(0, m_step - 1));
}

void LessonPlayer::fail(const LessonAction& a, const std::string& message) {
  m_error = m_lesson.path + " line " + std::to_string(a.line) + ": step " +
            std::to_string(m_step + 1) + ": " + message;
}

} // namespace ebm::ui
