// ebm-lab-cli as a library: the headless front end over core/api. `run` parses the command line
// and runs one subcommand; the executable's main() only calls it, and tests call it in-process
// (e.g. after registering a test-only method). Main thread only.
#pragma once

namespace ebm::cli {

/// Parses argv and runs the chosen subcommand; returns the process exit code.
int run(int argc, char** argv);

} // namespace ebm::cli
