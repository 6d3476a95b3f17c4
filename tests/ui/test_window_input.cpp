// Keys and the mouse wheel in the real window: the window's shortcuts keep working after a spin
// box edit, a focused spin box gets only the keys it types with, Esc leaves a field without
// committing it, and the wheel changes a spin box or combo box only while it has the focus.
#include "controls_panel.h"
#include "main_window.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>
#include <QWheelEvent>

namespace {

using ebm::RunState;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;
using ebm::ui::test::xTraceOf;

const QString kToy2d = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/toy2d.safetensors";

std::unique_ptr<MainWindow> toyWindow() {
  auto o = ebm::ui::test::windowOptions("input");
  o.checkpoint = kToy2d;
  return ebm::ui::test::showWindow(o);
}

bool idle(MainWindow& w) {
  const auto s = w.host().pollNow();
  return s && s->state == RunState::Idle;
}

// A key typed where the keyboard focus is, as a user types it.
void type(Qt::Key key, Qt::KeyboardModifiers mods = Qt::NoModifier) {
  QTest::keyClick(static_cast<QWidget*>(nullptr), key, mods);
}

uint64_t xSettingsVersion(MainWindow& w) {
  return w.host().pollNow()->chains.at("x").settingsVersion;
}

// A window with a finished x-trace to step through, active and without a focused field.
std::unique_ptr<MainWindow> windowWithATrace() {
  auto w = toyWindow();
  if (!waitFor([&] { return idle(*w); }, 60))
    return nullptr;
  QTest::mouseClick(w->controls()->chainGroup("x")->runButton(), Qt::LeftButton);
  const bool finished = waitFor([&] {
    const auto s = w->host().pollNow();
    return xTraceOf(*s) && xTraceOf(*s)->finished && !s->revisionRunning;
  }, 30);
  QApplication::setActiveWindow(w.get());
  if (!finished || !waitFor([&] { return QApplication::activeWindow() == w.get(); }, 5))
    return nullptr;
  return w;
}

TEST(WindowInput, ShortcutsWorkAfterASpinBoxEditCommittedWithEnter) {
  auto w = windowWithATrace();
  ASSERT_TRUE(w);
  QSpinBox* steps = w->controls()->chainGroup("x")->intBox("steps");
  steps->setFocus();
  ASSERT_TRUE(waitFor([&] { return steps->hasFocus(); }, 5));
  type(Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(static_cast<QWidget*>(nullptr), "42");
  type(Qt::Key_Return);
  EXPECT_EQ(steps->value(), 42);
  EXPECT_FALSE(steps->hasFocus()) << "Enter commits and leaves the field";
  EXPECT_TRUE(waitFor([&] {
    return w->host().pollNow()->chains.at("x").settings.number("steps") == 42;
  }, 10));
  // Space plays the trace and `.` steps the cursor, as before the edit.
  EXPECT_EQ(w->cursorStep(), -1);
  type(Qt::Key_Space);
  EXPECT_GE(w->cursorStep(), 0) << "Space did not start playback";
  type(Qt::Key_Space);  // and pauses it
  type(Qt::Key_Home);
  EXPECT_EQ(w->cursorStep(), 0);
  type(Qt::Key_Period);
  EXPECT_EQ(w->cursorStep(), 1);
}

TEST(WindowInput, AFocusedSpinBoxTakesOnlyTheKeysItTypesWith) {
  auto w = windowWithATrace();
  ASSERT_TRUE(w);
  w->setCursorStep(0);
  QSpinBox* steps = w->controls()->chainGroup("x")->intBox("steps");
  QDoubleSpinBox* size = w->controls()->chainGroup("x")->realBox("step_size");
  steps->setFocus();
  ASSERT_TRUE(waitFor([&] { return steps->hasFocus(); }, 5));
  type(Qt::Key_Period);  // no decimal point in a whole number: the cursor's key
  EXPECT_EQ(w->cursorStep(), 1);
  EXPECT_TRUE(steps->hasFocus());
  type(Qt::Key_Space);  // a spin box has no use for Space: playback runs to the last step
  const int last = xTraceOf(*w->host().pollNow())->lastStep();
  EXPECT_TRUE(waitFor([&] { return w->cursorStep() == last; }, 30));
  size->setFocus();
  ASSERT_TRUE(waitFor([&] { return size->hasFocus(); }, 5));
  w->setCursorStep(3);
  type(Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(static_cast<QWidget*>(nullptr), "0.25");  // digits and the decimal point
  EXPECT_EQ(w->cursorStep(), 3) << "the decimal point went to the cursor";
  type(Qt::Key_Enter);
  EXPECT_DOUBLE_EQ(size->value(), 0.25);
}

TEST(WindowInput, EscLeavesAFieldWithoutCommittingWhatWasTyped) {
  auto w = windowWithATrace();
  ASSERT_TRUE(w);
  QDoubleSpinBox* size = w->controls()->chainGroup("x")->realBox("step_size");
  const double before = size->value();
  const uint64_t version = xSettingsVersion(*w);
  size->setFocus();
  ASSERT_TRUE(waitFor([&] { return size->hasFocus(); }, 5));
  type(Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(static_cast<QWidget*>(nullptr), "0.9");
  type(Qt::Key_Escape);
  EXPECT_FALSE(size->hasFocus());
  EXPECT_EQ(QApplication::focusWidget(), w.get()) << "the focus goes back to the window";
  EXPECT_DOUBLE_EQ(size->value(), before);
  waitFor([] { return false; }, 0.3);
  EXPECT_EQ(xSettingsVersion(*w), version);
  type(Qt::Key_Home);  // the window's keys work at once
  EXPECT_EQ(w->cursorStep(), 0);
}

TEST(WindowInput, AFieldTheFocusFallsToWhenAButtonIsDisabledGivesItBack) {
  auto w = windowWithATrace();
  ASSERT_TRUE(w);
  QPushButton* run = w->controls()->chainGroup("x")->runButton();
  QSpinBox* steps = w->controls()->chainGroup("x")->intBox("steps");
  QWidget::setTabOrder(run, steps);  // Qt hands a disabled button's focus to the next widget
  run->setFocus();
  ASSERT_TRUE(waitFor([&] { return run->hasFocus(); }, 5));
  run->setEnabled(false);  // as while its chain runs
  waitFor([] { return false; }, 0.2);
  EXPECT_FALSE(steps->hasFocus()) << "nobody picked this field";
  EXPECT_EQ(QApplication::focusWidget(), w.get());
  w->setCursorStep(0);
  type(Qt::Key_End);
  EXPECT_EQ(w->cursorStep(), -1);
}

QWheelEvent wheelUp(QWidget* target) {
  const QPointF at(target->width() / 2.0, target->height() / 2.0);
  return QWheelEvent(at, target->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                     Qt::NoModifier, Qt::NoScrollPhase, false);
}

TEST(WindowInput, TheWheelChangesASpinBoxOnlyWhenItHasTheFocus) {
  auto w = toyWindow();
  ASSERT_TRUE(waitFor([&] { return idle(*w); }, 60));
  QApplication::setActiveWindow(w.get());
  ASSERT_TRUE(waitFor([&] { return QApplication::activeWindow() == w.get(); }, 5));
  QSpinBox* steps = w->controls()->chainGroup("x")->intBox("steps");
  EXPECT_EQ(steps->focusPolicy(), Qt::StrongFocus) << "the wheel alone must not focus it";
  w->setFocus();
  const int before = steps->value();
  const uint64_t version = xSettingsVersion(*w);
  auto up = wheelUp(steps);
  QApplication::sendEvent(steps, &up);
  EXPECT_EQ(steps->value(), before);
  EXPECT_FALSE(up.isAccepted()) << "left for the scroll area around it";
  QComboBox* combo = w->controls()->findChild<QComboBox*>();
  ASSERT_NE(combo, nullptr);
  const int index = combo->currentIndex();
  auto overCombo = wheelUp(combo);
  QApplication::sendEvent(combo, &overCombo);
  EXPECT_EQ(combo->currentIndex(), index);
  waitFor([] { return false; }, 0.3);
  EXPECT_EQ(xSettingsVersion(*w), version) << "scrolling the panel changed a setting";

  steps->setFocus();
  ASSERT_TRUE(waitFor([&] { return steps->hasFocus(); }, 5));
  auto again = wheelUp(steps);
  QApplication::sendEvent(steps, &again);
  EXPECT_EQ(steps->value(), before + 1);
  EXPECT_TRUE(waitFor([&] { return xSettingsVersion(*w) > version; }, 10));
}

} // namespace
