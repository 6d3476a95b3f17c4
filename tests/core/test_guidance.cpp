// Classifier-free guidance and compositional generation (METHODS §3.8, §4.4): the combination
// rule, labelled toy data, conditional CDRL end to end (labels reach training, guidance and
// composition reach sampling), and composition concentrating a sampler on the composed mode of
// a 5 x 5 grid labelled by row and by column.
#include "base/runtime.h"
#include "data/data_source.h"
#include "data/toy2d.h"
#include "errors.h"
#include "methods/method.h"
#include "methods/recovery/recovery_method.h"
#include "sampling/guidance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

namespace ebm {
namespace {

TEST(Guidance, WeightZeroIsTheConditionalModelAndWIsTheStatedCombination) {
  const auto u = torch::tensor({1.0, -2.0, 0.5});
  const auto t = torch::tensor({3.0, 1.0, -1.0});
  // w = 0 on one label: exactly the conditional term, without the unconditional one.
  const Guidance plain = makeGuidance({torch::zeros({3}, torch::kLong)}, {1.0}, 0.0);
  EXPECT_FALSE(plain.needsUnconditional());
  EXPECT_TRUE(torch::equal(guidedCombination({}, {t}, plain.coefficients), t));
  // w = 2: (1 + w) t - w u.
  const Guidance guided = makeGuidance({torch::zeros({3}, torch::kLong)}, {1.0}, 2.0);
  EXPECT_TRUE(guided.needsUnconditional());
  EXPECT_TRUE(torch::allclose(guidedCombination(u, {t}, guided.coefficients), 3 * t - 2 * u));
  EXPECT_THROW(guidedCombination({}, {t}, guided.coefficients), std::invalid_argument);
  // Composition with unit weights: t1 + t2 - u (the product of experts).
  const auto t2 = torch::tensor({0.0, 4.0, 2.0});
  const Guidance both = makeGuidance({torch::zeros({3}, torch::kLong), torch::ones({3}, torch::kLong)},
                                     {1.0, 1.0}, 0.0);
  EXPECT_TRUE(torch::allclose(guidedCombination(u, {t, t2}, both.coefficients), t + t2 - u));
}

TEST(LabelledToys, GridPointsCarryTheirRowOrTheirColumn) {
  auto gen = makeGenerator(torch::kCPU, 3);
  auto [x, labels] = sampleToy2dLabelled("25gaussians", 4000, gen);
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{4000, 2}));
  ASSERT_EQ(labels.sizes(), (std::vector<int64_t>{4000}));
  EXPECT_EQ(toyLabelCount("25gaussians"), 10);
  EXPECT_EQ(toyLabelNames("25gaussians")[7], "column 2");
  const auto rows = labels < 5;
  const double rowShare = rows.to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(rowShare, 0.5, 0.05);
  // A row label fixes y = -0.8 + 0.4 r; a column label fixes x = -0.8 + 0.4 c.
  const auto axis = [](const torch::Tensor& k) { return -0.8 + 0.4 * k.to(torch::kFloat); };
  const auto rowErr = (x.select(1, 1) - axis(labels)).abs().masked_select(rows);
  const auto colErr = (x.select(1, 0) - axis(labels - 5)).abs().masked_select(~rows);
  EXPECT_LT(rowErr.max().item<double>(), 0.2);
  EXPECT_LT(colErr.max().item<double>(), 0.2);
  // 8gaussians: the mode index.
  auto [e, modes] = sampleToy2dLabelled("8gaussians", 100, gen);
  const auto angle = torch::atan2(e.select(1, 1), e.select(1, 0));
  const auto expected = torch::remainder(torch::round(angle / (M_PI / 4)), 8).to(torch::kLong);
  EXPECT_TRUE(torch::equal(expected, modes));
  EXPECT_THROW(sampleToy2dLabelled("checkerboard", 4, gen), ConfigError);
}

// log p(y | one of the given grid modes), differentiable (the test's analytic energies).
torch::Tensor gridLogDensity(const torch::Tensor& y, const std::vector<int64_t>& modes) {
  std::vector<torch::Tensor> terms;
  for (int64_t k : modes) {
    const double cx = -0.8 + 0.4 * static_cast<double>(k / 5);
    const double cy = -0.8 + 0.4 * static_cast<double>(k % 5);
    const auto c = torch::tensor({cx, cy}, y.options());
    terms.push_back((y - c).pow(2).sum(1) * (-0.5 / (0.04 * 0.04)));
  }
  return torch::logsumexp(torch::stack(terms, 1), 1);
}

TEST(Composition, RowAndColumnConcentrateLangevinOnTheirCommonMode) {
  // Row 1 (y = -0.4) and column 3 (x = 0.4) of the grid: each alone spreads samples over five
  // modes; composed as f(row) + f(column) - f(all) they share one mode, (0.4, -0.4).
  std::vector<int64_t> row, column, all;
  for (int64_t k = 0; k < 25; ++k) {
    all.push_back(k);
    if (k % 5 == 1)
      row.push_back(k);
    if (k / 5 == 3)
      column.push_back(k);
  }
  // The analytic terms agree with the toy's own labelled densities (up to their constants).
  auto gen = makeGenerator(torch::kCPU, 5);
  const auto probe = torch::rand({6, 2}, gen, torch::kDouble) * 2 - 1;
  const auto diff = toyLogDensityGiven("25gaussians", 1, probe) - gridLogDensity(probe, row);
  EXPECT_LT((diff - diff[0]).abs().max().item<double>(), 1e-9);

  const Guidance compose = makeGuidance({torch::zeros({1}), torch::zeros({1})}, {1.0, 1.0}, 0.0);
  auto run = [&](bool composed) {
    auto g = makeGenerator(torch::kCPU, 6);
    auto y = torch::rand({400, 2}, g, torch::kDouble) * 2 - 1;
    const double eps = 0.01;
    for (int step = 0; step < 600; ++step) {
      auto yg = y.detach().requires_grad_(true);
      const auto fRow = gridLogDensity(yg, row);
      const auto f = composed ? guidedCombination(gridLogDensity(yg, all),
                                                  {fRow, gridLogDensity(yg, column)},
                                                  compose.coefficients)
                              : fRow;
      const auto grad = torch::autograd::grad({f.sum()}, {yg})[0];
      y = (y + 0.5 * eps * eps * grad + eps * torch::randn(y.sizes(), g, y.options())).detach();
    }
    const auto target = torch::tensor({0.4, -0.4}, torch::kDouble);
    return ((y - target).norm(2, 1) < 0.15).to(torch::kDouble).mean().item<double>();
  };
  const double composedShare = run(true), rowOnly = run(false);
  EXPECT_GT(composedShare, 0.9);
  EXPECT_LT(rowOnly, 0.4);
}

RunConfig conditionalToy() {
  RunConfig cfg = RunConfig::fromPreset("cdrl-toy2d");
  cfg.data.toy = "25gaussians";
  cfg.train.batchSize = 64;
  for (const char* o : {"cdrl.model.conditional=true", "cdrl.model.ebm_width=16",
                        "cdrl.model.temb_dim=16", "cdrl.model.init_groups=4",
                        "cdrl.model.init_width=16", "cdrl.model.init_temb_dim=16",
                        "cdrl.y.steps=4", "cdrl.sample.steps=4"})
    cfg.applyOverride(o);
  cfg.validate();
  return cfg;
}

std::unique_ptr<TrainingMethod> trainedBriefly(const RunConfig& cfg) {
  auto method = makeMethod(cfg, torch::kCPU);
  auto gen = makeGenerator(torch::kCPU, 21);
  FixedChainSettings settings(*method, cfg);
  auto data = makeDataSource(cfg.data, cfg.model);
  for (int i = 0; i < 3; ++i) {
    MethodContext ctx = settings.context(torch::kCPU, gen);
    const auto batch = data->nextLabelled(cfg.train.batchSize, gen);
    EXPECT_TRUE(batch.labels.defined());
    ctx.labels = batch.labels;
    const auto r = method->iterate(batch.x, ctx);
    EXPECT_FALSE(r.diverged) << r.message;
  }
  return method;
}

torch::Tensor sampleWith(TrainingMethod& method, const RunConfig& cfg,
                         const std::vector<std::pair<std::string, std::string>>& choices,
                         const std::vector<std::pair<std::string, double>>& numbers) {
  FixedChainSettings s(method, cfg);
  for (const auto& [k, v] : choices)
    s.set("sample", k, v);
  for (const auto& [k, v] : numbers)
    s.set("sample", k, v);
  auto g = makeGenerator(torch::kCPU, 33);
  MethodContext c = s.context(torch::kCPU, g);
  return method.revise({"sample", 12, "", {}}, c);
}

TEST(ConditionalCdrl, LabelsGuidanceAndCompositionReachTheSampler) {
  const RunConfig cfg = conditionalToy();
  const auto info = describeMethod(cfg);
  const ChainSpec* sample = info->chain("sample");
  ASSERT_NE(sample, nullptr);
  auto has = [&](const std::string& key) {
    for (const auto& s : sample->settings)
      if (s.key == key)
        return true;
    return false;
  };
  EXPECT_TRUE(has("guidance"));
  EXPECT_TRUE(has("label_2"));
  auto method = trainedBriefly(cfg);
  const auto three = sampleWith(*method, cfg, {{"label", "3"}}, {});
  const auto seven = sampleWith(*method, cfg, {{"label", "7"}}, {});
  EXPECT_FALSE(torch::allclose(three, seven)); // the label conditions the chains
  // Guidance w on a label equals that label with weight 1 + w: both are a = 1 + w.
  const auto guided = sampleWith(*method, cfg, {{"label", "3"}}, {{"guidance", 1.5}});
  const auto weighted = sampleWith(*method, cfg, {{"label", "3"}}, {{"weight", 2.5}});
  EXPECT_TRUE(torch::allclose(guided, weighted, 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(guided, three));
  // Composing a label with itself at weights 1/2 + 1/2 is the label alone (w = 0: the
  // conditional model).
  const auto halves = sampleWith(*method, cfg, {{"label", "3"}, {"label_2", "3"}},
                                 {{"weight", 0.5}, {"weight_2", 0.5}});
  EXPECT_TRUE(torch::allclose(halves, three, 1e-4, 1e-4));
  // Labels are part of the model: the label embeddings are saved.
  bool labelWeights = false;
  for (const auto& [name, t] : method->stateTensors())
    labelWeights = labelWeights || name.find("label") != std::string::npos;
  EXPECT_TRUE(labelWeights);
}

TEST(ConditionalCdrl, DataWithoutLabelsIsRefusedNamingTheSetting) {
  RunConfig cfg = RunConfig::fromPreset("cdrl-toy2d"); // checkerboard: no labels
  try {
    cfg.applyOverride("cdrl.model.conditional=true");
    makeMethod(cfg, torch::kCPU);
    FAIL() << "a conditional model on unlabelled data was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cdrl.model.conditional"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("checkerboard"), std::string::npos) << e.what();
  }
}

TEST(ConditionalCdrl, FashionMnistBatchesCarryTheirLabels) {
  DataConfig data;
  data.kind = "fashion-mnist";
  data.limit = 256;
  ModelConfig model;
  model.family = "conv";
  model.imageSize = 32;
  model.channels = 1;
  if (!std::filesystem::exists(data.path))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  EXPECT_EQ(dataLabelCount(data), 10);
  EXPECT_EQ(dataLabelNames(data)[9], "Ankle boot");
  auto source = makeDataSource(data, model);
  auto gen = makeGenerator(torch::kCPU, 4);
  const auto batch = source->nextLabelled(64, gen);
  ASSERT_TRUE(batch.labels.defined());
  EXPECT_EQ(batch.labels.size(0), 64);
  EXPECT_GE(batch.labels.min().item<int64_t>(), 0);
  EXPECT_LE(batch.labels.max().item<int64_t>(), 9);
  EXPECT_GT(std::get<0>(at::_unique(batch.labels)).numel(), 3);
}

} // namespace
} // namespace ebm
