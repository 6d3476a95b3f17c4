// Themes of the app: light (the platform's), dark and high contrast. A theme sets the
// application palette and recolours every QCustomPlot under a widget (backgrounds, axes,
// ticks, grids, legends), so plots follow the theme instead of staying white. GUI thread only.
#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace ebm::ui {

/// "light", "dark", "high-contrast".
QStringList themeNames();
/// Sets the application palette; unknown names fall back to "light".
void applyTheme(const QString& name);
/// Recolours the plots under `root` for the current palette.
void recolourPlots(QWidget* root);

} // namespace ebm::ui
