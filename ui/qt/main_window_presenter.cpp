// MainWindow's presentation: presenter mode (F11: full screen, larger fonts, the controls and
// the log out of the way), one panel maximised at a time (M), and the themes (light, dark,
// high contrast) that also recolour the plots. Choices are remembered (QSettings).
#include "main_window.h"

#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QMenu>
#include <QSettings>

namespace ebm::ui {
namespace {

constexpr double kPresenterFontScale = 1.5;

} // namespace

void MainWindow::buildPresenterActions(QMenu* view) {
  view->addSeparator();
  m_presenterAction = view->addAction(tr("&Presenter mode"));
  m_presenterAction->setCheckable(true);
  m_presenterAction->setShortcut(QKeySequence(Qt::Key_F11));
  m_presenterAction->setToolTip(tr("Full screen, large fonts, controls and log hidden (F11)"));
  connect(m_presenterAction, &QAction::toggled, this, &MainWindow::setPresenterMode);
  addAction(m_presenterAction);
  auto* maximise = view->addAction(tr("&Maximise the current panel"), this,
                                   &MainWindow::toggleMaximisedPanel);
  maximise->setShortcut(QKeySequence(Qt::Key_M));
  addAction(maximise);
  auto* themes = view->addMenu(tr("&Theme"));
  auto* group = new QActionGroup(this);
  const QString current = QSettings().value("view/theme", "light").toString();
  for (const QString& name : themeNames()) {
    auto* a = themes->addAction(name);
    a->setCheckable(true);
    a->setChecked(name == current);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [this, name] { setTheme(name); });
  }
  m_baseFontSize = QApplication::font().pointSizeF();
  if (current != "light")
    setTheme(current);
}

void MainWindow::setTheme(const QString& name) {
  applyTheme(name);
  recolourPlots(this);
  m_theme = name;
  QSettings().setValue("view/theme", name);
}

void MainWindow::setPresenterMode(bool on) {
  if (on == m_presenter)
    return;
  m_presenter = on;
  if (m_presenterAction->isChecked() != on)
    m_presenterAction->setChecked(on);
  QFont f = QApplication::font();
  f.setPointSizeF(on ? m_baseFontSize * kPresenterFontScale : m_baseFontSize);
  QApplication::setFont(f);
  // The class watches the chains and curves; the lecturer drives from the toolbar and keys.
  for (const char* name : {"dock.controls", "dock.log"})
    if (auto* d = dock(name))
      d->setVisible(!on);
  if (on)
    showFullScreen();
  else
    showNormal();
  recolourPlots(this);
  log(on ? tr("presenter mode: F11 leaves it, M maximises the panel you are in")
         : tr("presenter mode off"));
}

void MainWindow::toggleMaximisedPanel() {
  // The panel that holds the keyboard focus, else the data-space chain.
  QDockWidget* target = m_dataDock;
  for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget())
    if (auto* d = qobject_cast<QDockWidget*>(w)) {
      target = d;
      break;
    }
  toggleMaximised(target);
}

void MainWindow::maximisePanel(const QString& objectName) {
  if (QDockWidget* d = dock(objectName))
    toggleMaximised(d);
}

void MainWindow::toggleMaximised(QDockWidget* target) {
  if (!m_beforeMaximise.isEmpty()) {
    restoreState(m_beforeMaximise);
    m_beforeMaximise.clear();
    return;
  }
  m_beforeMaximise = saveState();
  for (auto* d : m_docks)
    d->setVisible(d == target);
  target->raise();
}

} // namespace ebm::ui
