// LatentPlane: for a 2-D latent space, the z-chains' posterior trajectories in the latent
// plane (QCustomPlot): the start of each chain (inference model or noise), its path, and its
// position at the shared step cursor. GUI thread only.
#pragma once

#include "trace.h"

#include <QWidget>

#include <memory>

class QCustomPlot;
class QCPItemText;

namespace ebm::ui {

class LatentPlane : public QWidget {
  Q_OBJECT
public:
  explicit LatentPlane(QWidget* parent = nullptr);
  void setTrace(std::shared_ptr<const Trace> trace);
  void setCursorStep(int step);
  /// What the empty plane says (e.g. that the loaded method has no latent chain).
  void setPlaceholder(const QString& text);
  QCustomPlot* plot() const { return m_plot; }

private:
  void redraw();
  QCustomPlot* m_plot = nullptr;
  QCPItemText* m_note = nullptr;
  QString m_placeholder;
  std::shared_ptr<const Trace> m_trace;
  int m_cursorStep = -1;
};

} // namespace ebm::ui
