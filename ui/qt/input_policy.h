// InputPolicy: where keys and the mouse wheel go in a main window, as one application event
// filter installed once per window. The window's shortcuts (Space, `,` `.`, Home / End, a
// chain's letter, Ctrl+Space, F1, ...) work everywhere in it except for the keys a focused text
// field consumes: digits, sign, decimal point and editing keys in a spin box, every character
// in a line edit. Esc leaves a field (a spin box drops what was typed and not committed), Enter
// commits and leaves, and a click on a view that takes no focus leaves it too; leaving gives the
// focus to the window. The window also has it at start, and a field the user did not pick (the
// next one after a focused button that got disabled) does not keep it. Spin boxes, combo boxes
// and sliders take the wheel only while they have the focus, so scrolling a panel never changes
// a parameter. Dialogs keep Qt's own behaviour. GUI thread only.
#pragma once

#include <QObject>
#include <QPointer>

class QFocusEvent;
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
  void focusMoved(QWidget* old, QWidget* now);
  void focusIn(QWidget* receiver, const QFocusEvent* e);
  bool shortcutOverride(QKeyEvent* e);
  bool keyPress(QWidget* receiver, QKeyEvent* e);
  bool wheel(QWidget* receiver, QWheelEvent* e);
  void mousePress(QWidget* receiver);

  QPointer<QWidget> m_window;
  QPointer<QWidget> m_chosenField;  // the field the user last picked
};

} // namespace ebm::ui
