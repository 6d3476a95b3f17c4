#include "viewer_lesson_stage.h"

#include "viewer_session.h"

namespace ebm::viewer {

ViewerLessonStage::Pending ViewerLessonStage::mark(const std::string& chain) const {
  Pending p;
  p.active = true;
  p.chain = chain;
  if (const Snapshot& s = m_session.snapshot()) {
    p.modelVersion = s->modelVersion;
    p.errorCount = s->errorCount;
    p.trace = ui::traceOf(s.get(), chain);
  }
  return p;
}

bool ViewerLessonStage::stillPending(const Pending& p, bool load) const {
  if (!p.active)
    return false;
  const Snapshot& s = m_session.snapshot();
  if (!s)
    return true;
  if (s->errorCount > p.errorCount)
    return false;  // refused: the status line shows why
  return load ? s->modelVersion == p.modelVersion
              : ui::traceOf(s.get(), p.chain) == p.trace;
}

bool ViewerLessonStage::busy() const {
  const Snapshot& s = m_session.snapshot();
  if (!s || s->state == RunState::Loading || s->revisionRunning)
    return true;
  return stillPending(m_load, true) || stillPending(m_run, false);
}

void ViewerLessonStage::loadModel(const std::string& checkpointPath) {
  m_run = {};
  m_load = {};
  const Pending before = mark({});
  if (m_session.loadCheckpoint(checkpointPath))
    m_load = before;  // busy until the new model shows (a refused file: the log says why)
}

std::string ViewerLessonStage::setChainSettings(const std::string& chain,
                                                const SettingValues& v) {
  return m_session.applySettings(chain, v);
}

void ViewerLessonStage::runChain(const std::string& chain, int chains, uint64_t seed,
                                 const std::string& init) {
  m_run = mark(chain);
  m_session.runChain(chain, chains, seed, init);
}

void ViewerLessonStage::pinTrace(const std::string& label) {
  m_session.pin(label);
}

void ViewerLessonStage::moveCursor(long step) {
  if (step < 0)
    m_session.cursor().follow();
  else
    m_session.cursor().set(int(step));
}

void ViewerLessonStage::showPanel(const std::string& panel) {
  // The centre always shows the data chain (landscape or strips, the latent chain's strips
  // under them) and the level bar: those panels need only the curves or the level raised.
  m_view.note.clear();
  if (panel == "energy")
    m_view.curve = "Energy";
  else if (panel == "mse")
    m_view.curve = "MSE";
  else if (panel == "levels")
    m_view.followLevel = true;
  else if (panel != "landscape" && panel != "samples" && panel != "latent")
    m_view.note = "The \"" + panel + "\" panel is ebm-lab's (the viewer has none): open this "
                  "lesson in ebm-lab to see it.";
}

} // namespace ebm::viewer
