// MainWindow's models: open a checkpoint in a new session, create one from a preset, load a
// checkpoint into the running session, and the session options every new session gets. Each
// way of replacing the model (and closing the window) asks first when training would be lost;
// autosaves that a run left newer than its checkpoint are offered in the Model box at start.
#include "main_window.h"

#include "autosave_finder.h"
#include "checkpoint_info.h"
#include "controls_panel.h"
#include "unsaved_training_guard.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace ebm::ui {
namespace {

constexpr double kDefaultAutosaveMinutes = 10;

QString fileName(const QString& path) {
  return QFileInfo(path).fileName();
}

} // namespace

void MainWindow::forgetModel() {
  // The next snapshot of a ready model rebuilds the controls and revises afresh.
  m_configLoaded = false;
  m_repeat.reset();
}

void MainWindow::openCheckpoint(const QString& given) {
  const QString path = QFileInfo(given).absoluteFilePath();
  m_guard->whenSafe(tr("opening %1").arg(fileName(path)), [this, path] { openSession(path); },
                    [this] { restoreModelChoice(); });
}

void MainWindow::openSession(const QString& path) {
  forgetModel();
  setShownTraces(nullptr, nullptr);
  log(tr("opening %1").arg(path));
  m_host->open(baseConfig(), sessionOptions(path));
  m_controls->selectModel(path);
}

void MainWindow::newFromPreset(const QString& name) {
  RunConfig cfg;
  try {
    cfg = RunConfig::fromPreset(name.toStdString());
  } catch (const std::exception& e) {
    onError(QString::fromUtf8(e.what()));
    return;
  }
  cfg.runtime.device = m_options.device.toStdString();
  cfg.runtime.threads = m_options.threads;
  const QString data = m_controls->dataChoice();
  if (data.startsWith("path:")) {
    cfg.data.path = data.mid(5).toStdString();
  } else if (!data.isEmpty()) {
    if (cfg.data.kind != "toy2d") {
      onError(tr("preset %1 models images; a 2-D data set needs a 2-D preset such as toy2d")
                  .arg(name));
      return;
    }
    cfg.data.toy = data.toStdString();
  }
  m_guard->whenSafe(tr("creating a new %1 model").arg(name), [this, cfg, name] {
    forgetModel();
    log(tr("new model from preset %1").arg(name));
    m_host->open(cfg, sessionOptions(QString()));
  });
}

void MainWindow::loadCheckpoint(const QString& given) {
  if (given.isEmpty())
    return;
  const QString path = QFileInfo(given).absoluteFilePath();
  const Snapshot snap = m_host->current();
  if (isLoaded(path) && unsavedIterations(*snap) == 0) {
    log(tr("%1 is the model loaded; nothing to reload").arg(fileName(path)));
    return;
  }
  m_guard->whenSafe(tr("loading %1").arg(fileName(path)), [this, path] {
    if (!m_host->hasSession() || !m_host->current() ||
        m_host->current()->state == RunState::Failed) {
      openSession(path);
      return;
    }
    log(tr("loading %1").arg(path));
    forgetModel();
    m_host->post(cmd::LoadCheckpoint{path.toStdString()});
  }, [this] { restoreModelChoice(); });
}

bool MainWindow::isLoaded(const QString& path) const {
  // A diverged model is not the file it came from: loading the last good checkpoint reloads.
  const Snapshot snap = m_host->current();
  if (!snap || snap->checkpointPath.empty() || snap->state == RunState::Loading ||
      snap->state == RunState::Failed || snap->state == RunState::Diverged)
    return false;
  return QFileInfo(QString::fromStdString(snap->checkpointPath)).absoluteFilePath() == path;
}

void MainWindow::restoreModelChoice() {
  // The Model box shows the model that is loaded, not the one whose loading was cancelled.
  if (const Snapshot snap = m_host->current(); snap && !snap->checkpointPath.empty())
    m_controls->selectModel(
        QFileInfo(QString::fromStdString(snap->checkpointPath)).absoluteFilePath());
}

bool MainWindow::confirmClose() {
  // True when the window may close now; otherwise it closes after the question is answered.
  const Snapshot snap = m_host->current();
  if (m_closeConfirmed || !snap || unsavedIterations(*snap) == 0)
    return true;
  m_guard->whenSafe(tr("closing EBM Lab"), [this] {
    m_closeConfirmed = true;
    close();
  });
  return false;
}

void MainWindow::offerAutosaves() {
  for (const auto& offer : findNewerAutosaves(sessionOptions(QString()).runDir)) {
    const QString path = QString::fromStdString(offer.path);
    const QString run = QString::fromStdString(offer.run);
    long iteration = 0;
    try {
      iteration = readCheckpointInfo(offer.path).iteration;
    } catch (const std::exception& e) {
      log(tr("autosave %1 cannot be read: %2").arg(path, QString::fromUtf8(e.what())));
      continue;
    }
    m_controls->addModel(tr("%1 autosave, iteration %2").arg(run).arg(iteration), path);
    log(tr("%1: autosave at iteration %2, newer than the run's checkpoint (in the Model box)")
            .arg(run)
            .arg(iteration));
  }
}

void MainWindow::setAutosaveMinutes(double minutes) {
  minutes = std::max(0.0, minutes);
  QSettings().setValue("autosave/minutes", minutes);
  m_host->setAutosaveSeconds(60.0 * minutes);
  for (auto* a : m_autosaveActions)
    a->setChecked(a->data().toDouble() == minutes);
}

double MainWindow::autosaveMinutes() const {
  return QSettings().value("autosave/minutes", kDefaultAutosaveMinutes).toDouble();
}

RunConfig MainWindow::baseConfig() const {
  RunConfig c;
  c.runtime.device = m_options.device.toStdString();
  c.runtime.threads = m_options.threads;
  return c;
}

SessionOptions MainWindow::sessionOptions(const QString& checkpoint) const {
  SessionOptions o;
  o.checkpoint = checkpoint.toStdString();
  QString dir = m_options.runDir;
  if (dir.isEmpty())
    dir = QDir::current().filePath("runs/gui-" +
                                   QDateTime::currentDateTime().toString("yyyyMMdd-hhmmss"));
  o.runDir = dir.toStdString();
  o.workerNice = 10;  // the window keeps its CPU share while the core computes
  o.autosaveSeconds = 60.0 * autosaveMinutes();
  return o;
}

} // namespace ebm::ui
