// Sample-quality measures: the Fréchet distance against closed forms, the in-project
// classifier (training, file round trip, bad files), the Inception loader's errors, eval-fd on
// the shipped Fashion-MNIST model and eval-toy on the shipped toy model.
#include "models/classifier.h"
#include "errors.h"
#include "models/inception.h"
#include "eval/metrics.h"
#include "base/runtime.h"
#include "sample_quality.h"

#include "test_helpers.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace ebm {
namespace {

const std::string kFmnistDir = "/usr/share/datasets/fashion-mnist";

std::string shipped(const std::string& name) {
  return std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/" + name;
}

GaussianFit gaussian(const torch::Tensor& mean, const torch::Tensor& cov) {
  GaussianFit g;
  g.mean = mean.to(torch::kDouble);
  g.cov = cov.to(torch::kDouble);
  return g;
}

TEST(Frechet, DiagonalGaussiansMatchTheClosedForm) {
  auto gen = test::seeded(1);
  const int d = 6;
  const auto m1 = torch::randn({d}, gen, torch::kDouble), m2 = torch::randn({d}, gen, torch::kDouble);
  const auto v1 = torch::rand({d}, gen, torch::kDouble) + 0.1;
  const auto v2 = torch::rand({d}, gen, torch::kDouble) * 3 + 0.1;
  // Commuting covariances: |m1 - m2|^2 + sum (sqrt v1 - sqrt v2)^2.
  const double expected =
      (m1 - m2).pow(2).sum().item<double>() + (v1.sqrt() - v2.sqrt()).pow(2).sum().item<double>();
  const double fd = frechetDistance(gaussian(m1, torch::diag(v1)), gaussian(m2, torch::diag(v2)));
  EXPECT_NEAR(fd, expected, 1e-9 * expected);
}

TEST(Frechet, ScaledFullCovarianceMatchesTheClosedForm) {
  // S2 = c^2 S1 with a dense S1: tr S1 + c^2 tr S1 - 2 c tr S1 = (1 - c)^2 tr S1.
  auto gen = test::seeded(2);
  const int d = 8;
  const auto a = torch::randn({d, d}, gen, torch::kDouble);
  const auto s1 = a.mm(a.t()) + 0.1 * torch::eye(d, torch::kDouble);
  const auto m = torch::randn({d}, gen, torch::kDouble);
  const double c = 1.7;
  const double expected = (1 - c) * (1 - c) * s1.trace().item<double>();
  const double fd = frechetDistance(gaussian(m, s1), gaussian(m, c * c * s1));
  EXPECT_NEAR(fd, expected, 1e-8 * expected);
  // And it is symmetric.
  const auto b = torch::randn({d, d}, gen, torch::kDouble);
  const auto s2 = b.mm(b.t());
  const auto m2 = torch::randn({d}, gen, torch::kDouble);
  EXPECT_NEAR(frechetDistance(gaussian(m, s1), gaussian(m2, s2)),
              frechetDistance(gaussian(m2, s2), gaussian(m, s1)), 1e-8);
}

TEST(Frechet, ASetAgainstItselfIsZero) {
  auto gen = test::seeded(3);
  const auto mix = torch::randn({16, 16}, gen);
  const auto x = torch::randn({500, 16}, gen).mm(mix) + 3.0;
  const GaussianFit f = fitGaussian(x);
  EXPECT_EQ(f.count, 500);
  EXPECT_NEAR(frechetDistance(f, f), 0.0, 1e-7 * f.cov.trace().item<double>());
  // The fit is the sample mean and the unbiased covariance.
  const auto xd = x.to(torch::kDouble);
  const auto centred = xd - xd.mean(0);
  EXPECT_TRUE(torch::allclose(f.cov, centred.t().mm(centred) / 499.0, 1e-9, 1e-9));
  EXPECT_THROW(fitGaussian(x.narrow(0, 0, 1)), std::invalid_argument);
}

TEST(Classifier, FileRoundTripAndBadFiles) {
  const auto dir = test::tempDir("classifier_files");
  ClassifierOptions o;
  o.width = 4;
  o.features = 8;
  torch::manual_seed(4);
  FeatureClassifier net(o);
  net->eval();
  const std::string path = dir + "/c.safetensors";
  saveClassifier(path, *net, {{"data_kind", "fashion-mnist"}});
  auto back = loadClassifier(path);
  auto gen = test::seeded(5);
  const auto x = torch::rand({3, 1, 32, 32}, gen) * 2 - 1;
  EXPECT_TRUE(torch::equal(classifierFeatures(*net, x), classifierFeatures(*back, x)));
  EXPECT_EQ(classifierFeatures(*back, x).sizes(), (std::vector<int64_t>{3, 8}));

  try {
    loadClassifier(dir + "/missing.safetensors");
    ADD_FAILURE() << "missing file accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.safetensors"), std::string::npos) << e.what();
  }
  try {
    loadClassifier(shipped("toy2d.safetensors"));  // a valid safetensors file, but a model
    ADD_FAILURE() << "an EBM checkpoint accepted as a classifier";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("not a classifier"), std::string::npos) << e.what();
  }
}

TEST(Inception, MissingOrInvalidFilesGiveClearErrors) {
  const auto dir = test::tempDir("inception");
  try {
    InceptionFeatures f(dir + "/nope.pt", torch::kCPU);
    ADD_FAILURE() << "missing file accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope.pt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  const std::string bad = dir + "/garbage.pt";
  std::ofstream(bad) << "definitely not a zip archive";
  try {
    InceptionFeatures f(bad, torch::kCPU);
    ADD_FAILURE() << "garbage accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.pt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a TorchScript module"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(InceptionFeatures(bad, torch::kCPU, "0-255"), ConfigError);
}

// The reference maps (x + 1) / 2 and clamps to [0, 1] before resizing: an image with values
// outside [-1, 1] gives the same Inception input as its clamped copy.
TEST(Inception, InputIsClampedBeforeTheResize) {
  const auto dir = test::tempDir("inception_input");
  const std::string path = dir + "/mean.pt";
  torch::jit::Module m("MeanPool");
  m.define("def forward(self, x):\n    return x.mean([2, 3])\n");
  m.save(path);
  InceptionFeatures f(path, torch::kCPU, "01");
  auto gen = test::seeded(6);
  const auto x = torch::rand({2, 3, 8, 8}, gen) * 6 - 3;  // mostly outside [-1, 1]
  const auto in = f.prepare(x);
  EXPECT_EQ(in.sizes(), (std::vector<int64_t>{2, 3, 299, 299}));
  EXPECT_TRUE(torch::allclose(in, f.prepare(x.clamp(-1, 1)), 0, 1e-6));
  EXPECT_GE(in.min().item<float>(), 0.0f);
  EXPECT_LE(in.max().item<float>(), 1.0f);
  // A constant image keeps its value: -0.5 -> 0.25.
  EXPECT_TRUE(torch::allclose(f.prepare(torch::full({1, 1, 5, 5}, -0.5)),
                              torch::full({1, 3, 299, 299}, 0.25), 0, 1e-6));
  const auto feats = f.features(x);
  EXPECT_EQ(feats.sizes(), (std::vector<int64_t>{2, 3}));
  InceptionFeatures pm1(path, torch::kCPU, "pm1");
  EXPECT_TRUE(torch::allclose(pm1.prepare(x), in * 2 - 1, 0, 1e-5));
}

// eval-fd names every way in which the settings in effect differ from the paper's protocol.
TEST(SampleQuality, PaperProtocolDifferencesNameEachDeviation) {
  LangevinXConfig training;  // a checkpoint's training sampler
  training.steps = 30;
  training.stepSize = 0.5;
  training.noise = 1e-3;
  FdOptions o;
  o.inception = "inception.pt";
  applyPaperProtocol(o);
  EXPECT_EQ(o.sampling.samples, 50000);
  EXPECT_EQ(o.split, "train");
  EXPECT_TRUE(paperProtocolDifferences(o, training).empty());

  auto contains = [](const std::vector<std::string>& lines, const std::string& needle) {
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.find(needle) != std::string::npos;
    });
  };
  FdOptions d = o;
  d.sampling.samples = 1000;
  d.split = "test";
  auto lines = paperProtocolDifferences(d, training);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(contains(lines, "1000 generated samples"), 1);
  EXPECT_EQ(contains(lines, "the test split"), 1);

  // The checkpoint's sampler where the options leave it unset: k_x and s_x differ, n_x not.
  d = o;
  d.sampling.xSteps = -1;
  d.sampling.xStepSize = 0;
  d.sampling.xNoise = -1;
  lines = paperProtocolDifferences(d, training);
  ASSERT_EQ(lines.size(), 2u) << lines.front();
  EXPECT_EQ(contains(lines, "k_x = 30 (the checkpoint's)"), 1);
  EXPECT_EQ(contains(lines, "s_x = 0.5 (the checkpoint's)"), 1);
  training.noise = 0.01;
  EXPECT_EQ(contains(paperProtocolDifferences(d, training), "n_x = 0.01"), 1);
  training.noise = 1e-3;

  d = o;
  d.inception.clear();
  d.classifier = "fmnist.safetensors";
  d.sampling.batch = 50;
  lines = paperProtocolDifferences(d, training);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(contains(lines, "no Inception"), 1);
  EXPECT_EQ(contains(lines, "batch: 50"), 1);
  d = o;
  d.inceptionRange = "pm1";
  lines = paperProtocolDifferences(d, training);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(contains(lines, "range pm1"), 1);

  // The defaults of eval-fd differ in samples, split, sampler and (without a file) features.
  FdOptions defaults;
  EXPECT_EQ(paperProtocolDifferences(defaults, training).size(), 5u);
}

// Trains a deliberately tiny classifier on a slice of Fashion-MNIST (seconds), then measures the
// shipped model with it. The full-size classifier is trained by `ebm-lab-cli train-classifier`.
TEST(Classifier, LearnsAndRanksRealImagesAboveSamples) {
  if (!std::filesystem::exists(kFmnistDir))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  configureThreads(2);
  const auto dir = test::tempDir("classifier_fd");
  ClassifierTrainOptions t;
  t.limit = 3000;
  t.epochs = 1;
  t.width = 8;
  t.features = 32;
  t.out = dir + "/tiny.safetensors";
  const auto r = trainClassifier(t);
  EXPECT_GT(r.testAccuracy, 0.6) << "after one epoch on 3000 images";
  EXPECT_EQ(r.testImages, 10000);

  FdOptions o;
  o.sampling.checkpoint = shipped("fmnist-small.safetensors");
  o.sampling.samples = 200;
  o.sampling.xSteps = 5;
  o.sampling.device = "cpu";
  o.sampling.threads = 2;
  o.classifier = t.out;
  const auto fd = evaluateFd(o);
  ASSERT_EQ(fd.rows.size(), 3u);
  EXPECT_EQ(fd.split, "test");
  EXPECT_EQ(fd.classifierName, "FMNIST-FD");
  EXPECT_EQ(fd.rows[0].samples, "generator");
  EXPECT_EQ(fd.rows[1].samples, "revised");
  EXPECT_EQ(fd.rows[2].samples, "train");
  for (const auto& row : fd.rows)
    EXPECT_TRUE(std::isfinite(row.fd) && row.fd >= 0) << row.samples;
  // Real training images are closer to the test split than the small model's samples.
  EXPECT_LT(fd.rows[2].fd, fd.rows[0].fd);
  EXPECT_LT(fd.rows[2].fd, fd.rows[1].fd);

  // A classifier for another image shape is refused with both shapes named.
  ClassifierOptions other;
  other.imageSize = 28;
  FeatureClassifier net28(other);
  saveClassifier(dir + "/c28.safetensors", *net28);
  o.classifier = dir + "/c28.safetensors";
  try {
    evaluateFd(o);
    ADD_FAILURE() << "28-px classifier accepted for a 32-px model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1x28x28"), std::string::npos) << e.what();
  }
}

TEST(SampleQuality, ToyModelSamplesAreMeasuredAgainstTheTrueDensity) {
  configureThreads(1);
  SampleOptions o;
  o.checkpoint = shipped("toy2d.safetensors");
  o.samples = 500;
  o.device = "cpu";
  const auto r = evaluateToy(o);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.toy, "8gaussians");
  for (const auto& row : r.rows) {
    EXPECT_TRUE(std::isfinite(row.mmd) && row.mmd >= 0) << row.samples;
    EXPECT_TRUE(std::isfinite(row.meanLogDensity)) << row.samples;
  }
  // Fresh true samples are the floor of both measures.
  EXPECT_LE(r.rows[2].mmd, r.rows[0].mmd);
  EXPECT_GE(r.rows[2].meanLogDensity, r.rows[0].meanLogDensity - 0.5);
  o.checkpoint = shipped("fmnist-small.safetensors");
  EXPECT_THROW(evaluateToy(o), Error);
}

} // namespace
} // namespace ebm
