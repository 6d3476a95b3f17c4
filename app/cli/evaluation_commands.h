// The evaluation subcommands of ebm-lab-cli (eval-recon, eval-ood, eval-fd, eval-toy,
// train-classifier): their options and what they print and write. Each writes a CSV and
// prints a table naming the data split it read. Main thread of the CLI only.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

struct EvaluationCommands;

/// Adds the evaluation subcommands to `app`; keep the result alive until after parsing.
std::shared_ptr<EvaluationCommands> addEvaluationCommands(CLI::App& app);

/// Runs the evaluation subcommand that was parsed, if any: its exit code, or -1 when none of
/// them was chosen. Core errors propagate as exceptions.
int runEvaluationCommands(EvaluationCommands& commands);
