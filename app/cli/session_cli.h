// What every session-driving command of ebm-lab-cli shares: Ctrl-C handling, waiting for a
// session, progress lines, building a run config from --preset/--config/--set, and opening a
// checkpoint as a session. Main thread of the CLI only; plain C++ over core/api.
#pragma once

#include "config.h"
#include "session.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace ebm::cli {

/// Set by SIGINT / SIGTERM; long commands poll it.
extern std::atomic<bool> g_interrupted;
void installSignalHandlers();

/// Waits for the session to finish loading; returns false (after printing why) on failure.
bool waitLoaded(Session& s);
/// Runs queued work to completion; prints and returns false if it reported an error or Ctrl-C.
bool finish(Session& s, uint64_t errorsBefore);
/// One progress line (\r) of a training run: bar, rate, the method's headline losses, ETA.
void printProgress(const SessionSnapshot& s, double elapsed);
/// Prints the message of a refused live setting; returns the exit code.
int settingsError(Session& session);
/// A session on a checkpoint (its config, the user's device); null after printing why not.
std::unique_ptr<Session> openCheckpointSession(const std::string& checkpoint,
                                               const std::string& device);

/// Options of commands that build a session from a preset or config file.
struct ConfigArgs {
  std::string preset = "toy2d";
  std::string configFile;
  std::vector<std::string> overrides;
  std::string device;
  int threads = -1;
  int chainParts = -1;
  bool cudaGraphs = false;
  std::string precision;

  /// The run config; throws ConfigError naming the first bad field.
  RunConfig build() const;
};
void addConfigOptions(CLI::App* app, ConfigArgs& a);

} // namespace ebm::cli
