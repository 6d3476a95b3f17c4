#include "viewer_lesson_stage.h"

#include "viewer_session.h"

namespace ebm::viewer {

bool ViewerLessonStage::busy() const {
  return m_progress.busy(m_session.snapshot().get());
}

void ViewerLessonStage::loadModel(const std::string& checkpointPath) {
  m_progress.clear();
  const Snapshot before = m_session.snapshot();  // held: the load replaces the session's
  if (m_session.loadCheckpoint(checkpointPath))
    m_progress.loadPosted(before.get());  // busy until the new model shows (refused: the log)
}

std::string ViewerLessonStage::setChainSettings(const std::string& chain,
                                                const SettingValues& v) {
  return m_session.applySettings(chain, v);
}

void ViewerLessonStage::runChain(const std::string& chain, int chains, uint64_t seed,
                                 const std::string& init) {
  m_progress.runPosted(m_session.snapshot().get(), chain);
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
