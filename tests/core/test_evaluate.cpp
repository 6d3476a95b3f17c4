#include "evaluate.h"

#include <gtest/gtest.h>

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
