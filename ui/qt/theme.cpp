#include "theme.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace ebm::ui {
namespace {

QPalette darkPalette() {
  QPalette p;
  const QColor window(37, 38, 41), base(26, 27, 30), text(225, 225, 225);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, base);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window.lighter(115));
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(255, 120, 120));
  p.setColor(QPalette::Link, QColor(120, 180, 255));
  p.setColor(QPalette::Highlight, QColor(70, 130, 200));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 120));
  return p;
}

QPalette highContrastPalette() {
  QPalette p;
  p.setColor(QPalette::Window, Qt::black);
  p.setColor(QPalette::WindowText, Qt::white);
  p.setColor(QPalette::Base, Qt::black);
  p.setColor(QPalette::AlternateBase, QColor(30, 30, 30));
  p.setColor(QPalette::ToolTipBase, Qt::black);
  p.setColor(QPalette::ToolTipText, Qt::yellow);
  p.setColor(QPalette::Text, Qt::white);
  p.setColor(QPalette::Button, Qt::black);
  p.setColor(QPalette::ButtonText, Qt::yellow);
  p.setColor(QPalette::Link, Qt::cyan);
  p.setColor(QPalette::Highlight, Qt::yellow);
  p.setColor(QPalette::HighlightedText, Qt::black);
  p.setColor(QPalette::PlaceholderText, QColor(200, 200, 200));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(140, 140, 140));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(140, 140, 140));
  return p;
}

void recolour(QCustomPlot* plot, const QPalette& pal) {
  // Colours from the palette; fonts from the application's (presenter mode enlarges them).
  const QColor bg = pal.color(QPalette::Base), fg = pal.color(QPalette::Text);
  const QFont font = QApplication::font();
  QFont small = font;
  small.setPointSizeF(font.pointSizeF() * 0.85);
  QColor grid = fg;
  grid.setAlpha(50);
  plot->setBackground(bg);
  for (QCPAxis* axis : plot->axisRect()->axes()) {
    axis->setBasePen(QPen(fg));
    axis->setTickPen(QPen(fg));
    axis->setSubTickPen(QPen(fg));
    axis->setTickLabelColor(fg);
    axis->setLabelColor(fg);
    axis->setTickLabelFont(small);
    axis->setLabelFont(font);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
  }
  plot->legend->setBrush(bg);
  plot->legend->setBorderPen(QPen(fg));
  plot->legend->setTextColor(fg);
  plot->legend->setFont(small);
  plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace

QStringList themeNames() { return {"light", "dark", "high-contrast"}; }

void applyTheme(const QString& name) {
  // Fusion draws every palette role, so a dark palette is dark everywhere.
  QApplication::setStyle(QStyleFactory::create("Fusion"));
  if (name == "dark")
    QApplication::setPalette(darkPalette());
  else if (name == "high-contrast")
    QApplication::setPalette(highContrastPalette());
  else
    QApplication::setPalette(QApplication::style()->standardPalette());
}

void recolourPlots(QWidget* root) {
  const QPalette pal = QApplication::palette();
  for (auto* plot : root->findChildren<QCustomPlot*>())
    recolour(plot, pal);
}

} // namespace ebm::ui
