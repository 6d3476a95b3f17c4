// The shipped checkpoints a front end offers, and the model it opens at start.
#include "shipped_models.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using ebm::ui::StartModel;

TEST(ShippedModels, TheDefaultComesFirstAndEveryPathExists) {
  const auto models = ebm::ui::shippedModels();
  ASSERT_FALSE(models.empty());
  EXPECT_EQ(models.front().name, "fmnist-small");
  for (const auto& m : models) {
    EXPECT_TRUE(std::filesystem::exists(m.path)) << m.path;
    EXPECT_FALSE(m.label.empty());
  }
  EXPECT_EQ(ebm::ui::shippedCheckpoint("no-such-model"), "");
}

TEST(ShippedModels, StartModelPrefersPresetThenCheckpointThenTheShippedDefault) {
  auto s = ebm::ui::startModel("toy2d", "a.safetensors", "default.safetensors");
  EXPECT_EQ(s.kind, StartModel::Kind::Preset);
  EXPECT_EQ(s.what, "toy2d");
  s = ebm::ui::startModel("", "a.safetensors", "default.safetensors");
  EXPECT_EQ(s.kind, StartModel::Kind::Checkpoint);
  EXPECT_EQ(s.what, "a.safetensors");
  s = ebm::ui::startModel("", "", "default.safetensors");
  EXPECT_EQ(s.what, "default.safetensors");
  s = ebm::ui::startModel("", "", "");
  EXPECT_EQ(s.kind, StartModel::Kind::Preset);
  EXPECT_EQ(s.what, "toy2d");
  s = ebm::ui::startModel("", "");
  EXPECT_EQ(s.kind, StartModel::Kind::Checkpoint);
  EXPECT_EQ(s.what, ebm::ui::shippedCheckpoint("fmnist-small"));
}

} // namespace
