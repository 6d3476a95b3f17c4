// LessonPlayer plays a Lesson on a LessonStage, the part of a front end (ebm-lab, ebm-viewer)
// that does what the actions ask. The front end calls tick() from its GUI clock; the player
// applies the current step's actions in order, waiting while the stage is busy (a model loads,
// a chain runs) and on timed waits; a step is over once the stage is idle after its last action,
// and then waits for a key unless it ends with a timed wait. One thread (the GUI's). Plain C++: no Qt, GL or LibTorch.
#pragma once

#include "lesson.h"

#include <cstdint>
#include <string>

namespace ebm::ui {

/// What a front end does for a lesson; implemented by ebm-lab and ebm-viewer.
class LessonStage {
public:
  virtual ~LessonStage() = default;
  virtual void loadModel(const std::string& checkpointPath) = 0;  // a resolved path
  /// "" when applied, else the reason (an unknown chain, a setting the schema refuses).
  virtual std::string setChainSettings(const std::string& chain, const SettingValues& v) = 0;
  /// chains 0, seed 0, init "": the front end's own choice.
  virtual void runChain(const std::string& chain, int chains, uint64_t seed,
                        const std::string& init) = 0;
  virtual void pinTrace(const std::string& label) = 0;  // "" = the front end's label
  virtual void moveCursor(long step) = 0;               // -1: the last step
  virtual void showPanel(const std::string& panel) = 0;  // one of lessonPanels()
  virtual bool busy() const = 0;  // a model loads or a chain runs: the player waits
};

class LessonPlayer {
public:
  /// Plays `lesson` from its first step (a lesson without steps is not started).
  void start(Lesson lesson);
  /// Ends the lesson; what the stage did stays as it is.
  void stop();
  bool active() const { return m_active; }
  /// Applies what is due at `nowSeconds` (any monotonic clock).
  void tick(LessonStage& stage, double nowSeconds);
  /// Space / Right: the next step. During a step still applying, its remaining actions are
  /// applied first (timed waits skipped, the stage's busy spells still waited out), then the
  /// next step begins. On the last step it finishes the lesson.
  void next();
  /// Left: replays the previous step from its start (the current one on the first step, the
  /// last one once finished); clears an error.
  void back();

  int stepIndex() const { return m_step; }
  int stepCount() const { return int(m_lesson.steps.size()); }
  const LessonStep* step() const;
  bool finished() const { return m_finished; }
  /// The step's actions are done, the stage is idle, and the step waits for next().
  bool waitingForKey() const { return m_waitingKey; }
  /// Why the lesson stopped ("" while it plays): names the lesson's file and line.
  std::string error() const { return m_error; }
  const Lesson& lesson() const { return m_lesson; }

private:
  void beginStep(int index);
  bool applyNext(LessonStage& stage, double now);  // false: wait
  bool waitOn(const LessonAction& a, double now);   // true: the wait is over
  void apply(LessonStage& stage, const LessonAction& a);
  void endStep();
  void fail(const LessonAction& a, const std::string& message);

  Lesson m_lesson;
  bool m_active = false;
  int m_step = 0;
  size_t m_action = 0;       // the next action of the step to apply
  double m_waitUntil = -1;   // the end of the running timed wait (-1: none)
  bool m_waitingKey = false;
  bool m_rushing = false;    // next() came during the step: finish it, then go on
  bool m_finished = false;
  std::string m_error;
};

} // namespace ebm::ui
