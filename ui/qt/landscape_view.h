// LandscapeView: the 2-D energy-landscape lab. An OpenGL view (drawn by ui/gl's
// LandscapeRenderer, the renderer the viewer uses too) of E(x) as
// a viridis heatmap with the true density's contour lines, a held-out sample of the data as
// dots, and the x-chains drawn as moving particles with fading tails up to the shared step
// cursor; chain starts are rings, current positions discs. Around it (landscape_overlay) the
// axes, the colour bar, the caption and a legend; chains outside the view are counted and
// marked at the border. The view fits the data and the chains when a model loads, on F or
// "Fit view"; the wheel zooms, a drag pans, Esc goes back to the fitted view; when the view
// shows more than the landscape covers it asks for a new one (landscapeRangeWanted). GL
// resources are created in initializeGL and released when the context is about to be
// destroyed; shader build errors are shown in the view. Its teaching tools (drift/noise arrows
// on selected particles, clicked chain starts, the position histogram) are landscape_tools'; a
// click (a press and release without a drag) goes to them. GUI thread only.
#pragma once

#include "landscape_frame.h"
#include "session.h"

#include <QOpenGLWidget>
#include <QTimer>

#include <memory>
#include <optional>

class QPainter;
class QToolButton;

namespace ebm::gl {
class LandscapeRenderer;
}

namespace ebm::ui {

struct OverlayScene;
class LandscapeTools;

class LandscapeView : public QOpenGLWidget {
  Q_OBJECT
public:
  explicit LandscapeView(QWidget* parent = nullptr);
  ~LandscapeView() override;

  void setLandscape(std::shared_ptr<const Landscape> landscape);
  void setTrace(std::shared_ptr<const Trace> trace);
  void setCursorStep(int step);  // -1: the latest step
  /// A polyline in data space drawn over the landscape (e.g. an interpolation path); its first
  /// point is labelled A, its last B, and a fit includes it.
  void setPath(std::vector<float> xy);
  /// Over a ladder chain (landscape_view_levels.cpp): arrows for the recovery term's pull toward
  /// x~ at the cursor step, and the initializer's proposals (hollow) joined to the chains.
  void setLevelMarks(bool pullArrows, bool proposals);
  bool showsPullArrows() const { return m_pullArrows; }
  /// The factor the pull arrows were lengthened by when last drawn (0: none drawn).
  double pullArrowScale() const { return m_pullScale; }
  /// A new model: its chains go, and the view fits the first data and chains it is shown.
  void beginModel();

  /// The square of the plane shown.
  PlaneRect view() const { return m_view; }
  /// Shows `view` (made square around its centre); a user's choice, so it ends the fitting
  /// that follows a model load.
  void setView(const PlaneRect& view);
  /// Fits the view to the data and the chains shown now (F, "Fit view").
  void fitView();
  /// Back to the last fitted view (Esc).
  void resetView();
  /// The view the last fit chose.
  PlaneRect fittedView() const { return m_fitted; }
  /// Where the data point (x, y) is drawn, in widget coordinates.
  QPointF widgetPosition(double x, double y) const;

  /// The energies the colour bar spans: the lowest and highest of the shown landscape inside
  /// the view (none before a landscape covers any of it).
  std::optional<EnergyRange> colorBarRange() const { return m_energyRange; }
  /// Chains whose position at the cursor step lies outside the view.
  int chainsOutsideView() const;
  /// The bounding box of the landscape's data sample (none without one).
  std::optional<PlaneRect> dataRange() const { return m_dataRange; }
  bool legendVisible() const { return m_legend; }
  void setLegendVisible(bool visible);

  /// The arrows, starts and histogram over the plot.
  LandscapeTools* tools() const { return m_tools; }
  int cursorStep() const { return m_cursorStep; }

  std::shared_ptr<const Trace> trace() const { return m_trace; }
  const std::vector<float>& path() const { return m_path; }
  std::shared_ptr<const Landscape> landscape() const { return m_landscape; }
  /// Empty when the shaders built; otherwise their compile/link log.
  QString glError() const { return m_glError; }
  int landscapeIteration() const { return m_landscape ? int(m_landscape->iteration) : -1; }

  QSize sizeHint() const override { return {520, 440}; }

Q_SIGNALS:
  /// The view shows what the landscape does not cover well: evaluate [lo, hi]^2. Sent once the
  /// view has rested for a moment, not on every wheel tick.
  void landscapeRangeWanted(double lo, double hi);
  /// "Fork here" from the context menu: continue the chain from the cursor's step.
  void forkRequested();

protected:
  void initializeGL() override;
  void paintGL() override;
  void resizeEvent(QResizeEvent* e) override;
  bool event(QEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void contextMenuEvent(QContextMenuEvent* e) override;
  void focusInEvent(QFocusEvent* e) override;
  void focusOutEvent(QFocusEvent* e) override;

private:
  void buildButtons();
  void buildToolsButton();
  void clickAt(QPointF at, bool add);
  bool toolKey(QKeyEvent* e);
  void placeButtons();
  void releaseGl();
  void drawOverlay();
  OverlayScene scene() const;
  QFont overlayFont() const;
  QRect plotRect() const;
  QRect buttonsRect() const;
  void showView(const PlaneRect& view);
  void refitIfFitting();
  void updateEnergyRange();
  void askForRange();
  QString caption() const;
  QString levelCaption() const;
  void paintLevelMarks(QPainter& p);
  void paintPullArrows(QPainter& p);
  void paintProposals(QPainter& p);

  std::shared_ptr<const Landscape> m_landscape;
  std::shared_ptr<const Trace> m_trace;
  std::vector<float> m_path;
  int m_cursorStep = -1;
  std::optional<EnergyRange> m_energyRange;
  std::optional<PlaneRect> m_dataRange;

  PlaneRect m_view{-1.5, 1.5, -1.5, 1.5};
  PlaneRect m_fitted{-1.5, 1.5, -1.5, 1.5};
  bool m_fitting = true;  // after a model load, until a finished trace was fitted or the user
                          // moved the view
  bool m_legend = true;
  bool m_pullArrows = false, m_proposals = false;
  mutable double m_pullScale = 0;
  std::optional<QPoint> m_dragFrom;
  QPoint m_pressAt;      // where the left button went down (a release near it is a click)
  bool m_dragged = false;
  LandscapeTools* m_tools = nullptr;
  QToolButton* m_toolsButton = nullptr;
  QTimer m_rangeTimer;  // the view rested: maybe ask for a landscape covering it
  QToolButton* m_fitButton = nullptr;
  QToolButton* m_legendButton = nullptr;

  std::unique_ptr<gl::LandscapeRenderer> m_renderer;  // while the GL context lives
  QString m_glError;
};

} // namespace ebm::ui
