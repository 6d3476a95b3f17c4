// What the viewer's panels share in look: the dark theme (colours, rounding, spacing scaled for
// presenters), the font (DejaVu Sans when installed, with the glyphs the panels print: Greek,
// arrows, maths, punctuation), and a section heading. GUI thread; ImGui.
#pragma once

struct ImFont;

namespace ebm::viewer {

/// Loads the font at 16 px x `scale` and applies the dark theme with its sizes scaled.
void applyStyle(float scale);
/// The larger font of a lesson's caption (the text font where DejaVu Sans is missing).
ImFont* captionFont();
/// A coloured heading with a rule under it.
void sectionTitle(const char* title);
/// A tooltip for the last item.
void helpTip(const char* text);

} // namespace ebm::viewer
