#include "input_policy.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QFocusEvent>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QTextEdit>
#include <QWheelEvent>

namespace ebm::ui {
namespace {

enum class FieldKind { None, SpinBox, Line, Area, ReadOnly };

struct Field {
  QWidget* widget = nullptr;
  FieldKind kind = FieldKind::None;
};

// The text field that has the keyboard focus: a spin box (its line edit proxies the focus to
// it), an editable combo box, a line edit or a multi-line text.
Field focusedField() {
  QWidget* w = QApplication::focusWidget();
  if (!w)
    return {};
  QWidget* parent = w->parentWidget();
  if (auto* box = qobject_cast<QAbstractSpinBox*>(w))
    return {box, box->isReadOnly() ? FieldKind::ReadOnly : FieldKind::SpinBox};
  if (auto* box = qobject_cast<QAbstractSpinBox*>(parent))
    return {box, box->isReadOnly() ? FieldKind::ReadOnly : FieldKind::SpinBox};
  if (auto* combo = qobject_cast<QComboBox*>(w); combo && combo->isEditable())
    return {combo, FieldKind::Line};
  if (auto* line = qobject_cast<QLineEdit*>(w))
    return {line, line->isReadOnly() ? FieldKind::ReadOnly : FieldKind::Line};
  if (auto* text = qobject_cast<QPlainTextEdit*>(w))
    return {text, text->isReadOnly() ? FieldKind::ReadOnly : FieldKind::Area};
  if (auto* text = qobject_cast<QTextEdit*>(w))
    return {text, text->isReadOnly() ? FieldKind::ReadOnly : FieldKind::Area};
  return {};
}

bool isEditingKey(const QKeyEvent* e) {
  for (auto k : {QKeySequence::Copy, QKeySequence::Cut, QKeySequence::Paste,
                 QKeySequence::SelectAll, QKeySequence::Undo, QKeySequence::Redo})
    if (e->matches(k))
      return true;
  return false;
}

// The keys a spin box uses: its characters and the keys that move in or edit its text. Its
// line edit would claim every printable key, Space and letters included, though the validator
// drops them; those stay the window's.
bool spinBoxConsumes(const QAbstractSpinBox* box, const QKeyEvent* e) {
  if (isEditingKey(e))
    return true;
  if ((e->modifiers() & ~(Qt::ShiftModifier | Qt::KeypadModifier)) != Qt::NoModifier)
    return false;
  switch (e->key()) {
  case Qt::Key_Backspace:
  case Qt::Key_Delete:
  case Qt::Key_Left:
  case Qt::Key_Right:
  case Qt::Key_Up:
  case Qt::Key_Down:
  case Qt::Key_PageUp:
  case Qt::Key_PageDown:
  case Qt::Key_Home:
  case Qt::Key_End:
    return true;
  default:
    break;
  }
  const QString text = e->text();
  if (text.size() != 1)
    return false;
  if (text[0].isDigit() || text == "-" || text == "+")
    return true;
  return qobject_cast<const QDoubleSpinBox*>(box) && text == box->locale().decimalPoint();
}

// Spin boxes drop uncommitted text by showing their value again (no signal: it is unchanged).
void revertSpinBox(QWidget* w) {
  if (auto* box = qobject_cast<QSpinBox*>(w))
    box->setValue(box->value());
  else if (auto* box = qobject_cast<QDoubleSpinBox*>(w))
    box->setValue(box->value());
}

bool isEnter(const QKeyEvent* e) {
  return (e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) &&
         (e->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
}

// A widget that turns the wheel into a new value (a scroll bar scrolls; it is not one).
QWidget* valueWidget(QWidget* w) {
  for (QWidget* c : {w, w ? w->parentWidget() : nullptr}) {
    if (qobject_cast<QAbstractSpinBox*>(c) || qobject_cast<QComboBox*>(c) ||
        qobject_cast<QSlider*>(c))
      return c;
  }
  return nullptr;
}

bool isValueWidget(const QObject* o) {
  return qobject_cast<const QAbstractSpinBox*>(o) || qobject_cast<const QComboBox*>(o) ||
         qobject_cast<const QSlider*>(o);
}

// Whether a press on `w` moves the focus by Qt's rules (the nearest enabled ancestor that
// takes click focus gets it).
bool clickTakesFocus(const QWidget* w) {
  for (; w; w = w->parentWidget()) {
    if (w->isEnabled() && (w->focusPolicy() & Qt::ClickFocus) == Qt::ClickFocus)
      return true;
    if (w->isWindow())
      return false;
  }
  return false;
}

} // namespace

InputPolicy::InputPolicy(QWidget* window) : QObject(window), m_window(window) {
  qApp->installEventFilter(this);
  // The window starts with the focus itself: otherwise activating it puts the focus in the
  // first spin box of its tab chain, which would then hold Home / End before anyone edits it.
  window->setFocus(Qt::OtherFocusReason);
  connect(qApp, &QApplication::focusChanged, this, &InputPolicy::focusMoved);
}

void InputPolicy::focusMoved(QWidget* old, QWidget* now) {
  // Qt hands the focus of a widget that gets disabled or hidden (a Run button while its chain
  // runs) to the next one in the tab chain; a field nobody chose is no place for it.
  if (!old || !now || (old->isEnabled() && old->isVisible()) || !inWindow(now))
    return;
  if (focusedField().widget == now)
    leaveField();
}

void InputPolicy::focusIn(QWidget* receiver, const QFocusEvent* e) {
  // A field the user picks (click, Tab, a program's setFocus) is being edited; one the focus
  // returns to when the window is activated or a menu closes is so only if it was picked before.
  // Otherwise a field that Qt chose while the window was inactive (the next one after a button
  // that got disabled) would hold its keys.
  if (focusedField().widget != receiver)
    return;
  const bool returning =
      e->reason() == Qt::ActiveWindowFocusReason || e->reason() == Qt::MenuBarFocusReason;
  if (!returning)
    m_chosenField = receiver;
  else if (receiver != m_chosenField)
    QMetaObject::invokeMethod(this, &InputPolicy::leaveField, Qt::QueuedConnection);
}

bool InputPolicy::inWindow(const QWidget* w) const {
  // Floating docks are windows of their own but still children of the main window; dialogs
  // (message boxes, file choosers) keep their own key handling.
  for (; w; w = w->parentWidget()) {
    if (w == m_window)
      return true;
    if (qobject_cast<const QDialog*>(w))
      return false;
  }
  return false;
}

bool InputPolicy::eventFilter(QObject* watched, QEvent* event) {
  // Every event of the application passes here: the type is checked first, as it costs least.
  switch (event->type()) {
  case QEvent::Polish:
  case QEvent::ShortcutOverride:
  case QEvent::KeyPress:
  case QEvent::Wheel:
  case QEvent::MouseButtonPress:
  case QEvent::MouseButtonDblClick:
  case QEvent::FocusIn:
    break;
  default:
    return false;
  }
  auto* widget = qobject_cast<QWidget*>(watched);
  if (!widget || !m_window || QApplication::activePopupWidget() || !inWindow(widget))
    return false;
  switch (event->type()) {
  case QEvent::Polish:
    // Spin boxes and combo boxes would take the focus from the wheel alone (Qt::WheelFocus).
    if (isValueWidget(widget) && widget->focusPolicy() == Qt::WheelFocus)
      widget->setFocusPolicy(Qt::StrongFocus);
    return false;
  case QEvent::ShortcutOverride:
    return shortcutOverride(static_cast<QKeyEvent*>(event));
  case QEvent::KeyPress:
    return keyPress(widget, static_cast<QKeyEvent*>(event));
  case QEvent::Wheel:
    return wheel(widget, static_cast<QWheelEvent*>(event));
  case QEvent::MouseButtonPress:
  case QEvent::MouseButtonDblClick:
    mousePress(widget);
    return false;
  case QEvent::FocusIn:
    focusIn(widget, static_cast<QFocusEvent*>(event));
    return false;
  default:
    return false;
  }
}

bool InputPolicy::shortcutOverride(QKeyEvent* e) {
  // Accepting the override hands the key to the field; ignoring it lets a shortcut have it.
  const Field f = focusedField();
  if (f.kind != FieldKind::None && e->key() == Qt::Key_Escape &&
      e->modifiers() == Qt::NoModifier) {
    e->accept();  // Esc leaves the field (keyPress), before any window shortcut has it
    return true;
  }
  if (f.kind == FieldKind::SpinBox) {
    e->setAccepted(spinBoxConsumes(static_cast<QAbstractSpinBox*>(f.widget), e));
    return true;
  }
  if (f.kind == FieldKind::ReadOnly) {
    e->setAccepted(isEditingKey(e));
    return true;
  }
  return false;  // line edits and text areas claim exactly the keys they type with
}

bool InputPolicy::keyPress(QWidget* receiver, QKeyEvent* e) {
  const Field f = focusedField();
  if (f.kind == FieldKind::None || (receiver != f.widget && receiver->parentWidget() != f.widget))
    return false;
  if (e->key() == Qt::Key_Escape && e->modifiers() == Qt::NoModifier) {
    revertSpinBox(f.widget);
    leaveField();
    return true;
  }
  if (isEnter(e) && (f.kind == FieldKind::SpinBox || f.kind == FieldKind::Line)) {
    static_cast<QObject*>(receiver)->event(e);  // the field commits its text first
    leaveField();
    return true;
  }
  return false;
}

bool InputPolicy::wheel(QWidget* receiver, QWheelEvent* e) {
  QWidget* w = valueWidget(receiver);
  if (!w || w->hasFocus())
    return false;
  e->ignore();  // the enclosing scroll area scrolls instead
  return true;
}

void InputPolicy::mousePress(QWidget* receiver) {
  const Field f = focusedField();
  if (f.kind == FieldKind::None || f.widget == receiver || f.widget->isAncestorOf(receiver))
    return;
  if (!clickTakesFocus(receiver))
    leaveField();  // a view without focus (landscape, plots, strips) still ends the edit
}

void InputPolicy::leaveField() {
  if (m_window)
    m_window->setFocus(Qt::OtherFocusReason);
}

} // namespace ebm::ui
