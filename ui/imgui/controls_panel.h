// The Controls column: the model (shipped checkpoints, a path to load, save), training (start,
// pause, step, stop), revisions (run every chain, stop, Repeat, chain speed, pin) and one group
// per chain of the loaded method, generated from its ChainSpec: its settings live, how many
// chains, the start, the seed and a Run button. GUI thread; ImGui.
#pragma once

#include <string>

namespace ebm::viewer {

class ViewerSession;

class ControlsPanel {
public:
  /// Draws the panel into the current ImGui window.
  void draw(ViewerSession& session);
  /// The next frame puts the keyboard in the checkpoint path field (Ctrl+O).
  void focusPath() { m_focusPath = true; }

private:
  void drawModel(ViewerSession& session);
  void drawTraining(ViewerSession& session);
  void drawRevisions(ViewerSession& session);
  void drawChains(ViewerSession& session);

  std::string m_path;  // the checkpoint path being typed
  bool m_focusPath = false;
};

} // namespace ebm::viewer
