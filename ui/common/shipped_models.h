// The checkpoints shipped in resources/checkpoints that a front end offers, the default first,
// and which model a front end opens at start: a preset when one is asked for, else the given
// checkpoint, else the shipped fmnist-small, else a new toy2d model. Written once for ebm-lab
// and ebm-viewer. Plain C++ over core/api; any thread.
#pragma once

#include <string>
#include <vector>

namespace ebm::ui {

struct ShippedModel {
  std::string name;   // file name without ".safetensors", e.g. "toy2d-rings"
  std::string label;  // what a model list shows, e.g. "toy2d, rings (shipped)"
  std::string path;   // where it is installed
};

/// The shipped checkpoints that are installed, the default first.
std::vector<ShippedModel> shippedModels();
/// The installed path of a shipped checkpoint called `name` ("" when it is not installed).
std::string shippedCheckpoint(const std::string& name);

/// What a front end opens at start.
struct StartModel {
  enum class Kind { Checkpoint, Preset };
  Kind kind = Kind::Preset;
  std::string what;  // a checkpoint path or a preset name
};
/// `preset` when given, else `checkpoint`, else `shippedDefault`, else the preset "toy2d".
StartModel startModel(const std::string& preset, const std::string& checkpoint,
                      const std::string& shippedDefault);
/// The same with the installed shipped default.
StartModel startModel(const std::string& preset, const std::string& checkpoint);

} // namespace ebm::ui
