// MainWindow following a run folder that trains elsewhere (File > Follow run folder): the
// policy of when its checkpoint is due is ui/common's RunFollower; here a due checkpoint is
// loaded into the session when nothing trained here would be lost, and put off otherwise.
#include "main_window.h"

#include <QFileInfo>

namespace ebm::ui {

QString MainWindow::followRun(const QString& folder) {
  if (folder.isEmpty()) {
    if (m_follower.active())
      log(tr("stopped following %1").arg(QString::fromStdString(m_follower.folder())));
    m_follower.stop();
    m_followTimer.stop();
    if (m_unfollowAction)
      m_unfollowAction->setEnabled(false);
    return {};
  }
  const QString path = QFileInfo(folder).absoluteFilePath();
  if (const std::string why = m_follower.follow(path.toStdString()); !why.empty())
    return QString::fromStdString(why);
  if (m_unfollowAction)
    m_unfollowAction->setEnabled(true);
  if (!m_followTimer.isActive()) {  // an idle session publishes nothing: look on a timer
    m_followTimer.disconnect();
    connect(&m_followTimer, &QTimer::timeout, this, [this] {
      if (const Snapshot s = m_host->current())
        checkFollowedRun(*s);
    });
    m_followTimer.start(int(RunFollower::kCheckEveryMs / 4));
  }
  log(tr("following %1: its checkpoint loads here whenever it changes").arg(path));
  return {};
}

void MainWindow::checkFollowedRun(const SessionSnapshot& snap) {
  const auto due = m_follower.due(nowMs());
  if (!due)
    return;
  // Training here, or iterations not saved, would be lost: the followed checkpoint waits.
  if (snap.state == RunState::Training || snap.state == RunState::Loading ||
      unsavedIterations(snap) > 0) {
    m_follower.retry();
    return;
  }
  const QString path = QString::fromStdString(*due);
  log(tr("following: %1 changed; loading it").arg(path));
  if (!m_host->hasSession() || snap.state == RunState::Failed) {
    openSession(path);
    return;
  }
  forgetModel();
  m_host->post(cmd::StopRevision{});  // a paced revision of the old model would hold the load up
  m_host->post(cmd::LoadCheckpoint{*due});
}

} // namespace ebm::ui
