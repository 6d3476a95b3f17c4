// MainWindow's models: open a checkpoint in a new session, create one from a preset, load a
// checkpoint into the running session, and the session options every new session gets.
#include "main_window.h"

#include "controls_panel.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

namespace ebm::ui {

void MainWindow::forgetModel() {
  // The next snapshot of a ready model rebuilds the controls and revises afresh.
  m_configLoaded = false;
  m_repeat.reset();
}

void MainWindow::openCheckpoint(const QString& given) {
  const QString path = QFileInfo(given).absoluteFilePath();
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
  forgetModel();
  log(tr("new model from preset %1").arg(name));
  m_host->open(cfg, sessionOptions(QString()));
}

void MainWindow::loadCheckpoint(const QString& given) {
  if (given.isEmpty())
    return;
  const QString path = QFileInfo(given).absoluteFilePath();
  if (!m_host->hasSession() || !m_snap || m_snap->state == RunState::Failed) {
    openCheckpoint(path);
    return;
  }
  log(tr("loading %1").arg(path));
  forgetModel();
  m_host->post(cmd::LoadCheckpoint{path.toStdString()});
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
  return o;
}

} // namespace ebm::ui
