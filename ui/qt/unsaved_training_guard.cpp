#include "unsaved_training_guard.h"

#include <QMessageBox>
#include <QPushButton>

namespace ebm::ui {

UnsavedTrainingGuard::UnsavedTrainingGuard(SessionHost* host, QWidget* dialogParent)
    : QObject(dialogParent), m_host(host), m_parent(dialogParent) {
  connect(m_host, &SessionHost::snapshotChanged, this, &UnsavedTrainingGuard::onSnapshot);
}

void UnsavedTrainingGuard::whenSafe(const QString& what, Action proceed, Action cancel) {
  if (m_box)  // a newer request replaces an unanswered one, which counts as cancelled
    m_box->reject();
  m_pending.reset();
  const Snapshot snap = m_host->current();
  if (!snap || unsavedIterations(*snap) == 0) {
    proceed();
    return;
  }
  ask(*snap, what, std::move(proceed), std::move(cancel));
}

QMessageBox* UnsavedTrainingGuard::question() const {
  return m_box;
}

void UnsavedTrainingGuard::ask(const SessionSnapshot& snap, const QString& what, Action proceed,
                               Action cancel) {
  const long unsaved = unsavedIterations(snap);
  const QString held = snap.savedIteration > 0
                           ? tr("the last checkpoint holds iteration %1").arg(snap.savedIteration)
                           : tr("no checkpoint holds any of them");
  const QString count = unsaved == 1 ? tr("1 training iteration is not saved")
                                     : tr("%1 training iterations are not saved").arg(unsaved);
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Unsaved training"),
                              tr("%1 (the model is at iteration %2; %3).")
                                  .arg(count)
                                  .arg(snap.iteration)
                                  .arg(held),
                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                              m_parent);
  box->setObjectName("unsavedTraining");
  box->setInformativeText(tr("Save them before %1?").arg(what));
  box->setDefaultButton(QMessageBox::Save);
  box->setEscapeButton(QMessageBox::Cancel);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->button(QMessageBox::Save)->setToolTip(
      tr("Pause training, write the run's checkpoint, then go on"));
  box->button(QMessageBox::Discard)->setToolTip(tr("Go on; the unsaved iterations are lost"));
  connect(box, &QMessageBox::finished, this, [this, box, proceed, cancel](int) {
    const auto answer = box->standardButton(box->clickedButton());
    const Snapshot now = m_host->current();
    if (answer == QMessageBox::Save && now)
      saveThenProceed(*now, proceed, cancel);
    else if (answer == QMessageBox::Discard)
      proceed();
    else if (cancel)
      cancel();
  });
  m_box = box;
  box->open();
}

void UnsavedTrainingGuard::saveThenProceed(const SessionSnapshot& snap, Action proceed,
                                           Action cancel) {
  // Paused first, so the checkpoint holds the last iteration that will ever run here.
  m_pending = std::make_unique<PendingSave>();
  m_pending->proceed = std::move(proceed);
  m_pending->cancel = std::move(cancel);
  m_pending->iteration = snap.iteration;
  m_pending->errorCount = snap.errorCount;
  if (snap.state == RunState::Training)
    m_host->post(cmd::Pause{});
  m_host->post(cmd::SaveCheckpoint{});
}

void UnsavedTrainingGuard::onSnapshot(const Snapshot& snap) {
  if (!m_pending || !snap)
    return;
  if (snap->errorCount > m_pending->errorCount) {
    const auto pending = std::move(m_pending);
    if (pending->cancel)
      pending->cancel();
    Q_EMIT saveFailed(QString::fromStdString(snap->lastError));
    return;
  }
  if (unsavedIterations(*snap) > 0 || snap->savedIteration < m_pending->iteration)
    return;
  const auto pending = std::move(m_pending);
  pending->proceed();
}

} // namespace ebm::ui
