// LessonBar: what the audience reads while a lesson plays — "lesson title · step i / n", the
// step's title and caption in a large font, Back / Next / End buttons, what the lesson waits for,
// and the error that stopped it (or the message of a lesson file that did not open). It shows a
// LessonPlayer's state; the window owns the player. GUI thread only.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace ebm::ui {

class LessonPlayer;

class LessonBar : public QFrame {
  Q_OBJECT
public:
  explicit LessonBar(QWidget* parent = nullptr);

  /// Shows the player's lesson, step and state.
  void present(const LessonPlayer& player);
  /// Shows why a lesson file could not be played (`message` names its line and field).
  void presentError(const QString& message);

  QString headerText() const;
  QString titleText() const;
  QString captionText() const;
  QString errorText() const;
  QPushButton* nextButton() const { return m_next; }
  QPushButton* backButton() const { return m_back; }

  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override;
  QSize sizeHint() const override;

Q_SIGNALS:
  void backRequested();
  void nextRequested();
  void endRequested();

protected:
  void changeEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

private:
  void applyFonts();
  void fitHeight();
  QString waitingText(const LessonPlayer& player) const;

  QLabel* m_header = nullptr;
  QLabel* m_title = nullptr;
  QLabel* m_caption = nullptr;
  QLabel* m_state = nullptr;
  QLabel* m_error = nullptr;
  QPushButton* m_back = nullptr;
  QPushButton* m_next = nullptr;
  QPushButton* m_end = nullptr;
  bool m_fontsApplied = false;
};

} // namespace ebm::ui
