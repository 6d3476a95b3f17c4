// MainWindow's share of the step cursor: ui/common's StepCursor decides where it is; this
// file hands that step to every view of the shown traces and drives playback with a timer.
#include "main_window.h"

#include "chain_insight_bar.h"
#include "curve_plot.h"
#include "image_grid_view.h"
#include "landscape_view.h"
#include "latent_plane.h"

namespace ebm::ui {

void MainWindow::setShownTraces(std::shared_ptr<const Trace> data,
                                std::shared_ptr<const Trace> latent) {
  m_shownData = std::move(data);
  m_shownLatent = std::move(latent);
  m_cursor.setTraces({m_shownData, m_shownLatent});
}

void MainWindow::showCursor() {
  // The grids and plots mark the shown step; the point views draw the live end when following.
  const int shown = m_cursor.shownStep();
  m_xGrid->setCursorStep(shown);
  m_zGrid->setCursorStep(shown);
  m_landscape->setCursorStep(m_cursor.step());
  m_latent->setCursorStep(m_cursor.step());
  m_energy->setCursor(shown);
  m_mse->setCursor(shown);
  m_dataInsight->show(m_shownData, m_cursor.step());
  showCursorLevel();
  m_latentInsight->show(m_shownLatent, m_cursor.step());
  if (m_snap)
    updateToolbar(*m_snap);
}

void MainWindow::setCursorStep(int step) {
  m_cursor.set(step);
  showCursor();
}

void MainWindow::stepCursor(int delta) {
  m_cursor.stepBy(delta);
  showCursor();
}

void MainWindow::togglePlayback() {
  m_cursor.togglePlayback();
  if (m_cursor.playing())
    m_playback.start(m_cursor.intervalMs());
  else
    m_playback.stop();
  showCursor();
}

void MainWindow::playbackTick() {
  if (!m_cursor.tick())
    m_playback.stop();
  showCursor();
}

} // namespace ebm::ui
