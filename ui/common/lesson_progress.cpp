#include "lesson_progress.h"

#include "revision_repeat.h"

namespace ebm::ui {

LessonProgress::Pending LessonProgress::mark(const SessionSnapshot* before,
                                             const std::string& chain) {
  Pending p;
  p.active = true;
  p.chain = chain;
  if (before) {
    p.modelVersion = before->modelVersion;
    p.errorCount = before->errorCount;
    p.trace = traceOf(before, chain);
  }
  return p;
}

bool LessonProgress::stillPending(const Pending& p, const SessionSnapshot* now, bool load) {
  if (!p.active)
    return false;
  if (!now)
    return true;
  if (now->errorCount > p.errorCount)
    return false;  // refused: the front end shows why
  return load ? now->modelVersion == p.modelVersion : traceOf(now, p.chain) == p.trace;
}

void LessonProgress::loadPosted(const SessionSnapshot* before) {
  m_run = {};
  m_load = mark(before, {});
}

void LessonProgress::runPosted(const SessionSnapshot* before, const std::string& chain) {
  m_run = mark(before, chain);
}

void LessonProgress::clear() {
  m_load = {};
  m_run = {};
}

bool LessonProgress::busy(const SessionSnapshot* now) const {
  if (!now || now->state == RunState::Loading || now->revisionRunning)
    return true;
  return stillPending(m_load, now, true) || stillPending(m_run, now, false);
}

} // namespace ebm::ui
