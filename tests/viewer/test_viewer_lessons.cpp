// ebm-viewer's lessons without a window: ViewerLessonStage + LessonPlayer over a real
// ViewerSession. Every shipped lesson plays to its end (Next whenever a step waits for a key),
// leaving the chain settings it set in the session and a trace of each chain it ran that records
// the lesson's step size; a lesson that sets the x step size and runs the chain changes the
// session's settings and the trace records the change; a setting the model refuses stops the
// lesson with a message naming the line.
#include "viewer_lesson_stage.h"
#include "viewer_session.h"

#include "lesson_outcome.h"
#include "shipped_models.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <thread>

namespace {

using ebm::SettingValues;
using ebm::ui::Lesson;
using ebm::ui::LessonAction;
using ebm::ui::LessonPlayer;
using ebm::viewer::LessonView;
using ebm::viewer::ViewerLessonStage;
using ebm::viewer::ViewerOptions;
using ebm::viewer::ViewerSession;

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// A toy2d session as the viewer opens it under --lesson: chains as fast as the model computes,
/// no automatic revisions.
std::unique_ptr<ViewerSession> lessonSession(const std::string& name) {
  ViewerOptions o;
  o.checkpoint = ebm::ui::shippedCheckpoint("toy2d");
  o.device = "cpu";
  o.threads = 1;
  o.runDir = std::string(EBM_TEST_TMP) + "/viewer-lesson-" + name;
  auto s = std::make_unique<ViewerSession>(o);
  s->holdRevisions();
  s->speed().set(0);
  s->applySpeed();
  return s;
}

/// Frames of the viewer: update, tick the player, Next on a key wait; until `done` or `seconds`.
bool play(ViewerSession& s, LessonPlayer& p, ViewerLessonStage& stage,
          const std::function<bool()>& done, double seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  while (secondsSince(t0) < seconds) {
    s.update();
    p.tick(stage, secondsSince(t0));
    if (done())
      return true;
    if (p.waitingForKey())
      p.next();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

/// The lesson's outcome in the session, and in the settings the viewer shows.
void expectLeftBehind(const ViewerSession& s, const ebm::test::LessonOutcome& e) {
  ebm::test::expectOutcome(*s.snapshot(), e);
  for (const auto& [chain, values] : e.settings)
    for (const auto& [key, value] : values.numbers)
      EXPECT_NEAR(s.settings(chain).number(key), value, 1e-9 * (1 + std::abs(value)))
          << "shown " << chain << "." << key;
}

TEST(ViewerLessons, EveryShippedLessonPlaysToItsEnd) {
  const auto paths = ebm::ui::shippedLessons();
  ASSERT_GE(paths.size(), 3u);
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    auto s = lessonSession("shipped");
    LessonView view;
    ViewerLessonStage stage(*s, view);
    LessonPlayer p;
    const Lesson lesson = ebm::ui::loadLesson(path);
    p.start(lesson);
    ASSERT_TRUE(play(*s, p, stage, [&] { return p.finished() || !p.error().empty(); }, 600))
        << "step " << p.stepIndex() + 1;
    ASSERT_EQ(p.error(), "");
    ASSERT_TRUE(play(*s, p, stage, [&] { return !stage.busy(); }, 120));
    EXPECT_EQ(s->lastError(), "");
    expectLeftBehind(*s, ebm::test::lessonOutcome(lesson));
    EXPECT_FALSE(s->repeat());  // no automatic revisions while a lesson plays
  }
}

TEST(ViewerLessons, ALessonSetsTheStepSizeAndTheTraceRecordsIt) {
  auto s = lessonSession("step-size");
  LessonView view;
  ViewerLessonStage stage(*s, view);
  LessonPlayer p;
  p.start(ebm::ui::parseLesson("title = \"t\"\n[[step]]\ntitle = \"s\"\ncaption = \"c\"\n"
                               "do = [ { set = \"x\", step_size = 0.37, steps = 6 },\n"
                               "       { run = \"x\", chains = 4, seed = 3 },\n"
                               "       { panel = \"mse\" }, { panel = \"compare\" } ]\n",
                               "step.toml"));
  ASSERT_TRUE(play(*s, p, stage, [&] { return p.waitingForKey(); }, 120)) << p.error();
  const auto& snap = *s->snapshot();
  EXPECT_DOUBLE_EQ(snap.chains.at("x").settings.number("step_size"), 0.37);
  EXPECT_DOUBLE_EQ(s->settings("x").number("step_size"), 0.37);
  const auto trace = ebm::ui::traceOf(&snap, "x");
  ASSERT_TRUE(trace && trace->finished);
  ASSERT_FALSE(trace->stepSize.empty());
  EXPECT_DOUBLE_EQ(trace->stepSize.back(), 0.37);
  // "mse" raises the curve tab; "compare" is ebm-lab's: a note, not a failure.
  EXPECT_EQ(view.curve, "MSE");
  EXPECT_NE(view.note.find("compare"), std::string::npos);
}

TEST(ViewerLessons, ARefusedSettingStopsTheLessonNamingItsLine) {
  auto s = lessonSession("refused");
  LessonView view;
  ViewerLessonStage stage(*s, view);
  LessonPlayer p;
  p.start(ebm::ui::parseLesson("title = \"t\"\n[[step]]\ntitle = \"s\"\ncaption = \"c\"\n"
                               "do = [\n  { panel = \"energy\" },\n"
                               "  { set = \"x\", step_size = -1 },\n  { run = \"x\" },\n]\n",
                               "refused.toml"));
  ASSERT_TRUE(play(*s, p, stage, [&] { return !p.error().empty(); }, 120));
  EXPECT_NE(p.error().find("refused.toml line 7: step 1: x.step_size = -1"), std::string::npos)
      << p.error();
  EXPECT_NE(s->snapshot()->chains.at("x").settings.number("step_size"), -1);
  EXPECT_FALSE(ebm::ui::traceOf(s->snapshot().get(), "x"));  // the run after it never went in
}

} // namespace
