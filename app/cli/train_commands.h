// The `train` and `demo` subcommands of ebm-lab-cli: long training runs with a progress line,
// Ctrl-C or --seconds saving a checkpoint, and a headless demo run folder. Main thread only.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace ebm::cli {

struct TrainCommands;

/// Adds the subcommands to `app`; the returned object owns their option values.
std::shared_ptr<TrainCommands> addTrainCommands(CLI::App& app);
/// Runs the subcommand that was chosen; its exit code, or -1 when neither was chosen.
int runTrainCommands(const TrainCommands& commands);

} // namespace ebm::cli
