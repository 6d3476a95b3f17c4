// InputPolicy: where keys and the mouse wheel go in a main window, as one application event
// filter installed once per window. The window's shortcuts (Space, `,` `.`, Home / End, a
// chain's letter, Ctrl+Space, F1, ...) work everywhere in it except for the keys a focused text
// field consumes: digits, sign, decimal point and editing keys in a spin box, every character
// in a line edit. Esc leaves a field (a spin box drops what was typed and not committed), Enter
// commits and leaves, and a click on a view that takes no focus leaves it too; leaving gives the
// focus back to the window. Spin boxes, combo boxes and sliders take the wheel only while they
// have the focus, so scrolling a panel never changes a parameter. Dialogs keep Qt's own
// behaviour. GUI thread only.
#pragma once

#include <QObject>
#include <QPointer>

class QKeyEvent;
class QWheelEvent;
class QWidget;

namespace ebm::ui {

class InputPolicy : public QObject {
  Q_OBJECT
public:
  /// Filters the application's events for `window` and its docks (floating ones too); owned by
  /// `window`, so the filter goes away with it.
  explicit InputPolicy(QWidget* window);

  bool eventFilter(QObject* watched, QEvent* event) override;

  /// Takes the focus from the focused field and gives it to the window.
  void leaveField();

private:
  bool inWindow(const QWidget* w) const;
  bool shortcutOverride(QKeyEvent* e);
  bool keyPress(QWidget* receiver, QKeyEvent* e);
  bool wheel(QWidget* receiver, QWheelEvent* e);
  void mousePress(QWidget* receiver);

  QPointer<QWidget> m_window;
};

} // namespace ebm::ui
