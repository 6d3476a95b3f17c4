// ViewerLessons: the lesson ebm-viewer plays. It opens a lesson file (a malformed one or an
// unknown checkpoint: the parser's message in the lesson bar and on stderr, the model keeps
// running), holds the viewer's automatic revisions back while a lesson plays (as ebm-lab), ticks
// the LessonPlayer from the frame loop (never blocking), prints the lesson's progress on stderr
// and lists the shipped lessons (L). GUI thread only.
#pragma once

#include "lesson_player.h"
#include "viewer_lesson_stage.h"

#include <string>
#include <vector>

namespace ebm::viewer {

class ViewerLessons {
public:
  explicit ViewerLessons(ViewerSession& session);

  /// Reads and starts a lesson; a file that does not parse is shown as the bar's error.
  void open(const std::string& path);
  void end();
  void next();
  void back();
  /// Once per frame: applies what is due at `nowSeconds`, reports progress. Returns whether
  /// the bar shows anything new (a step, a wait for a key, the end, an error).
  bool tick(double nowSeconds);
  /// > 0: a step waiting for a key goes on after this many seconds (--screenshot, where no one
  /// presses Space, so a later shot shows a later step being played).
  void setAutoAdvance(double seconds) { m_autoAdvance = seconds; }

  bool active() const { return m_player.active(); }
  /// The lesson bar is up: a lesson plays, or one could not be opened (its error shows).
  bool shown() const { return m_player.active() || !m_openError.empty(); }
  const ui::LessonPlayer& player() const { return m_player; }
  /// Why the lesson stopped or could not be opened ("" while it plays).
  std::string error() const;
  LessonView& view() { return m_view; }
  const LessonView& view() const { return m_view; }

  /// The list of shipped lessons (L): a click starts one. `visible` is cleared when it closes.
  void drawMenu(bool* visible);

private:
  void report();

  ViewerSession& m_session;
  LessonView m_view;
  ViewerLessonStage m_stage;
  ui::LessonPlayer m_player;
  std::string m_openError;
  std::vector<std::pair<std::string, std::string>> m_shipped;  // path, title
  double m_autoAdvance = 0;
  double m_keyWaitSince = -1;  // when the player began waiting for a key (-1: it does not)
  int m_reportedStep = -1;
  bool m_reportedEnd = false;
  std::string m_reportedError;
};

} // namespace ebm::viewer
