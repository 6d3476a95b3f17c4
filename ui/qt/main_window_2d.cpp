// MainWindow's 2-D tools: the arena window and the point editor, and a new model trained live on
// the user's points.
#include "main_window.h"

#include "arena_view.h"
#include "point_editor.h"
#include "unsaved_training_guard.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace ebm::ui {
namespace {

constexpr int kPointsBatch = 256;  // the toy2d preset's batch, cut down for small sets

} // namespace

ArenaView* MainWindow::openArena() {
  if (!m_arena) {
    RunConfig base = baseConfig();
    base.runtime.threads = 1;  // four small models: one thread each leaves cores to training
    m_arena = new ArenaView(ArenaView::shippedArenaCandidates(), base, this);
    m_arena->followClock(&host());
    m_arena->resize(size());
    if (m_arena->dataSets().empty())
      log(tr("the arena needs two shipped 2-D models of the same data; none were found"));
  }
  m_arena->show();
  m_arena->raise();
  m_arena->activateWindow();
  return m_arena;
}

PointEditor* MainWindow::openPointEditor() {
  if (!m_pointEditor) {
    m_pointEditor = new PointEditor(this);
    m_pointEditor->resize(std::min(width(), 960), std::min(height(), 680));
    connect(m_pointEditor, &PointEditor::trainRequested, this, &MainWindow::trainOnPoints);
  }
  m_pointEditor->show();
  m_pointEditor->raise();
  m_pointEditor->activateWindow();
  return m_pointEditor;
}

void MainWindow::trainOnPoints(const PointFile& points) {
  m_guard->whenSafe(tr("training on your %1 points").arg(points.size()),
                    [this, points] { startTrainingOnPoints(points); });
}

void MainWindow::startTrainingOnPoints(const PointFile& points) {
  RunConfig cfg;
  SessionOptions options = sessionOptions(QString());
  const QString csv = QDir(QString::fromStdString(options.runDir)).filePath("points.csv");
  try {
    cfg = RunConfig::fromPreset("toy2d");
    QDir().mkpath(QString::fromStdString(options.runDir));
    writePointFile(csv.toStdString(), points);
  } catch (const std::exception& e) {
    onError(QString::fromUtf8(e.what()));
    return;
  }
  cfg.runtime.device = m_options.device.toStdString();
  cfg.runtime.threads = m_options.threads;
  cfg.data.kind = "points";
  cfg.data.path = QFileInfo(csv).absoluteFilePath().toStdString();
  // A tenth is held out; a batch never exceeds the training points.
  const int training = int(points.size()) - int(points.size() + 9) / 10;
  cfg.train.batchSize = std::clamp(training, 2, kPointsBatch);
  forgetModel();
  log(tr("new toy2d model on %1 points (%2)").arg(points.size()).arg(csv));
  m_host->open(cfg, options);
  m_host->post(cmd::StartTraining{});
}

} // namespace ebm::ui
