// ViewerLessonStage: ebm-viewer's LessonStage. It maps a lesson's actions onto ViewerSession
// (load a checkpoint, set a chain's live settings, run a chain, pin, move the step cursor) and a
// panel onto what the viewer's fixed layout shows (LessonView, read by the frame that draws it);
// a panel the viewer does not have becomes a note in the lesson bar. Busy, as ebm-lab's stage:
// while a model loads, while any chain runs, and until the load or run just posted shows up in a
// snapshot (or is refused with an error). GUI thread only; draws nothing.
#pragma once

#include "lesson_player.h"
#include "lesson_progress.h"

#include <string>

namespace ebm::viewer {

class ViewerSession;

/// What a lesson asked the views to show; the frame applies and clears the requests.
struct LessonView {
  std::string curve;         // "Energy" or "MSE": the curve tab to raise ("" none)
  bool followLevel = false;  // the landscape's level follows the ladder chain again
  std::string note;          // a panel the viewer does not have, said in the lesson bar
};

class ViewerLessonStage : public ui::LessonStage {
public:
  ViewerLessonStage(ViewerSession& session, LessonView& view) : m_session(session), m_view(view) {}

  void loadModel(const std::string& checkpointPath) override;
  std::string setChainSettings(const std::string& chain, const SettingValues& v) override;
  void runChain(const std::string& chain, int chains, uint64_t seed,
                const std::string& init) override;
  void pinTrace(const std::string& label) override;
  void moveCursor(long step) override;
  void showPanel(const std::string& panel) override;
  bool busy() const override;

private:
  ViewerSession& m_session;
  LessonView& m_view;
  ui::LessonProgress m_progress;
};

} // namespace ebm::viewer
