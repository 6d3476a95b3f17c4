#include "evaluate.h"
#include "errors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace ebm {
namespace {

// The paper's central claim (Table 4) on the shipped model: starting z-Langevin from the
// inference model beats both the inference model alone and chains started from noise.
TEST(Evaluate, InferencePlusLangevinBeatsInferenceAloneAndNoiseStartedChains) {
  const std::string ckpt =
      std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  ReconstructionOptions o;
  o.checkpoint = ckpt;
  o.images = 64;
  o.batch = 64;
  o.steps = {0, 10};
  o.device = "cpu";
  o.threads = 2;
  const auto rows = evaluateReconstruction(o);
  ASSERT_EQ(rows.size(), 4u);
  const auto& infOnly = rows[0];
  const auto& infPlus = rows[1];
  const auto& noisePlus = rows[3];
  ASSERT_EQ(infOnly.init, "inference-mean");
  ASSERT_EQ(infPlus.steps, 10);
  ASSERT_EQ(noisePlus.init, "gaussian");
  EXPECT_LT(infPlus.mse, 0.9 * infOnly.mse) << infPlus.mse << " vs " << infOnly.mse;
  EXPECT_LT(infPlus.mse, 0.9 * noisePlus.mse) << infPlus.mse << " vs " << noisePlus.mse;
  EXPECT_GT(infPlus.psnr, infOnly.psnr);
  EXPECT_GT(infPlus.ssim, infOnly.ssim - 0.01);
  EXPECT_DOUBLE_EQ(infPlus.mse01, infPlus.mse / 4);
}

} // namespace
} // namespace ebm

namespace ebm {
namespace {

TEST(Evaluate, OodAurocIsConsistentWithTheEnergies) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "Fashion-MNIST is not installed";
  OodOptions o;
  o.checkpoint = std::string(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";
  o.images = 200;
  o.sets = {"uniform", "vflip"};
  o.device = "cpu";
  o.threads = 2;
  const auto rows = evaluateOod(o);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].set, "uniform");
  for (const auto& r : rows) {
    EXPECT_GE(r.auroc, 0.0);
    EXPECT_LE(r.auroc, 1.0);
    // The rank statistic and the mean energies must agree on which set scores higher.
    if (std::fabs(r.meanEnergyIn - r.meanEnergyOut) > 1.0)
      EXPECT_EQ(r.auroc > 0.5, r.meanEnergyIn < r.meanEnergyOut) << r.set;
  }
  o.sets = {"nonsense"};
  EXPECT_THROW(evaluateOod(o), Error);
}

} // namespace
} // namespace ebm
