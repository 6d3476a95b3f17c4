#include "level_strip_view.h"

#include "image_grid_view.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace ebm::ui {
namespace {

constexpr int kStripLabelWidth = 78;
constexpr int kStripHeaderHeight = 44;
constexpr int kStripMinCell = 36;

int64_t stripStateSize(const Trace& t) {
  int64_t n = 1;
  for (auto d : t.stateShape)
    n *= d;
  return n;
}

bool isStripImageTrace(const Trace* t) { return t && t->stateShape.size() == 3; }

} // namespace

LevelStripView::LevelStripView(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(200, 120);
  setToolTip(tr("One row per chain, one column per noise level (noise left, data right). With "
                "an initializer: its proposal above the revised sample, and the mean distance "
                "between them (gap) per level. Click a column or press Enter to see its steps; "
                "Esc goes back."));
}

void LevelStripView::setTrace(std::shared_ptr<const Trace> trace) {
  m_trace = std::move(trace);
  m_columns = m_trace ? levelColumns(*m_trace) : std::vector<LevelColumn>{};
  if (m_expanded >= static_cast<int>(m_columns.size()))
    m_expanded = -1;
  m_inside = m_expanded >= 0 ? snapshotsIn(*m_trace, m_columns[m_expanded]) : std::vector<int>{};
  m_selected = std::clamp(m_selected, 0, std::max(0, int(m_columns.size()) - 1));
  update();
}

int LevelStripView::columnCount() const {
  return m_expanded >= 0 ? static_cast<int>(m_inside.size()) : static_cast<int>(m_columns.size());
}

std::vector<int> LevelStripView::columnLevels() const {
  std::vector<int> out;
  for (const auto& c : m_columns)
    out.push_back(c.level);
  return out;
}

void LevelStripView::expand(int index) {
  m_expanded = index >= 0 && index < static_cast<int>(m_columns.size()) ? index : -1;
  if (m_expanded >= 0)
    m_selected = m_expanded;
  m_inside = m_expanded >= 0 ? snapshotsIn(*m_trace, m_columns[m_expanded]) : std::vector<int>{};
  update();
}

bool LevelStripView::showsProposals() const {
  return m_expanded < 0 && std::any_of(m_columns.begin(), m_columns.end(), [](const auto& c) {
           return c.states && !c.states->proposal.empty();
         });
}

void LevelStripView::setMaxRows(int rows) {
  m_maxRows = std::max(1, rows);
  update();
}

LevelStripView::Geometry LevelStripView::geometry() const {
  Geometry g;
  g.left = kStripLabelWidth;
  g.top = kStripHeaderHeight;
  g.cols = columnCount();
  g.rows = m_trace ? std::min(m_trace->chains, m_maxRows) : 0;
  g.subRows = showsProposals() ? 2 : 1;
  if (g.cols == 0 || g.rows == 0)
    return g;
  const int w = (width() - g.left - 4) / g.cols - g.gap;
  auto cellFor = [&](int rows) {
    return std::min(w, (height() - g.top - 4) / (rows * g.subRows) - g.gap);
  };
  // Fewer chains rather than cells too small to read.
  while (g.rows > 1 && cellFor(g.rows) < kStripMinCell)
    --g.rows;
  g.cell = std::max(8, cellFor(g.rows));
  return g;
}

const float* LevelStripView::stateOf(int col, int row, int sub) const {
  const int64_t n = stripStateSize(*m_trace);
  if (m_expanded >= 0)
    return m_trace->snapshots[m_inside[col]].state.data() + row * n;
  const LevelColumn& c = m_columns[col];
  if (sub == 0 && showsProposals())
    return c.states && !c.states->proposal.empty() ? c.states->proposal.data() + row * n
                                                   : nullptr;
  return c.endSnapshot >= 0 ? m_trace->snapshots[c.endSnapshot].state.data() + row * n : nullptr;
}

QString LevelStripView::header(int col) const {
  if (m_expanded >= 0)
    return tr("step %1").arg(m_trace->snapshots[m_inside[col]].step -
                             m_columns[m_expanded].firstStep);
  const LevelColumn& c = m_columns[col];
  QString text = tr("l = %1").arg(c.level);
  if (const double gap = meanProposalGap(*m_trace, c); gap >= 0)
    text += "\n" + QString::number(gap, 'f', gap < 10 ? 2 : 1);
  return text;
}

void LevelStripView::paintHeaders(QPainter& p, const Geometry& g) const {
  const QString title =
      m_expanded >= 0
          ? tr("level %1 step by step (Esc: all levels)").arg(m_columns[m_expanded].level)
          : tr("noise → data · the state at the end of each level");
  p.setPen(palette().color(QPalette::WindowText));
  p.drawText(QRect(g.left, 0, width() - g.left, 16), Qt::AlignLeft | Qt::AlignVCenter, title);
  QFont small = p.font();
  if (g.cell < 56)
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.8));
  p.setFont(small);
  for (int c = 0; c < g.cols; ++c) {
    const QRect r(g.left + c * (g.cell + g.gap) - g.gap, 16, g.cell + 2 * g.gap, g.top - 18);
    p.drawText(r, Qt::AlignHCenter | Qt::AlignBottom, header(c));
  }
  if (m_expanded < 0 && g.subRows == 2)  // the second header line holds the gap
    p.drawText(QRect(0, 16, g.left - 4, g.top - 18), Qt::AlignRight | Qt::AlignBottom,
               tr("mean gap"));
  for (int row = 0; row < g.rows; ++row)
    for (int sub = 0; sub < g.subRows; ++sub) {
      const int y = g.top + (row * g.subRows + sub) * (g.cell + g.gap);
      const QString label = g.subRows == 2
                                ? (sub == 0 ? tr("%1 proposal").arg(row + 1) : tr("revised"))
                                : tr("chain %1").arg(row + 1);
      p.drawText(QRect(0, y, g.left - 4, g.cell), Qt::AlignRight | Qt::AlignVCenter, label);
    }
}

void LevelStripView::paintCells(QPainter& p, const Geometry& g) const {
  for (int c = 0; c < g.cols; ++c)
    for (int row = 0; row < g.rows; ++row)
      for (int sub = 0; sub < g.subRows; ++sub) {
        const QRect r(g.left + c * (g.cell + g.gap), g.top + (row * g.subRows + sub) * (g.cell + g.gap),
                      g.cell, g.cell);
        if (const float* s = stateOf(c, row, sub))
          p.drawImage(r, sampleToImage(s, m_trace->stateShape));
        else
          p.fillRect(r, palette().color(QPalette::Mid));
      }
  if (m_expanded < 0 && g.cols > 0) {  // the selected level
    p.setPen(QPen(palette().color(QPalette::Highlight), 2));
    const int x = g.left + m_selected * (g.cell + g.gap) - 2;
    p.drawRect(x, g.top - 2, g.cell + 3, g.rows * g.subRows * (g.cell + g.gap) + 1);
  }
}

void LevelStripView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  if (!isStripImageTrace(m_trace.get()) || m_columns.empty()) {
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               m_trace && !m_columns.empty()
                   ? tr("2-D states: the landscape shows each level (the level slider above)")
                   : tr("No chain from noise yet: run the sample chain"));
    return;
  }
  const Geometry g = geometry();
  paintHeaders(p, g);
  paintCells(p, g);
}

int LevelStripView::columnAt(QPoint pos) const {
  const Geometry g = geometry();
  if (g.cell <= 0 || pos.x() < g.left)
    return -1;
  const int c = (pos.x() - g.left) / (g.cell + g.gap);
  return c < g.cols ? c : -1;
}

void LevelStripView::mousePressEvent(QMouseEvent* e) {
  setFocus();
  const int c = columnAt(e->pos());
  if (c < 0 || !m_trace)
    return;
  if (m_expanded >= 0) {
    Q_EMIT stepClicked(m_trace->snapshots[m_inside[c]].step);
    expand(-1);
    return;
  }
  m_selected = c;
  Q_EMIT stepClicked(m_columns[c].lastStep);
  expand(c);
}

void LevelStripView::keyPressEvent(QKeyEvent* e) {
  const int n = static_cast<int>(m_columns.size());
  switch (e->key()) {
  case Qt::Key_Left: m_selected = std::max(0, m_selected - 1); update(); return;
  case Qt::Key_Right: m_selected = std::min(n - 1, m_selected + 1); update(); return;
  case Qt::Key_Return:
  case Qt::Key_Enter: expand(m_expanded >= 0 ? -1 : m_selected); return;
  case Qt::Key_Escape:
    if (m_expanded >= 0) {
      expand(-1);
      return;
    }
    break;
  default: break;
  }
  QWidget::keyPressEvent(e);
}

} // namespace ebm::ui
