// MainWindow: composes the panels (docks with objectNames, layout saved and restored), menus and
// status bar, and routes session snapshots to the panels; one file per duty (main_window_*.cpp).
// The policies behind it (step cursor, repeat, landscape refresh, GIF frames) are ui/common's.
// It never touches a tensor: everything goes through SessionHost. GUI thread only.
#pragma once

#include "chain_speed.h"
#include "landscape_refresh.h"
#include "lesson_player.h"
#include "pinned_traces.h"
#include "point_file.h"
#include "revision_repeat.h"
#include "run_follower.h"
#include "session_host.h"
#include "step_cursor.h"
#include "window_lesson_stage.h"

#include <QElapsedTimer>
#include <QImage>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <string>

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QMessageBox;
class QPlainTextEdit;
class QShortcut;
class QStackedWidget;
class QToolBar;

namespace ebm::ui {

class ArenaView;
class ChainInsightBar;
class ComparePanel;
class ControlsPanel;
class CurvePlot;
class GuidancePanel;
class LevelControls;
class LevelStripView;
class UnsavedTrainingGuard;
class InpaintPanel;
class InterpolationPanel;
class ImageGridView;
class LandscapeView;
class LatentPlane;
class LessonBar;
class LossPanel;
class PointEditor;

struct AppOptions {
  QString checkpoint;     // open this checkpoint at start ("" = the shipped fmnist-small)
  QString preset;         // or a new model from this preset
  QString runDir;         // where checkpoints and the effective config go
  QString device = "auto";
  int threads = 0;
  bool autoRevise = true; // start x- and z-revisions as soon as a model is loaded
  bool restoreLayout = true;
  double chainSpeed = -2; // steps/s of revisions and playback (0 = as fast as possible,
                          // kSingleStep); -2: the one chosen last time (QSettings)
  QString follow;         // follow this run folder from the start (File > Follow run folder)
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
  ComparePanel* comparePanel() const { return m_compare; }
  ChainInsightBar* dataInsight() const { return m_dataInsight; }
  ChainInsightBar* latentInsight() const { return m_latentInsight; }
  LevelControls* levelControls() const { return m_levelControls; }
  LevelStripView* levelStrip() const { return m_levelStrip; }
  GuidancePanel* guidancePanel() const { return m_guidance; }
  CurvePlot* levelCurves() const { return m_levelCurves; }
  /// The chain that walks the noise levels ("" when the model has none).
  const std::string& ladderChain() const { return m_ladderChain; }
  QAction* repeatAction() const { return m_repeatAction; }
  /// Revision rounds started by Repeat since the model was loaded.
  uint64_t revisionRounds() const { return m_repeat.rounds(); }
  QAction* pinAction() const { return m_pinAction; }
  QComboBox* chainSpeedBox() const { return m_speedBox; }
  /// The chain speed (steps/s, 0 = as fast as possible, kSingleStep); also the playback speed.
  void setChainSpeed(double stepsPerSecond, bool remember = true);
  double chainSpeed() const { return m_speed.stepsPerSecond(); }
  /// Keeps the shown traces as the comparison the next ones are drawn over, named `label` (""
  /// = their settings); clearPins drops it.
  void pinTraces(const QString& label = {});
  void clearPins();
  bool hasPinnedTrace() const { return m_pinned.data != nullptr; }
  /// Shows a dock and raises it in its tab group.
  void showPanel(const QString& objectName);
  /// The dock alone in the window (M), or the layout before it when a panel is maximised.
  void maximisePanel(const QString& objectName);
  int cursorStep() const { return m_cursor.step(); }
  QString statusText() const;
  QString lastErrorShown() const { return m_lastError; }

  /// Opens a checkpoint in a new session (errors arrive as snapshots, never as exceptions).
  /// These three ask first when training would be lost (UnsavedTrainingGuard).
  void openCheckpoint(const QString& path);
  void newFromPreset(const QString& name);
  /// Loads a checkpoint into the running session (a bad file leaves the model as it was); the
  /// checkpoint already loaded, with nothing unsaved, is not loaded again.
  void loadCheckpoint(const QString& path);
  /// Follows a run folder that trains elsewhere (a cluster job's folder synced here, a
  /// data-parallel job's): its checkpoint is loaded whenever it changes, with the run's
  /// losses.csv up to it, as long as nothing trained here would be lost. "" stops following.
  /// Returns "" or why the folder cannot be followed.
  QString followRun(const QString& folder);
  bool following() const { return m_follower.active(); }
  /// Autosave interval of this and later runs (0 = off), remembered between sessions.
  void setAutosaveMinutes(double minutes);
  double autosaveMinutes() const;
  /// Pauses training from the next Langevin step; the window says "pausing…" until it has.
  void requestPause();
  void resetLayout();
  /// Presenter mode: full screen, fonts x1.5, controls and log hidden (F11).
  void setPresenterMode(bool on);
  bool presenterMode() const { return m_presenter; }
  /// "light", "dark" or "high-contrast"; recolours the plots too.
  void setTheme(const QString& name);
  QString theme() const { return m_theme; }
  /// A panel drawn for a file at the export size (plots re-rendered, grids without the cursor).
  QImage renderForExport(QWidget* widget) const;
  /// Writes the current x-trajectory as an animated GIF (one frame per snapshot); errors are
  /// reported like any other. Returns false if nothing was written.
  bool writeTrajectoryGif(const QString& path);
  void setCursorStep(int step);  // -1: follow the live chain
  /// Continues the shown data chain from its state at the cursor (the snapshot at or before
  /// it) with the settings in force now, the original pinned (K, "Fork here").
  void forkAtCursor();
  QAction* forkAction() const { return m_forkAction; }
  /// The step of the pinned original the last fork started at (-1: no fork pinned).
  int forkStep() const { return m_pinned.forkStep; }

  /// Plays a lesson file (View › Lessons, --lesson) in the lesson bar; a file that does not
  /// parse shows the parser's message there and in the log, and nothing else changes.
  void openLesson(const QString& path);
  /// Ends the lesson (Esc); the model and its settings stay as the lesson left them.
  void endLesson();
  void lessonNext();  // Space / Right while a lesson plays
  void lessonBack();  // Left
  const LessonPlayer& lessonPlayer() const { return m_lesson; }
  LessonBar* lessonBar() const { return m_lessonBar; }

  /// The arena window (2-D models side by side from the same noise), created on first use.
  ArenaView* openArena();
  ArenaView* arena() const { return m_arena; }
  /// The point editor (File › New 2-D data set…), created on first use.
  PointEditor* openPointEditor();
  PointEditor* pointEditor() const { return m_pointEditor; }
  /// A new toy2d model on the user's points (data.kind "points", the CSV written into the run
  /// folder), training at once; asks first when training would be lost.
  void trainOnPoints(const PointFile& points);

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
  void fitToScreen();
  void applyDockProportions();
  void startTimers();
  void offerShippedModels();
  void log(const QString& line);
  void onError(const QString& message);

  // Menus (main_window_menus.cpp).
  void buildMenus();
  void buildFileMenu();
  void buildExportMenu(QMenu* file);
  void buildRunMenu();
  void buildAutosaveMenu(QMenu* run);
  void buildViewMenu();
  void buildHelpMenu();
  void buildPlaybackKeys();

  // Presentation (main_window_presenter.cpp).
  void buildPresenterActions(QMenu* view);
  void toggleMaximisedPanel();
  void toggleMaximised(QDockWidget* target);

  // The run toolbar: training, revisions, repeat, chain speed, playback, pins
  // (main_window_toolbar.cpp).
  void buildRunToolbar();
  void addPlaybackTools(QToolBar* bar);
  void updateToolbar(const SessionSnapshot& snap);
  void showPinned();
  void raiseTemperature(ChainInsightBar* bar, const std::string& chain, double noise);
  void noteSettingEdited();
  void toggleTraining();
  void showShortcutSheet();
  void rebuildChainActions(const MethodInfo& info);
  void addRecent(const QString& path);
  void rebuildRecentMenu();

  // Exports (main_window_exports.cpp).
  QString chooseSavePath(const QString& title, const QString& suggested, const QString& filter);
  void exportPanelPng(QWidget* widget, const QString& name);
  void buildExportSizeMenu(QMenu* exportMenu);
  template <class Panel>  // CurvePlot or LossPanel
  void exportCsv(Panel* panel, const QString& name);
  void exportTrajectoryGif();
  void exportInterpolationPng();
  void exportInterpolationGif();

  // Models (main_window_models.cpp).
  void forgetModel();
  void openSession(const QString& path);
  void checkFollowedRun(const SessionSnapshot& snap);  // main_window_follow.cpp
  bool isLoaded(const QString& path) const;
  void restoreModelChoice();
  bool confirmClose();
  void offerAutosaves();
  SessionOptions sessionOptions(const QString& checkpoint) const;
  RunConfig baseConfig() const;

  // Landscape chain starts and forks (main_window_fork.cpp).
  void connectLandscapeTools();
  void addForkTool(QToolBar* bar);
  cmd::RunChain withPlacedStarts(cmd::RunChain run) const;

  // Snapshot routing (main_window_snapshots.cpp).
  void onSnapshot(const Snapshot& snap);
  void adoptMethod(const SessionSnapshot& snap);
  void applyTraces(const SessionSnapshot& snap);
  void showDataTrace(const SessionSnapshot& snap);
  void showLatentTrace(const SessionSnapshot& snap);
  void plotShownTraces();
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

  // Noise levels of a ladder chain (main_window_levels.cpp).
  void buildLevelDock();
  void adoptLevels(const SessionSnapshot& snap);
  /// Shows or hides the latent chain and its MSE plot (hidden for a model without one).
  void showLatentDocks(bool shown);
  void showLadder(const SessionSnapshot& snap);
  void showCursorLevel();
  // 2-D tools: the arena and the point editor (main_window_2d.cpp).
  void startTrainingOnPoints(const PointFile& points);

  // Lessons (main_window_lessons.cpp); WindowLessonStage does a lesson's actions through these.
  friend class WindowLessonStage;
  void buildLessonMenu(QMenu* view);
  void buildLessonBar();
  void buildLessonKeys();
  void lessonTick();
  void showLessonState();
  void lessonLog(const QString& line) { log(line); }
  void showLessonSettings(const std::string& chain, const SettingValues& values);
  void lessonRunChain(const std::string& chain, int chains, uint64_t seed,
                      const std::string& init);

  // The shared step cursor (main_window_cursor.cpp).
  void setShownTraces(std::shared_ptr<const Trace> data, std::shared_ptr<const Trace> latent);
  void showCursor();
  void stepCursor(int delta);
  void togglePlayback();
  void playbackTick();

  AppOptions m_options;
  SessionHost* m_host = nullptr;
  UnsavedTrainingGuard* m_guard = nullptr;
  bool m_closeConfirmed = false;
  ControlsPanel* m_controls = nullptr;
  QStackedWidget* m_xStack = nullptr;
  QStackedWidget* m_zStack = nullptr;
  ChainInsightBar* m_dataInsight = nullptr;
  ChainInsightBar* m_latentInsight = nullptr;
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
  ComparePanel* m_compare = nullptr;
  std::shared_ptr<const InterpolationResult> m_shownInterp;
  QList<QDockWidget*> m_docks;
  QDockWidget* m_dataDock = nullptr;
  QDockWidget* m_latentDock = nullptr;
  QMenu* m_runMenu = nullptr;
  QAction* m_chainActionsAt = nullptr;
  QList<QAction*> m_chainActions;
  QMenu* m_viewMenu = nullptr;
  QMenu* m_recentMenu = nullptr;
  QList<QAction*> m_autosaveActions;
  QByteArray m_defaultState;
  QLabel *m_stateLabel = nullptr, *m_iterLabel = nullptr, *m_rateLabel = nullptr,
         *m_deviceLabel = nullptr, *m_memLabel = nullptr, *m_msgLabel = nullptr;
  QPointer<QMessageBox> m_divergedBox;
  QAction *m_trainAction = nullptr, *m_runChainsAction = nullptr, *m_stopChainAction = nullptr,
          *m_repeatAction = nullptr, *m_nextStepAction = nullptr, *m_playAction = nullptr,
          *m_pinAction = nullptr, *m_clearPinAction = nullptr;
  QComboBox* m_speedBox = nullptr;
  QLabel* m_stepLabel = nullptr;
  ChainSpeed m_speed;
  QAction* m_presenterAction = nullptr;
  bool m_presenter = false;
  double m_baseFontSize = 10;
  QString m_theme = "light";
  QByteArray m_beforeMaximise;
  QSize m_exportSize{1600, 900};  // the layout before a panel was maximised (empty: none is)
  PinnedTraces m_pinned;  // traces kept on the curves, or a fork's original
  QAction* m_forkAction = nullptr;

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
  RunFollower m_follower;
  QTimer m_followTimer;  // looks at the followed run each second, snapshots or not
  QAction* m_unfollowAction = nullptr;
  LandscapeRefresh m_landscapeRefresh;
  QDockWidget* m_levelDock = nullptr;
  LevelControls* m_levelControls = nullptr;
  LevelStripView* m_levelStrip = nullptr;
  CurvePlot* m_levelCurves = nullptr;
  GuidancePanel* m_guidance = nullptr;
  std::string m_ladderChain;
  std::shared_ptr<const Trace> m_shownLadder;
  int m_levelFollowStep = -2;                  // the cursor step and trace the landscape's
  std::weak_ptr<const Trace> m_levelFollowTrace;  // trace whose level was last followed (a raw
                                                   // pointer could match a new trace at its address)
  ArenaView* m_arena = nullptr;
  PointEditor* m_pointEditor = nullptr;
  LessonPlayer m_lesson;
  WindowLessonStage m_lessonStage{*this};
  LessonBar* m_lessonBar = nullptr;
  QToolBar* m_lessonToolbar = nullptr;
  QList<QShortcut*> m_lessonKeys;  // Right, Left, Esc: enabled only while a lesson is shown
  bool m_lessonHidesLatent = false;  // the lesson never raises the latent chain or its MSE
};

} // namespace ebm::ui
