// The `inpaint` and `interpolate` subcommands of ebm-lab-cli (the paper's A.3 table and Fig. 4):
// their options, and running them through core/protocols.h. Plain C++ over CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace ebm::cli {

struct ProtocolCommands;

/// Adds the subcommands to `app`; the returned object owns their option values.
std::shared_ptr<ProtocolCommands> addProtocolCommands(CLI::App& app);

/// Runs the subcommand that was chosen; returns its exit code, or -1 when neither was chosen.
int runProtocolCommands(const ProtocolCommands& commands);

} // namespace ebm::cli
