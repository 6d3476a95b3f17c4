// The `bench` subcommand of ebm-lab-cli: ms per chain step and per training iteration of the
// presets (JSON), or per training iteration over a k_x/k_z sweep (a table). Main thread only.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace ebm::cli {

struct BenchCommands;

std::shared_ptr<BenchCommands> addBenchCommands(CLI::App& app);
/// Runs `bench` when it was chosen; its exit code, or -1 when it was not.
int runBenchCommands(const BenchCommands& commands);

} // namespace ebm::cli
