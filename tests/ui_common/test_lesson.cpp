// Lesson files: the parser (a good file, malformed TOML, unknown actions, keys, panels and field
// types, each message naming the line), the shipped lessons, and the player on a fake stage
// (actions in order, busy spells and timed waits waited out, next/back, a refused setting).
#include "lesson.h"
#include "lesson_player.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#ifndef EBM_SOURCE_DIR
#error "EBM_SOURCE_DIR must name the source tree"
#endif

namespace {

using ebm::ui::Lesson;
using ebm::ui::LessonAction;
using ebm::ui::LessonPlayer;
using ebm::ui::LessonStage;
using ebm::ui::parseLesson;
using Kind = LessonAction::Kind;

const char* kGood = R"(title = "Langevin"
summary = "three step sizes"

[[step]]
title = "Too small"
caption = "The chains barely move."
do = [
  { load = "toy2d" },
  { panel = "landscape" },
  { set = "x", step_size = 0.002, steps = 60, init = "gaussian", half_sse = true },
  { run = "x", chains = 64, seed = 7, init = "gaussian" },
  { pin = "s = 0.002" },
  { cursor = "end" },
  { wait = 4.0 },
]

[[step]]
title = "Look"
caption = "Nothing happens here."
)";

/// The message parseLesson throws for `text` ("" when it parses).
std::string parseError(const std::string& text) {
  try {
    parseLesson(text, "lessons/x.toml");
  } catch (const ebm::Error& e) {
    return e.what();
  }
  return {};
}

std::string oneStep(const std::string& actions) {
  return "title = \"t\"\n[[step]]\ntitle = \"s\"\ncaption = \"c\"\ndo = [\n" + actions + "]\n";
}

TEST(LessonParser, ReadsStepsAndActionsInFileOrder) {
  const Lesson l = parseLesson(kGood, "lessons/x.toml");
  EXPECT_EQ(l.title, "Langevin");
  EXPECT_EQ(l.summary, "three step sizes");
  ASSERT_EQ(l.steps.size(), 2u);
  const auto& a = l.steps[0].actions;
  ASSERT_EQ(a.size(), 7u);
  EXPECT_EQ(a[0].kind, Kind::Load);
  EXPECT_EQ(a[0].text, "toy2d");
  EXPECT_EQ(a[0].line, 8);
  EXPECT_EQ(a[1].kind, Kind::Panel);
  EXPECT_EQ(a[2].kind, Kind::Set);
  EXPECT_EQ(a[2].chain, "x");
  EXPECT_DOUBLE_EQ(a[2].values.number("step_size"), 0.002);
  EXPECT_EQ(a[2].values.integer("steps"), 60);
  EXPECT_EQ(a[2].values.choice("init"), "gaussian");
  EXPECT_TRUE(a[2].values.flag("half_sse"));
  EXPECT_EQ(a[3].kind, Kind::Run);
  EXPECT_EQ(a[3].chains, 64);
  EXPECT_EQ(a[3].seed, 7u);
  EXPECT_EQ(a[3].init, "gaussian");
  EXPECT_EQ(a[4].text, "s = 0.002");
  EXPECT_EQ(a[5].step, -1);
  EXPECT_DOUBLE_EQ(a[6].seconds, 4.0);
  EXPECT_TRUE(l.steps[1].actions.empty());
  EXPECT_EQ(l.steps[0].line, 4);
}

TEST(LessonParser, MalformedTomlNamesTheFileAndLine) {
  const std::string e = parseError("title = \"t\"\n[[step]]\ntitle = \"s\n");
  EXPECT_NE(e.find("lessons/x.toml line 3"), std::string::npos) << e;
}

TEST(LessonParser, UnknownActionIsNamedWithTheKnownOnes) {
  const std::string e = parseError(oneStep("{ wait = 1 },\n{ jump = 3 },\n"));
  EXPECT_NE(e.find("lessons/x.toml line 7: step 1: unknown action \"jump\" (known: load, set, "
                   "run, pin, cursor, panel, wait)"),
            std::string::npos)
      << e;
}

TEST(LessonParser, BadFieldTypeNamesTheField) {
  const std::string e = parseError(oneStep("{ set = \"x\", step_size = [1, 2] },\n"));
  EXPECT_NE(e.find("line 6: step 1: \"step_size\" must be a number"), std::string::npos) << e;
  EXPECT_NE(parseError(oneStep("{ run = \"x\", chains = 2.5 },\n")).find("\"chains\" must be a "
                                                                         "whole number"),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ run = \"x\", chains = 0 },\n")).find("must be >= 1"),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ run = \"x\", seed = 0 },\n")).find("\"seed\" = 0: must be >= 1"),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ wait = -2 },\n")).find("\"wait\" must be >= 0"),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ load = 3 },\n")).find("\"load\" must be a string"),
            std::string::npos);
}

TEST(LessonParser, UnknownPanelKeyAndMissingFieldsAreErrors) {
  EXPECT_NE(parseError(oneStep("{ panel = \"heatmap\" },\n"))
                .find("unknown panel \"heatmap\" (known: landscape, samples"),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ pin = \"a\", colour = \"red\" },\n"))
                .find("pin takes no other key, found \"colour\""),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ run = \"x\", speed = 3 },\n"))
                .find("run takes chains, seed and init, not \"speed\""),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ load = \"a\", run = \"x\" },\n")).find("one action per entry"),
            std::string::npos);
  EXPECT_NE(parseError(oneStep("{ set = \"x\" },\n")).find("set needs at least one setting"),
            std::string::npos);
  EXPECT_NE(parseError("title = \"t\"\n[[step]]\ncaption = \"c\"\n").find("\"title\" is missing"),
            std::string::npos);
  EXPECT_NE(parseError("title = \"t\"\n").find("at least one [[step]]"), std::string::npos);
  EXPECT_NE(parseError("title = \"t\"\nauthor = \"me\"\n[[step]]\ntitle = \"s\"\ncaption = \"c\"\n")
                .find("line 2: unknown key \"author\""),
            std::string::npos);
}

TEST(LessonParser, UnreadableFileIsAClearError) {
  try {
    ebm::ui::loadLesson("/nonexistent/lesson.toml");
    FAIL() << "no error";
  } catch (const ebm::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read lesson /nonexistent/lesson.toml"),
              std::string::npos)
        << e.what();
  }
}

TEST(LessonParser, EveryShippedLessonParsesAndItsCheckpointsResolve) {
  const auto paths = ebm::ui::shippedLessons();
  ASSERT_GE(paths.size(), 3u);
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    const Lesson l = ebm::ui::loadLesson(path);
    EXPECT_FALSE(l.title.empty());
    EXPECT_GE(l.steps.size(), 3u);
    for (const auto& step : l.steps)
      for (const auto& a : step.actions)
        if (a.kind == Kind::Load)
          EXPECT_TRUE(std::filesystem::exists(ebm::ui::resolveLessonCheckpoint(a.text, path)));
  }
}

// --- the player ---------------------------------------------------------------------------------

/// Records what the player asks for; busy for `busyTicks` busy() calls after each run or load.
struct FakeStage : LessonStage {
  std::vector<std::string> calls;
  int busyFor = 0;
  int busyTicks = 0;
  int running = 0, maxRunning = 0;
  std::string refuse;  // a setting key the stage refuses

  void loadModel(const std::string& path) override {
    calls.push_back("load " + std::filesystem::path(path).filename().string());
    busyFor = busyTicks;
  }
  std::string setChainSettings(const std::string& chain, const ebm::SettingValues& v) override {
    if (!refuse.empty() && v.numbers.count(refuse))
      return chain + "." + refuse + " = -1: must be > 0";
    calls.push_back("set " + chain);
    return {};
  }
  void runChain(const std::string& chain, int chains, uint64_t seed, const std::string&) override {
    calls.push_back("run " + chain + " " + std::to_string(chains) + " " + std::to_string(seed));
    busyFor = busyTicks;
    maxRunning = std::max(maxRunning, ++running);
  }
  void pinTrace(const std::string& label) override { calls.push_back("pin " + label); }
  void moveCursor(long step) override { calls.push_back("cursor " + std::to_string(step)); }
  void showPanel(const std::string& p) override { calls.push_back("panel " + p); }
  bool busy() const override {
    auto* self = const_cast<FakeStage*>(this);
    if (self->busyFor > 0) {
      --self->busyFor;
      return true;
    }
    self->running = 0;
    return false;
  }
};

Lesson lessonOf(const std::string& text) {
  return parseLesson(text, EBM_SOURCE_DIR "/resources/lessons/test.toml");
}

const char* kThreeSteps = R"(title = "t"
[[step]]
title = "one"
caption = "c"
do = [ { panel = "energy" }, { run = "x", chains = 8, seed = 3 }, { pin = "a" },
       { set = "x", step_size = 0.1 }, { run = "x" } ]
[[step]]
title = "two"
caption = "c"
do = [ { cursor = 5 }, { wait = 2 } ]
[[step]]
title = "three"
caption = "c"
do = [ { panel = "mse" } ]
)";

TEST(LessonPlayer, AppliesActionsInOrderAndWaitsWhileTheStageIsBusy) {
  FakeStage stage;
  stage.busyTicks = 3;
  LessonPlayer p;
  p.start(lessonOf(kThreeSteps));
  ASSERT_TRUE(p.active());
  p.tick(stage, 0);
  EXPECT_EQ(stage.calls, (std::vector<std::string>{"panel energy", "run x 8 3"}));
  for (int i = 0; i < 2; ++i)  // busy: nothing more
    p.tick(stage, 0);
  EXPECT_EQ(stage.calls.size(), 2u);
  for (int i = 0; i < 10; ++i)
    p.tick(stage, 0);
  EXPECT_EQ(stage.calls, (std::vector<std::string>{"panel energy", "run x 8 3", "pin a", "set x",
                                                   "run x 0 0"}));
  EXPECT_EQ(stage.maxRunning, 1);  // never two chains at once
  EXPECT_TRUE(p.waitingForKey());  // the step has no timed wait at its end
  EXPECT_EQ(p.stepIndex(), 0);
}

TEST(LessonPlayer, AStepIsOverOnlyWhenWhatItStartedIs) {
  FakeStage stage;
  stage.busyTicks = 3;
  LessonPlayer p;
  p.start(lessonOf(oneStep("{ run = \"x\", chains = 2 },\n")));
  p.tick(stage, 0);
  EXPECT_FALSE(p.waitingForKey());  // the chain still runs
  p.tick(stage, 0);
  p.tick(stage, 0);
  EXPECT_FALSE(p.waitingForKey());
  p.tick(stage, 0);
  EXPECT_TRUE(p.waitingForKey());
}

TEST(LessonPlayer, ATimedWaitEndsTheStepByItself) {
  FakeStage stage;
  LessonPlayer p;
  p.start(lessonOf(kThreeSteps));
  p.tick(stage, 0);
  p.next();
  p.tick(stage, 10);  // step two: the cursor, then two seconds from now
  EXPECT_EQ(p.stepIndex(), 1);
  EXPECT_EQ(stage.calls.back(), "cursor 5");
  p.tick(stage, 11.5);
  EXPECT_EQ(p.stepIndex(), 1);
  p.tick(stage, 12.1);
  EXPECT_EQ(p.stepIndex(), 2);  // on to step three without a key
  p.tick(stage, 12.2);
  EXPECT_EQ(stage.calls.back(), "panel mse");
  EXPECT_TRUE(p.waitingForKey());
  EXPECT_FALSE(p.finished());
  p.next();
  EXPECT_TRUE(p.finished());
}

TEST(LessonPlayer, NextDuringAStepFinishesItFirstAndBackReplaysThePreviousStep) {
  FakeStage stage;
  stage.busyTicks = 2;
  LessonPlayer p;
  p.start(lessonOf(kThreeSteps));
  p.tick(stage, 0);
  p.next();  // the step is still applying: it is finished first
  for (int i = 0; i < 20; ++i)
    p.tick(stage, 0);
  EXPECT_EQ(stage.calls[4], "run x 0 0");
  EXPECT_EQ(stage.maxRunning, 1);
  EXPECT_EQ(stage.calls[5], "cursor 5");
  EXPECT_EQ(p.stepIndex(), 1);
  p.next();  // skips the timed wait
  p.tick(stage, 0);
  EXPECT_EQ(p.stepIndex(), 2);
  p.back();
  EXPECT_EQ(p.stepIndex(), 1);
  p.tick(stage, 100);
  EXPECT_EQ(stage.calls.back(), "cursor 5");  // step two again, from its start
  p.back();
  p.back();
  EXPECT_EQ(p.stepIndex(), 0);
}

TEST(LessonPlayer, ARefusedSettingStopsTheLessonNamingItsLine) {
  FakeStage stage;
  stage.refuse = "step_size";
  LessonPlayer p;
  p.start(lessonOf(kThreeSteps));
  for (int i = 0; i < 5; ++i)
    p.tick(stage, 0);
  EXPECT_NE(p.error().find("test.toml line 6: step 1: x.step_size = -1: must be > 0"),
            std::string::npos)
      << p.error();
  EXPECT_EQ(stage.calls.back(), "pin a");  // nothing after it
  p.next();
  p.tick(stage, 0);
  EXPECT_EQ(stage.calls.back(), "pin a");
  EXPECT_EQ(p.stepIndex(), 0);
}

TEST(LessonPlayer, AnUnknownCheckpointStopsTheLesson) {
  FakeStage stage;
  LessonPlayer p;
  p.start(lessonOf(oneStep("{ load = \"no-such-model\" },\n")));
  p.tick(stage, 0);
  EXPECT_NE(p.error().find("line 6: step 1:"), std::string::npos) << p.error();
  EXPECT_NE(p.error().find("no-such-model"), std::string::npos) << p.error();
  EXPECT_TRUE(stage.calls.empty());
}

TEST(LessonPlayer, AKeyWaitInsideAStepHoldsUntilNext) {
  FakeStage stage;
  LessonPlayer p;
  p.start(lessonOf(oneStep("{ panel = \"energy\" },\n{ wait = \"key\" },\n{ panel = \"mse\" },\n")));
  p.tick(stage, 0);
  p.tick(stage, 5);
  EXPECT_TRUE(p.waitingForKey());
  EXPECT_EQ(stage.calls.back(), "panel energy");
  p.next();
  p.tick(stage, 6);
  EXPECT_EQ(stage.calls.back(), "panel mse");
  EXPECT_TRUE(p.waitingForKey());
  p.next();
  EXPECT_TRUE(p.finished());
  p.back();  // once finished, Left replays the last step
  EXPECT_FALSE(p.finished());
  EXPECT_EQ(p.stepIndex(), 0);
}

} // namespace
