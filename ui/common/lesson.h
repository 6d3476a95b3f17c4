// Lesson files: a small TOML file of ordered steps, each with a title, a caption the audience
// reads and actions (load a model, set chain settings, run a chain, pin a trace, move the step
// cursor, raise a panel, wait). parseLesson checks everything that needs no model; the chain
// settings are checked against the loaded model when the lesson plays (LessonPlayer). Plain C++
// over core/api (and toml++): no Qt, GL or LibTorch. Any thread; the functions share no state.
#pragma once

#include "method_info.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ebm::ui {

struct LessonAction {
  enum class Kind { Load, Set, Run, Pin, Cursor, Panel, Wait };
  Kind kind = Kind::Wait;
  int line = 0;          // the action's line in the lesson file
  std::string text;      // load: checkpoint name or path; pin: label; panel: panel name
  std::string chain;     // set, run: the chain's name
  SettingValues values;  // set: the chain settings it changes
  int chains = 0;        // run: number of chains (0: the front end's choice)
  uint64_t seed = 0;     // run: the seed, >= 1 in a file (0: the front end's choice)
  std::string init;      // run: the start ("": the front end's choice)
  long step = -1;        // cursor: the step (-1: the last one)
  double seconds = -1;   // wait: seconds (-1: wait for a key)
};

struct LessonStep {
  std::string title;
  std::string caption;
  std::vector<LessonAction> actions;
  int line = 0;  // the line of its [[step]]
};

struct Lesson {
  std::string title, summary, path;  // path: the file it came from (or the source name)
  std::vector<LessonStep> steps;
};

/// The panels an action may raise, in the order messages list them.
const std::vector<std::string>& lessonPanels();

/// Parses a lesson. Throws ebm::Error whose message names `source`, the line and the field
/// (`lessons/x.toml line 14: step 3: "step_size" must be a number`).
Lesson parseLesson(const std::string& text, const std::string& source);
/// Reads and parses a file; an unreadable file throws ebm::Error naming it.
Lesson loadLesson(const std::string& path);
/// The shipped lessons (resources/lessons/*.toml in the resource dirs), sorted by file name; a
/// name found in several dirs is listed once (the first dir wins, as findResource decides).
std::vector<std::string> shippedLessons();
/// A load action's checkpoint: a shipped name ("toy2d" -> resources/checkpoints/toy2d.
/// safetensors) or a path, relative ones read beside the lesson first. Throws ebm::Error.
std::string resolveLessonCheckpoint(const std::string& name, const std::string& lessonPath);

} // namespace ebm::ui
