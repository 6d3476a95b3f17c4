#include "lesson_bar.h"

#include "lesson_player.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <initializer_list>

namespace ebm::ui {
namespace {

QLabel* wrappedLabel() {
  auto* l = new QLabel;
  l->setWordWrap(true);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  l->setTextFormat(Qt::PlainText);
  return l;
}

QFont scaledFont(const QFont& base, double factor, bool bold) {
  QFont f = base;
  f.setPointSizeF(base.pointSizeF() * factor);
  f.setBold(bold);
  return f;
}

} // namespace

LessonBar::LessonBar(QWidget* parent) : QFrame(parent) {
  setObjectName("lessonBar");
  setFrameShape(QFrame::StyledPanel);
  m_header = new QLabel;
  m_title = wrappedLabel();
  m_caption = wrappedLabel();
  m_state = new QLabel;
  m_error = wrappedLabel();
  m_error->setStyleSheet("color: #c0392b;");
  m_back = new QPushButton(tr("◀ Back"));
  m_next = new QPushButton(tr("Next ▶"));
  m_end = new QPushButton(tr("End lesson"));
  m_back->setToolTip(tr("Replay the previous step (Left)"));
  m_next->setToolTip(tr("The next step; a step still running is finished first (Space, Right)"));
  m_end->setToolTip(tr("End the lesson; the model and its settings stay as they are (Esc)"));
  for (auto* b : {m_back, m_next, m_end})
    b->setFocusPolicy(Qt::NoFocus);  // Space stays the lesson's key, not a button's
  connect(m_back, &QPushButton::clicked, this, &LessonBar::backRequested);
  connect(m_next, &QPushButton::clicked, this, &LessonBar::nextRequested);
  connect(m_end, &QPushButton::clicked, this, &LessonBar::endRequested);

  // The step's title shares its row with the lesson's name and the buttons: at 1280x720 the
  // caption's lines are worth more than a row of their own for the title.
  auto* top = new QHBoxLayout;
  top->addWidget(m_title, 1);
  top->addWidget(m_header);
  top->addSpacing(12);
  top->addWidget(m_state);
  top->addWidget(m_back);
  top->addWidget(m_next);
  top->addWidget(m_end);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(10, 4, 10, 6);
  layout->setSpacing(2);
  layout->addLayout(top);
  layout->addWidget(m_caption);
  layout->addWidget(m_error);
  m_error->hide();
  applyFonts();
}

void LessonBar::changeEvent(QEvent* event) {
  // Presenter mode scales the application font: the lesson's text follows it.
  if (event->type() == QEvent::FontChange && !m_fontsApplied)
    applyFonts();
  QFrame::changeEvent(event);
}

int LessonBar::heightForWidth(int width) const {
  // Row by row: the title beside the fixed-width parts of the top row, then the caption and
  // the error at the full width (the layout's own answer does not count wrapped labels here).
  const QMargins m = layout()->contentsMargins();
  const int inner = std::max(100, width - m.left() - m.right());
  const int spacing = layout()->spacing();
  int fixed = 0, rowHeight = 0;
  for (QWidget* w : std::initializer_list<QWidget*>{m_header, m_state, m_back, m_next, m_end}) {
    fixed += w->sizeHint().width() + 6;
    rowHeight = std::max(rowHeight, w->sizeHint().height());
  }
  rowHeight = std::max(rowHeight, m_title->heightForWidth(std::max(100, inner - fixed - 12)));
  int h = m.top() + rowHeight + m.bottom() + 4;  // 4: room for descenders
  for (QLabel* l : {m_caption, m_error})
    if (!l->isHidden() && !l->text().isEmpty())
      h += spacing + l->heightForWidth(inner);
  return h;
}

QSize LessonBar::sizeHint() const {
  // As wide as the toolbar lets it be; as tall as the wrapped caption needs at that width.
  const int w = parentWidget() ? parentWidget()->width() : QFrame::sizeHint().width();
  return {w, heightForWidth(w)};
}

void LessonBar::resizeEvent(QResizeEvent* event) {
  QFrame::resizeEvent(event);
  fitHeight();
}

void LessonBar::fitHeight() {
  // A toolbar sizes its widgets by their hint, not by height-for-width: fix the height to what
  // the caption needs at the width it got, so no blank rows are left under it.
  const int h = heightForWidth(width());
  if (h != minimumHeight() || h != maximumHeight())
    setFixedHeight(h);
}

void LessonBar::applyFonts() {
  m_fontsApplied = true;
  const QFont base = font();
  m_header->setFont(scaledFont(base, 1.0, false));
  m_title->setFont(scaledFont(base, 1.6, true));
  m_caption->setFont(scaledFont(base, 1.3, false));
  m_fontsApplied = false;
}

QString LessonBar::waitingText(const LessonPlayer& p) const {
  if (!p.error().empty())
    return tr("stopped");
  if (p.finished())
    return tr("the end · Esc closes the lesson");
  if (p.waitingForKey())
    return p.stepIndex() + 1 < p.stepCount() ? tr("Space / → for the next step")
                                              : tr("Space / → ends the lesson");
  return tr("playing…");
}

void LessonBar::present(const LessonPlayer& p) {
  const LessonStep* step = p.step();
  m_header->setText(tr("%1 · step %2 / %3")
                        .arg(QString::fromStdString(p.lesson().title))
                        .arg(p.stepIndex() + 1)
                        .arg(p.stepCount()));
  m_title->setText(step ? QString::fromStdString(step->title) : QString());
  m_caption->setText(step ? QString::fromStdString(step->caption) : QString());
  m_state->setText(waitingText(p));
  m_error->setText(QString::fromStdString(p.error()));
  m_error->setVisible(!p.error().empty());
  m_back->setEnabled(p.active());
  m_next->setEnabled(p.active() && !p.finished() && p.error().empty());
  m_next->setText(p.waitingForKey() && p.stepIndex() + 1 == p.stepCount() ? tr("Finish ▶")
                                                                          : tr("Next ▶"));
  fitHeight();
}

void LessonBar::presentError(const QString& message) {
  m_header->setText(tr("The lesson could not be opened"));
  m_title->clear();
  m_caption->clear();
  m_state->setText(tr("Esc closes this bar"));
  m_error->setText(message);
  m_error->show();
  m_back->setEnabled(false);
  m_next->setEnabled(false);
  fitHeight();
}

QString LessonBar::headerText() const { return m_header->text(); }
QString LessonBar::titleText() const { return m_title->text(); }
QString LessonBar::captionText() const { return m_caption->text(); }
QString LessonBar::errorText() const { return m_error->text(); }

} // namespace ebm::ui
