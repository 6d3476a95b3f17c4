// LatentPlane: for a 2-D latent space, the z-chains' posterior trajectories in the latent
// plane (QCustomPlot): the start of each chain (inference model or noise), its path, and its
// position at the shared step cursor. GUI thread only.
#pragma once

#include "trace.h"

#include <QWidget>

#include <memory>

class QCustomPlot;

namespace ebm::ui {

class LatentPlane : public QWidget {
  Q_OBJECT
public:
  explicit LatentPlane(QWidget* parent = nullptr);
  void setTrace(std::shared_ptr<const Trace> trace);
  void setCursorStep(int step);
  QCustomPlot* plot() const { return m_plot; }

private:
  void redraw();
  QCustomPlot* m_plot = nullptr;
  std::shared_ptr<const Trace> m_trace;
  int m_cursorStep = -1;
};

} // namespace ebm::ui
