#include "shipped_models.h"

#include "config.h"

#include <utility>

namespace ebm::ui {
namespace {

constexpr const char* kDefaultModel = "fmnist-small";
constexpr const char* kFallbackPreset = "toy2d";

const std::pair<const char*, const char*> kShipped[] = {
    {"fmnist-small", "fmnist-small (shipped)"},
    {"toy2d", "toy2d, 8 Gaussians (shipped)"},
    {"toy2d-rings", "toy2d, rings (shipped)"},
    {"toy2d-moons", "toy2d, moons (shipped)"},
    {"toy2d-swissroll", "toy2d, swiss roll (shipped)"},
    {"toy2d-checkerboard", "toy2d, checkerboard (shipped)"},
    {"cdrl-toy2d", "cdrl-toy2d, checkerboard (shipped)"},
    {"drl-toy2d", "drl-toy2d, 8 Gaussians (shipped)"},
    {"cdrl-toy2d-8gaussians", "cdrl-toy2d-8gaussians, 8 Gaussians (shipped)"},
    {"cdrl-grid2d-cond", "cdrl-grid2d-cond, 5 x 5 grid with labels (shipped)"},
    {"cdrl-fmnist", "cdrl-fmnist (shipped)"},
};

} // namespace

std::string shippedCheckpoint(const std::string& name) {
  try {
    return findResource("checkpoints/" + name + ".safetensors");
  } catch (const std::exception&) {
    return {};
  }
}

std::vector<ShippedModel> shippedModels() {
  std::vector<ShippedModel> models;
  for (const auto& [name, label] : kShipped)
    if (std::string path = shippedCheckpoint(name); !path.empty())
      models.push_back({name, label, std::move(path)});
  return models;
}

StartModel startModel(const std::string& preset, const std::string& checkpoint,
                      const std::string& shippedDefault) {
  if (!preset.empty())
    return {StartModel::Kind::Preset, preset};
  if (!checkpoint.empty())
    return {StartModel::Kind::Checkpoint, checkpoint};
  if (!shippedDefault.empty())
    return {StartModel::Kind::Checkpoint, shippedDefault};
  return {StartModel::Kind::Preset, kFallbackPreset};
}

StartModel startModel(const std::string& preset, const std::string& checkpoint) {
  return startModel(preset, checkpoint, shippedCheckpoint(kDefaultModel));
}

} // namespace ebm::ui
