// MainWindow: composes the panels (docks with objectNames, layout saved and restored), menus and
// status bar, and routes session snapshots to the panels; one file per duty (main_window_*.cpp).
// The policies behind it (step cursor, repeat, landscape refresh, GIF frames) are ui/common's.
// It never touches a tensor: everything goes through SessionHost. GUI thread only.
#pragma once

#include "landscape_refresh.h"
#include "revision_repeat.h"
#include "session_host.h"
#include "step_cursor.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <string>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QMessageBox;
class QPlainTextEdit;
class QStackedWidget;

namespace ebm::ui {

class ControlsPanel;
class CurvePlot;
class InpaintPanel;
class InterpolationPanel;
class ImageGridView;
class LandscapeView;
class LatentPlane;
class LossPanel;

struct AppOptions {
  QString checkpoint;     // open this checkpoint at start ("" = the shipped fmnist-small)
  QString preset;         // or a new model from this preset
  QString runDir;         // where checkpoints and the effective config go
  QString device = "auto";
  int threads = 0;
  bool autoRevise = true; // start x- and z-revisions as soon as a model is loaded
  bool restoreLayout = true;
};

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(const AppOptions& options, QWidget* parent = nullptr);
  ~MainWindow() override;

  SessionHost& host() { return *m_host; }
  ControlsPanel* controls() const { return m_controls; }
  LandscapeView* landscapeView() const { return m_landscape; }
  ImageGridView* xGrid() const { return m_xGrid; }
  CurvePlot* energyPlot() const { return m_energy; }
  CurvePlot* msePlot() const { return m_mse; }
  LossPanel* lossPanel() const { return m_losses; }
  InpaintPanel* inpaintPanel() const { return m_inpaint; }
  InterpolationPanel* interpolationPanel() const { return m_interp; }
  /// Shows a dock and raises it in its tab group.
  void showPanel(const QString& objectName);
  int cursorStep() const { return m_cursor.step(); }
  QString statusText() const;
  QString lastErrorShown() const { return m_lastError; }

  /// Opens a checkpoint in a new session (errors arrive as snapshots, never as exceptions).
  void openCheckpoint(const QString& path);
  void newFromPreset(const QString& name);
  /// Loads a checkpoint into the running session (a bad file leaves the model as it was).
  void loadCheckpoint(const QString& path);
  void resetLayout();
  /// Writes the current x-trajectory as an animated GIF (one frame per snapshot); errors are
  /// reported like any other. Returns false if nothing was written.
  bool writeTrajectoryGif(const QString& path);
  void setCursorStep(int step);  // -1: follow the live chain

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  // Composition (main_window.cpp).
  QDockWidget* addPanel(const QString& title, const QString& objectName, QWidget* widget,
                        Qt::DockWidgetArea area);
  QDockWidget* dock(const QString& objectName) const;
  void buildDocks();
  void buildControlsDock();
  void buildChainDocks();
  void buildPlotDocks();
  void buildLogDock();
  void buildToolDocks();
  void arrangeDocks();
  void connectViews();
  void connectToolPanels();
  void connectControls();
  void buildStatusBar();
  void restoreWindowLayout();
  void startTimers();
  QString offerShippedModels();
  void log(const QString& line);
  void onError(const QString& message);

  // Menus (main_window_menus.cpp).
  void buildMenus();
  void buildFileMenu();
  void buildExportMenu(QMenu* file);
  void buildRunMenu();
  void buildViewMenu();
  void buildHelpMenu();
  void buildPlaybackKeys();
  void toggleTraining();
  void showShortcutSheet();
  void rebuildChainActions(const MethodInfo& info);
  void addRecent(const QString& path);
  void rebuildRecentMenu();

  // Exports (main_window_exports.cpp).
  QString chooseSavePath(const QString& title, const QString& suggested, const QString& filter);
  void exportPanelPng(QWidget* widget, const QString& name);
  template <class Panel>  // CurvePlot or LossPanel
  void exportCsv(Panel* panel, const QString& name);
  void exportTrajectoryGif();
  void exportInterpolationPng();
  void exportInterpolationGif();

  // Models (main_window_models.cpp).
  void forgetModel();
  SessionOptions sessionOptions(const QString& checkpoint) const;
  RunConfig baseConfig() const;

  // Snapshot routing (main_window_snapshots.cpp).
  void onSnapshot(const Snapshot& snap);
  void adoptMethod(const SessionSnapshot& snap);
  void applyTraces(const SessionSnapshot& snap);
  void showDataTrace(const SessionSnapshot& snap);
  void showLatentTrace(const SessionSnapshot& snap);
  void showLossesAndLandscape(const SessionSnapshot& snap);
  void showMessage(const SessionSnapshot& snap);
  void offerLastGoodCheckpoint(const SessionSnapshot& snap);
  void showInterpolationPath(const SessionSnapshot& snap);
  void updateStatus(const SessionSnapshot& snap);
  void postDueRequests(const SessionSnapshot& snap);
  std::vector<cmd::RunChain> revisionRuns() const;
  void startRevisions();
  void maybeRepeat(const SessionSnapshot& snap);
  int64_t nowMs() const { return m_clock.elapsed(); }

  // The shared step cursor (main_window_cursor.cpp).
  void setShownTraces(std::shared_ptr<const Trace> data, std::shared_ptr<const Trace> latent);
  void showCursor();
  void stepCursor(int delta);
  void togglePlayback();
  void playbackTick();

  AppOptions m_options;
  SessionHost* m_host = nullptr;
  ControlsPanel* m_controls = nullptr;
  QStackedWidget* m_xStack = nullptr;
  QStackedWidget* m_zStack = nullptr;
  ImageGridView* m_xGrid = nullptr;
  ImageGridView* m_zGrid = nullptr;
  LandscapeView* m_landscape = nullptr;
  LatentPlane* m_latent = nullptr;
  CurvePlot* m_energy = nullptr;
  CurvePlot* m_mse = nullptr;
  LossPanel* m_losses = nullptr;
  QPlainTextEdit* m_log = nullptr;
  InpaintPanel* m_inpaint = nullptr;
  InterpolationPanel* m_interp = nullptr;
  std::shared_ptr<const InterpolationResult> m_shownInterp;
  QList<QDockWidget*> m_docks;
  QDockWidget* m_dataDock = nullptr;
  QDockWidget* m_latentDock = nullptr;
  QMenu* m_runMenu = nullptr;
  QAction* m_chainActionsAt = nullptr;
  QList<QAction*> m_chainActions;
  QMenu* m_viewMenu = nullptr;
  QMenu* m_recentMenu = nullptr;
  QByteArray m_defaultState;
  QLabel *m_stateLabel = nullptr, *m_iterLabel = nullptr, *m_rateLabel = nullptr,
         *m_deviceLabel = nullptr, *m_memLabel = nullptr, *m_msgLabel = nullptr;
  QPointer<QMessageBox> m_divergedBox;

  Snapshot m_snap;
  std::string m_dataChain, m_latentChain;  // the chains the two chain views show
  std::shared_ptr<const Trace> m_shownData, m_shownLatent;
  std::shared_ptr<const LossHistory> m_shownLosses;
  std::shared_ptr<const Landscape> m_shownLandscape;
  std::string m_lastMessage;
  QStringList m_recentMessages;
  QString m_lastError;
  RunState m_lastState = RunState::Loading;
  bool m_configLoaded = false;
  QElapsedTimer m_clock;  // the policies' time base (ms)
  StepCursor m_cursor;
  QTimer m_playback;
  RevisionRepeat m_repeat;
  LandscapeRefresh m_landscapeRefresh;
};

} // namespace ebm::ui
