// CompareParticles: the final particles of each variant of a comparison on 2-D data, overlaid
// in the variants' colours on the model's energy landscape (yellow = low energy, as in the
// landscape view), so where each step size leaves the chains can be seen at a glance. A plain
// QCustomPlot, so it needs no GL and the landscape view stays one per window. GUI thread only.
#pragma once

#include "session.h"

#include <QColor>
#include <QWidget>

#include <memory>
#include <vector>

class QCustomPlot;
class QCPColorMap;
class QCPGraph;

namespace ebm::ui {

class CompareParticles : public QWidget {
  Q_OBJECT
public:
  explicit CompareParticles(QWidget* parent = nullptr);
  /// The energy under the particles (nullptr: none).
  void setLandscape(std::shared_ptr<const Landscape> landscape);
  /// One point set per variant ((x, y) pairs), its colour and name; empty clears.
  void setParticles(const std::vector<std::vector<float>>& points,
                    const std::vector<QColor>& colours, const QStringList& names);
  int shownSets() const { return m_sets; }  // variants drawn (data not counted)
  QCustomPlot* plot() const { return m_plot; }

private:
  void fitAxes();
  void equalUnits();

  QCustomPlot* m_plot = nullptr;
  QCPColorMap* m_map = nullptr;
  QCPGraph* m_data = nullptr;  // the landscape's held-out sample, under the particles
  std::shared_ptr<const Landscape> m_landscape;
  int m_sets = 0;
};

} // namespace ebm::ui
