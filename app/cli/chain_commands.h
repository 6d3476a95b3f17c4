// The `sample` and `reconstruct` subcommands of ebm-lab-cli: a revision of one of the loaded
// method's chains (sample: a chain that draws samples; reconstruct: a chain conditioned on
// held-out data), with its settings from the checkpoint, a sampler preset and the options.
// Main thread of the CLI only.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace ebm::cli {

struct ChainCommands;

std::shared_ptr<ChainCommands> addChainCommands(CLI::App& app);
/// Runs the subcommand that was chosen; its exit code, or -1 when neither was chosen.
int runChainCommands(const ChainCommands& commands);

} // namespace ebm::cli
