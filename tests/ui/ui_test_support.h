// Shared helpers of the GUI tests: a scratch folder and an event loop that runs until a
// condition holds (the tests drive the real window; they never block its thread otherwise).
#pragma once

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QString>
#include <QThread>

#include <functional>

#ifndef EBM_TEST_TMP
#error "EBM_TEST_TMP must name a scratch directory"
#endif

namespace ebm::ui::test {

inline QString tmpPath(const QString& name) {
  QDir().mkpath(QString(EBM_TEST_TMP) + "/ui");
  return QString(EBM_TEST_TMP) + "/ui/" + name;
}

/// Runs the event loop until pred() holds or the time is up; returns pred().
inline bool waitFor(const std::function<bool()>& pred, double seconds) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < seconds * 1000) {
    QApplication::processEvents(QEventLoop::AllEvents, 20);
    if (pred())
      return true;
    QThread::msleep(5);
  }
  return pred();
}

} // namespace ebm::ui::test
