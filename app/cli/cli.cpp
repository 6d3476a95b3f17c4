#include "cli.h"

#include "bench_commands.h"
#include "chain_commands.h"
#include "config.h"
#include "errors.h"
#include "evaluation_commands.h"
#include "protocol_commands.h"
#include "rank_launcher.h"
#include "session_cli.h"
#include "train_commands.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace ebm::cli {

int run(int argc, char** argv) {
  // First of all: a Ctrl-C while the options are read or the data loads is a request to stop,
  // answered like any other (nothing is left half written).
  installSignalHandlers();
  keepArguments(argc, argv);
  CLI::App app{"EBM Lab command line: train, sample and evaluate energy-based models"};
  app.require_subcommand(1);
  app.footer("Examples:\n  ebm-lab-cli demo --out runs/demo\n"
             "  ebm-lab-cli train --preset fmnist-small --out runs/fm --iterations 2000\n"
             "  ebm-lab-cli sample --checkpoint resources/checkpoints/toy2d.safetensors --out "
             "runs/s\n  ebm-lab-cli reconstruct --checkpoint "
             "resources/checkpoints/fmnist-small.safetensors --out runs/r\n"
             "  ebm-lab-cli bench --sweep-kx 10,20,30,50 --sweep-kz 10,30\n"
             "  ebm-lab-cli train-classifier --out runs/fmnist-classifier.safetensors\n"
             "  ebm-lab-cli eval-fd --checkpoint resources/checkpoints/fmnist-small.safetensors "
             "--classifier runs/fmnist-classifier.safetensors");
  const auto training = addTrainCommands(app);
  const auto chains = addChainCommands(app);
  const auto bench = addBenchCommands(app);
  const auto evaluations = addEvaluationCommands(app);
  const auto protocols = addProtocolCommands(app);
  auto* presets = app.add_subcommand("presets", "List the shipped presets");

  CLI11_PARSE(app, argc, argv);
  try {
    for (const int rc :
         {runTrainCommands(*training), runChainCommands(*chains), runBenchCommands(*bench)})
      if (rc >= 0)
        return rc;
    if (const int rc = runEvaluationCommands(*evaluations); rc >= 0)
      return rc;
    if (const int rc = runProtocolCommands(*protocols); rc >= 0)
      return rc;
    if (*presets) {
      for (const auto& p : presetNames())
        std::cout << p << "\n";
      return 0;
    }
  } catch (const Interrupted& e) {
    std::cerr << "\ninterrupted: " << e.what() << "\n";
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

} // namespace ebm::cli
