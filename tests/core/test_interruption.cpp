// Long calls of the core API end with Interrupted when their stop flag is set, naming how far
// they got, and return nothing.
#include "bench.h"
#include "classifier_training.h"
#include "errors.h"
#include "evaluate.h"
#include "protocols.h"
#include "sample_quality.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace ebm {
namespace {

std::string interruptionCheckpoint(const std::string& name) {
  return std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/" + name + ".safetensors";
}

template <typename Fn> std::string interruptionMessage(Fn fn) {
  try {
    fn();
  } catch (const Interrupted& e) {
    return e.what();
  }
  return "(not interrupted)";
}

TEST(Interruption, EvaluationsStopAtTheirFirstBatch) {
  std::atomic<bool> stop{true};
  ReconstructionOptions r;
  r.checkpoint = interruptionCheckpoint("fmnist-small");
  r.images = 4;
  r.batch = 2;
  r.stop = &stop;
  EXPECT_NE(interruptionMessage([&] { evaluateReconstruction(r); }).find("after 0 of 4 images"),
            std::string::npos);

  OodOptions o;
  o.checkpoint = interruptionCheckpoint("fmnist-small");
  o.images = 4;
  o.stop = &stop;
  EXPECT_NE(interruptionMessage([&] { evaluateOod(o); }).find("OOD detection stopped"),
            std::string::npos);

  SampleOptions s;
  s.checkpoint = interruptionCheckpoint("toy2d");
  s.samples = 8;
  s.batch = 4;
  s.stop = &stop;
  EXPECT_NE(interruptionMessage([&] { evaluateToy(s); }).find("after 0 of 8 samples"),
            std::string::npos);
  s.checkpoint = interruptionCheckpoint("cdrl-toy2d");  // a sampler from noise, level by level
  EXPECT_NE(interruptionMessage([&] { evaluateToy(s); }).find("sampling stopped"),
            std::string::npos);
}

TEST(Interruption, ProtocolsBenchmarksAndClassifierTrainingStop) {
  std::atomic<bool> stop{true};
  InpaintTableOptions t;
  t.checkpoint = interruptionCheckpoint("cdrl-fmnist");
  t.images = 2;
  t.batch = 1;
  t.kinds = {"M20"};
  t.stop = &stop;
  EXPECT_NE(interruptionMessage([&] { evaluateInpainting(t); }).find("inpainting stopped"),
            std::string::npos);

  InterpolationStripOptions i;
  i.checkpoint = interruptionCheckpoint("cdrl-fmnist");
  i.rows = 2;
  i.points = 3;
  i.stop = &stop;
  EXPECT_NE(interruptionMessage([&] { interpolationStrips(i); }).find("after 0 of 2 rows"),
            std::string::npos);

  BenchOptions b;
  b.presets = {"toy2d"};
  b.stop = &stop;
  EXPECT_NE(interruptionMessage([&] { runBenchmark(b); }).find("nothing written"),
            std::string::npos);

  ClassifierTrainOptions c;
  c.out = std::string(EBM_TEST_TMP) + "/interrupted-classifier.safetensors";
  c.limit = 64;
  c.batch = 16;
  c.stop = &stop;
  EXPECT_NE(interruptionMessage([&] { trainClassifier(c); }).find("no classifier written"),
            std::string::npos);
}

TEST(Interruption, AnUnsetFlagChangesNothing) {
  std::atomic<bool> stop{false};
  SampleOptions s;
  s.checkpoint = interruptionCheckpoint("toy2d");
  s.samples = 8;
  s.batch = 4;
  s.xSteps = 2;
  s.stop = &stop;
  const auto withFlag = evaluateToy(s);
  s.stop = nullptr;
  const auto without = evaluateToy(s);
  ASSERT_EQ(withFlag.rows.size(), without.rows.size());
  for (size_t k = 0; k < without.rows.size(); ++k)
    EXPECT_DOUBLE_EQ(withFlag.rows[k].mmd, without.rows[k].mmd);
}

TEST(Interruption, ToyEvaluationRefusesAnImpossibleSampleCount) {
  SampleOptions s;
  s.checkpoint = interruptionCheckpoint("toy2d");
  s.samples = 100000000;
  try {
    evaluateToy(s);
    FAIL() << "100000000 samples accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("too many"), std::string::npos);
  }
}

} // namespace
} // namespace ebm
