// LandscapeView's marks for a ladder chain: the recovery term's pull toward x~ as arrows and the
// initializer's proposals beside the revised samples, with the mean gap between them.
#include "landscape_view.h"

#include "level_ladder.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

constexpr int kMarkedChains = 24;       // pull arrows and proposals of the first chains only
constexpr double kArrowViewShare = 0.12;  // the longest arrow spans this share of the view

// The power of ten that makes the longest pull about kArrowViewShare of the view wide.
double pullLengthening(const std::vector<PullArrow>& arrows, double viewWidth) {
  double longest = 0;
  for (const auto& a : arrows)
    longest = std::max(longest, std::hypot(double(a.dx), double(a.dy)));
  if (longest <= 0)
    return 0;
  return std::max(1.0, std::pow(10.0, std::floor(std::log10(kArrowViewShare * viewWidth /
                                                            longest))));
}

void drawPullArrow(QPainter& p, QPointF from, QPointF to) {
  p.drawLine(from, to);
  const QPointF d = to - from;
  const double len = std::hypot(d.x(), d.y());
  if (len < 4)
    return;
  const QPointF u = d / len, n(-u.y(), u.x());
  QPainterPath head;
  head.moveTo(to);
  head.lineTo(to - 7 * u + 4 * n);
  head.lineTo(to - 7 * u - 4 * n);
  head.closeSubpath();
  p.fillPath(head, p.pen().color());
}

} // namespace

void LandscapeView::setLevelMarks(bool pullArrows, bool proposals) {
  m_pullArrows = pullArrows;
  m_proposals = proposals;
  update();
}

void LandscapeView::paintLevelMarks(QPainter& p) {
  m_pullScale = 0;
  if (!m_trace || !isPlaneTrace(m_trace.get()) || m_trace->levelStates.empty())
    return;
  p.save();
  p.setClipRect(plotRect());
  p.setRenderHint(QPainter::Antialiasing);
  if (m_proposals)
    paintProposals(p);
  if (m_pullArrows)
    paintPullArrows(p);
  if (const QString text = levelCaption(); !text.isEmpty()) {
    // A dark box keeps the text readable over any colour of the heatmap.
    const QRect plot = plotRect().adjusted(6, 6, -6, -6);
    QRect box = p.fontMetrics().boundingRect(plot, Qt::AlignLeft | Qt::AlignBottom, text);
    box.adjust(-4, -2, 4, 2);
    p.fillRect(box, QColor(0, 0, 0, 170));
    p.setPen(Qt::white);
    p.drawText(plot, Qt::AlignLeft | Qt::AlignBottom, text);
  }
  p.restore();
}

void LandscapeView::paintPullArrows(QPainter& p) {
  const auto arrows = pullArrows(*m_trace, m_cursorStep, kMarkedChains);
  m_pullScale = pullLengthening(arrows, m_view.width());
  if (m_pullScale <= 0)
    return;
  p.setPen(QPen(QColor(255, 140, 0), 2));
  for (const auto& a : arrows) {
    const QPointF from = widgetPosition(a.x, a.y);
    drawPullArrow(p, from, widgetPosition(a.x + m_pullScale * a.dx, a.y + m_pullScale * a.dy));
    const QPointF target = widgetPosition(a.tx, a.ty);  // x~: a small cross
    p.drawLine(target + QPointF(-3, -3), target + QPointF(3, 3));
    p.drawLine(target + QPointF(-3, 3), target + QPointF(3, -3));
  }
}

void LandscapeView::paintProposals(QPainter& p) {
  const int at = m_cursorStep < 0 ? m_trace->lastStep() : m_cursorStep;
  const int level = levelAtStep(*m_trace, at);
  const LevelStates* states = m_trace->statesOfLevel(level);
  if (!states || states->proposal.empty())
    return;
  const auto& now = m_trace->snapshots[snapshotAt(*m_trace, m_cursorStep)].state;
  const int n = std::min({kMarkedChains, m_trace->chains, int(states->proposal.size() / 2),
                          int(now.size() / 2)});
  p.setPen(QPen(QColor(255, 255, 255, 170), 1));
  for (int c = 0; c < n; ++c) {
    const QPointF from = widgetPosition(states->proposal[2 * c], states->proposal[2 * c + 1]);
    p.drawLine(from, widgetPosition(now[2 * c], now[2 * c + 1]));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(from, 5, 5);
  }
}

QString LandscapeView::levelCaption() const {
  // What the marks show, with their numbers: the proposal gap and the arrows' lengthening.
  if (!m_trace || !isPlaneTrace(m_trace.get()) || m_trace->levelStates.empty())
    return {};
  QString text;
  const int at = m_cursorStep < 0 ? m_trace->lastStep() : m_cursorStep;
  const int level = levelAtStep(*m_trace, at);
  if (m_proposals)
    for (const auto& column : levelColumns(*m_trace))
      if (const double gap = column.level == level ? meanProposalGap(*m_trace, column) : -1;
          gap >= 0)
        text += tr("gap ○→● %1").arg(gap, 0, 'f', 3);
  if (m_pullArrows) {
    const double scale =
        pullLengthening(pullArrows(*m_trace, m_cursorStep, kMarkedChains), m_view.width());
    text += text.isEmpty() ? "" : "\n";
    text += scale > 0 ? tr("pull → x̃ drawn ×%1").arg(scale, 0, 'f', 0)
                      : tr("no pull at level %1").arg(level);
  }
  return text;
}

} // namespace ebm::ui
