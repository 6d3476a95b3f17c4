// `train --nproc-per-node N`: starts N copies of this program as the ranks of a data-parallel job
// on this machine (the torchrun environment contract, rank 0 listening on 127.0.0.1 at a free
// port), forwards Ctrl-C and SIGTERM to them, and ends the others when one fails, so a broken
// rank never leaves the rest waiting.
#pragma once

#include <string>
#include <vector>

namespace ebm::cli {

/// The program's own arguments (argv[1..]), kept by run() for the launcher.
void keepArguments(int argc, char** argv);

/// Runs the job: `ranks` processes of this program with the kept arguments minus
/// `--nproc-per-node N`. Returns 0 when every rank succeeded, else the first failing rank's exit
/// code (said on stderr with the rank).
int launchLocalRanks(int ranks);

} // namespace ebm::cli
