// Shared helpers of the GUI tests: a scratch folder and an event loop that runs until a
// condition holds (the tests drive the real window; they never block its thread otherwise).
#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QDateTime>
#include <QTest>
#include <QDir>
#include <QElapsedTimer>
#include <QString>
#include <QThread>

#include "main_window.h"
#include "session.h"

#include <functional>
#include <memory>

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

/// Options of a test window: a fresh run folder named after `run`, no automatic revisions, the
/// default layout rather than the user's saved one.
inline AppOptions windowOptions(const QString& run) {
  AppOptions o;
  o.runDir = tmpPath(run + "-" + QString::number(QDateTime::currentMSecsSinceEpoch()));
  o.autoRevise = false;
  o.restoreLayout = false;
  return o;
}

/// A main window opened with `o`, shown.
inline std::unique_ptr<MainWindow> showWindow(const AppOptions& o) {
  auto w = std::make_unique<MainWindow>(o);
  w->show();
  return w;
}

/// Clicks `button` once the window has enabled it (it follows the snapshots at ~30 Hz, so right
/// after a command it may still show the state before); returns false if it never was.
inline bool clickWhenEnabled(QAbstractButton* button, double seconds = 10) {
  if (!waitFor([&] { return button->isEnabled(); }, seconds))
    return false;
  QTest::mouseClick(button, Qt::LeftButton);
  return true;
}

/// The latest trace of the method's chain named `chain` (nullptr when none yet).
inline std::shared_ptr<const Trace> traceOf(const SessionSnapshot& s, const std::string& chain) {
  auto it = s.chains.find(chain);
  return it == s.chains.end() ? nullptr : it->second.trace;
}
inline std::shared_ptr<const Trace> xTraceOf(const SessionSnapshot& s) { return traceOf(s, "x"); }

} // namespace ebm::ui::test
