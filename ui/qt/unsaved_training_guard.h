// UnsavedTrainingGuard: asks before an action would throw away training iterations that no
// checkpoint holds (choosing a model, even the loaded one again, a new model, closing the
// window). Nothing unsaved: the action runs at once. Otherwise a window-modal question (object
// name "unsavedTraining") offers Save (pause, write the run's checkpoint, and run the action once
// a snapshot shows it saved), Discard (run it now) and Cancel (run the caller's undo, e.g. put
// the Model box back). It never blocks the event loop. GUI thread only.
#pragma once

#include "session_host.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

class QMessageBox;
class QWidget;

namespace ebm::ui {

class UnsavedTrainingGuard : public QObject {
  Q_OBJECT
public:
  using Action = std::function<void()>;

  UnsavedTrainingGuard(SessionHost* host, QWidget* dialogParent);

  /// Runs `proceed` when no training would be lost, else asks first. `what` completes "Save them
  /// before …?", e.g. "loading toy2d.safetensors".
  void whenSafe(const QString& what, Action proceed, Action cancel = {});
  /// The open question (nullptr when none): tests click its buttons.
  QMessageBox* question() const;

Q_SIGNALS:
  /// The save that Save asked for failed; the action did not run.
  void saveFailed(const QString& message);

private:
  void ask(const SessionSnapshot& snap, const QString& what, Action proceed, Action cancel);
  void saveThenProceed(const SessionSnapshot& snap, Action proceed, Action cancel);
  void onSnapshot(const Snapshot& snap);

  SessionHost* m_host;
  QWidget* m_parent;
  QPointer<QMessageBox> m_box;
  struct PendingSave {
    Action proceed, cancel;
    long iteration = 0;        // the iteration the checkpoint must hold at least
    uint64_t errorCount = 0;   // a higher count means the save failed
  };
  std::unique_ptr<PendingSave> m_pending;
};

} // namespace ebm::ui
