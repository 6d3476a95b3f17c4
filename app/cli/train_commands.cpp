#include "train_commands.h"

#include "validators.h"

#include "chain_outputs.h"
#include "errors.h"
#include "report.h"
#include "rank_launcher.h"
#include "session_cli.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace ebm::cli {

struct TrainCommands {
  CLI::App* train = nullptr;
  CLI::App* demo = nullptr;
  ConfigArgs config;
  std::string out = "runs/train";
  long iterations = -1;
  std::string resume;
  double seconds = 0;
  double autosaveMinutes = 0;
  bool overwrite = false;
  int nprocPerNode = 0;  // > 0: start this many local ranks of a data-parallel job
  std::string demoOut = "runs/demo";
  double demoSeconds = 60;
};

namespace {

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Follows a training run until it ends, is interrupted or runs out of time.
void followTraining(Session& session, double seconds, bool showProgress) {
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t errors = session.snapshot()->errorCount;
  // A failure that repeats at every checkpoint (a full disk, a read-only folder) is printed
  // once, then counted.
  std::string lastShown;
  uint64_t repeats = 0;
  auto sayRepeats = [&] {
    if (repeats > 0)
      std::cerr << "\n(the same error " << repeats << " more time" << (repeats > 1 ? "s" : "")
                << ")\n";
    repeats = 0;
  };
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const auto snap = session.snapshot();
    const double elapsed = secondsSince(t0);
    if (showProgress)
      printProgress(*snap, elapsed);
    if (snap->errorCount > errors) {
      if (snap->lastError == lastShown) {
        repeats += snap->errorCount - errors;
      } else {
        sayRepeats();
        std::cerr << "\n" << snap->lastError << "\n";
        lastShown = snap->lastError;
      }
      errors = snap->errorCount;
    }
    if (snap->state != RunState::Training || g_interrupted ||
        (seconds > 0 && elapsed >= seconds))
      sayRepeats();
    if (snap->state == RunState::Diverged)
      return;
    if (g_interrupted || (seconds > 0 && elapsed >= seconds)) {
      std::cerr << "\n"
                << (g_interrupted ? "interrupted: " : "time limit reached: ")
                << "saving and stopping\n";
      session.post(cmd::StopTraining{}); // stops at the next step, then saves
      session.waitIdle(600);
      return;
    }
    if (snap->state != RunState::Training && session.waitIdle(0.0))
      return;
  }
}

// Says which checkpoint on disk holds the run now (or that none does).
void reportKeptCheckpoint(const SessionSnapshot& snap) {
  if (!snap.checkpointPath.empty() && std::filesystem::exists(snap.checkpointPath))
    std::cerr << "kept: " << snap.checkpointPath << " (iteration " << snap.savedIteration
              << ")\n";
  else
    std::cerr << "no checkpoint was written\n";
}

// A run succeeded when no error was recorded and the checkpoint on disk holds its last
// iteration; then its path is printed (stdout) and 0 returned. Otherwise the error and what was
// kept are printed and 1 returned: a failed run never prints a path it did not write.
int finishedTraining(const SessionSnapshot& snap, uint64_t errorsBefore) {
  const bool saved = !snap.checkpointPath.empty() &&
                     std::filesystem::exists(snap.checkpointPath) &&
                     snap.savedIteration == snap.iteration;
  if (snap.errorCount == errorsBefore && saved) {
    std::cout << snap.checkpointPath << "\n";
    return 0;
  }
  std::cerr << "error: "
            << (snap.errorCount > errorsBefore
                    ? snap.lastError
                    : "iteration " + std::to_string(snap.iteration) + " was not saved")
            << "\n";
  reportKeptCheckpoint(snap);
  return 1;
}

bool sameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec);
}

// Whether training may write its run folder: checked before any iteration runs, so a run never
// trains for hours and then has nowhere to save. Throws with the reason when not.
void checkRunFolder(const TrainCommands& c) {
  namespace fs = std::filesystem;
  const fs::path out(c.out);
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec))
    throw ebm::Error("--out " + c.out + " is a file, not a folder: give a folder for the run");
  fs::create_directories(out, ec);
  if (ec)
    throw ebm::Error("cannot create the run folder " + c.out + ": " + ec.message());
  const fs::path probe = out / ".write-test";
  if (!std::ofstream(probe))
    throw ebm::Error("the run folder " + c.out + " is not writable");
  fs::remove(probe, ec);
  const std::string checkpoint = (out / "checkpoint.safetensors").string();
  if (!fs::exists(checkpoint, ec) || c.overwrite || sameFile(checkpoint, c.resume))
    return;
  throw ebm::Error("the run folder " + c.out + " already holds a run's checkpoint: continue it with "
              "--resume " + checkpoint + ", choose another --out, or replace it with "
              "--overwrite");
}

// A resumed run keeps the checkpoint's model and data: --preset and --config would replace them
// and are refused; --set goes to the session, which applies what may change between legs.
RunConfig resumedRunBase(const TrainCommands& c) {
  for (const char* option : {"--preset", "--config"})
    if (c.train->count(option) > 0)
      throw ConfigError(std::string(option) + " cannot be combined with --resume: the run goes "
                        "on with the checkpoint's own config (change settings with --set)");
  ConfigArgs base = c.config;
  base.overrides.clear();
  return base.build();
}

// A rank other than 0 of a data-parallel job: rank 0 reports and writes the run; this one says
// only what failed.
int followerResult(const SessionSnapshot& snap, uint64_t errorsBefore, int rank) {
  if (snap.state == RunState::Diverged || snap.errorCount > errorsBefore) {
    std::cerr << "rank " << rank << ": " << snap.lastError << "\n";
    return snap.state == RunState::Diverged ? 2 : 1;
  }
  return 0;
}

int train(const TrainCommands& c) {
  const auto rank = distributedRankFromEnvironment();
  if (c.nprocPerNode > 0) {
    if (rank)
      throw ConfigError("--nproc-per-node starts the ranks itself, but this process is already "
                        "rank " + std::to_string(rank->rank) + " of a job (RANK is set)");
    return launchLocalRanks(c.nprocPerNode);
  }
  const bool leader = !rank || rank->rank == 0;
  RunConfig cfg = c.resume.empty() ? c.config.build() : resumedRunBase(c);
  if (leader)
    checkRunFolder(c);
  if (c.iterations >= 0)
    cfg.train.iterations = c.iterations;
  SessionOptions opts;
  opts.runDir = c.out;
  opts.checkpoint = c.resume;
  opts.distributed = rank;
  if (!c.resume.empty())
    opts.resumeOverrides = c.config.overrides;
  opts.autosaveSeconds = 60.0 * c.autosaveMinutes;
  Session session(cfg, opts);
  if (!waitLoaded(session))
    return 1;
  auto snap = session.snapshot();
  if (leader)
    std::cerr << snap->lastMessage << "\n"
              << "method " << snap->method << ", data " << snap->data << ", device "
              << snap->device << ", run folder " << c.out << "\n";
  if (rank && leader)
    std::cerr << "data-parallel: " << rank->worldSize << " ranks, "
              << snap->config.train.batchSize / rank->worldSize << " examples of each batch of "
              << snap->config.train.batchSize << " per rank\n";
  const uint64_t errorsBefore = snap->errorCount;
  // A resumed run's total is its own config's (train.iterations, --set included) unless -n says.
  const long iterations = c.iterations >= 0    ? c.iterations
                          : c.resume.empty() ? cfg.train.iterations
                                             : -1;
  session.post(cmd::StartTraining{iterations});
  followTraining(session, c.seconds, leader);
  session.waitIdle(600);
  snap = session.snapshot();
  if (!leader)
    return followerResult(*snap, errorsBefore, rank->rank);
  std::cerr << "\n" << snap->lastMessage << "\n";
  std::string lossesError;
  try {
    if (snap->losses)
      writeLossCsv(c.out + "/losses.csv", *snap->losses, snap->config.train.logEvery);
  } catch (const std::exception& e) {
    lossesError = e.what();
  }
  if (snap->state == RunState::Diverged) {
    std::cerr << "training " << snap->lastError << "\n";  // "diverged at iteration N: why"
    reportKeptCheckpoint(*snap);
    return 2;
  }
  if (!lossesError.empty()) {  // the checkpoint may be fine; the run's record is not
    std::cerr << "error: " << lossesError << "\n";
    if (snap->errorCount > errorsBefore && snap->lastError != lossesError)
      std::cerr << "error: " << snap->lastError << "\n";
    reportKeptCheckpoint(*snap);
    return 1;
  }
  return finishedTraining(*snap, errorsBefore);
}

// Every chain of the method as a revision, then the pictures and curves of what it shows.
void reviseAll(Session& session, const std::string& out, const std::string& suffix) {
  const auto info = session.snapshot()->methodInfo;
  session.post(cmd::EvaluateLandscape{});
  for (const auto& spec : info->chains)
    session.post(cmd::RunChain{spec.name, 64, "", 5, {}});
  session.waitIdle(300);
  const auto snap = session.snapshot();
  for (const auto& spec : info->chains) {
    const auto it = snap->chains.find(spec.name);
    if (it == snap->chains.end() || !it->second.trace)
      continue;
    writeChainOutputs(*snap, *it->second.trace, out, spec.name + "_" + suffix);
  }
}

// A headless demo for machines without a display: ~a minute of training on 8 Gaussians, then
// pictures and curves of what the model learned, in one run folder.
int demo(const TrainCommands& c) {
  const RunConfig cfg = RunConfig::fromPreset("toy2d");
  std::filesystem::create_directories(c.demoOut);
  SessionOptions opts;
  opts.runDir = c.demoOut;
  {
    Session session(cfg, opts);
    if (!waitLoaded(session))
      return 1;
    std::cerr << "demo: training " << session.snapshot()->methodInfo->title
              << " on 8 Gaussians for " << c.demoSeconds << " s\n";
    reviseAll(session, c.demoOut, "before");
    session.post(cmd::StartTraining{cfg.train.iterations});
    followTraining(session, c.demoSeconds, true);
    session.post(cmd::StopTraining{});
    session.waitIdle(600);
    std::cerr << "\n" << session.snapshot()->lastMessage << "\n";
    reviseAll(session, c.demoOut, "after");
    if (const auto snap = session.snapshot(); snap->losses)
      writeLossCsv(c.demoOut + "/losses.csv", *snap->losses, snap->config.train.logEvery);
  }
  std::printf("demo run folder: %s\n  <chain>_before.png / <chain>_after.png  each chain of the "
              "method before and after training (2-D: over the energy landscape)\n"
              "  <chain>_before.csv / <chain>_after.csv  energy (or MSE) per Langevin step per "
              "chain\n  losses.csv  training curves\n  checkpoint.safetensors, config.toml\n",
              c.demoOut.c_str());
  return 0;
}

} // namespace

std::shared_ptr<TrainCommands> addTrainCommands(CLI::App& app) {
  auto c = std::make_shared<TrainCommands>();
  c->train = app.add_subcommand(
      "train", "Train a model; Ctrl-C (or --seconds) saves a checkpoint and exits cleanly");
  addConfigOptions(c->train, c->config);
  c->train->add_option("--out,-o", c->out, "Run folder (checkpoint, config.toml, losses.csv)")
      ->capture_default_str();
  c->train->add_option("--iterations,-n", c->iterations,
                       "Iterations to run (default: the config's)")
      ->check(wholeIn(1, 1e12));
  c->train->add_option("--resume,-r", c->resume,
                       "Resume from this checkpoint (its config is used)");
  c->train->add_flag("--overwrite", c->overwrite,
                     "Replace the checkpoint of a run already in --out (otherwise refused)");
  c->train->add_option("--seconds", c->seconds, "Stop (and save) after this many seconds")
      ->check(realIn(0, 1e9, true));
  c->train
      ->add_option("--nproc-per-node", c->nprocPerNode,
                    "Train data-parallel on this machine: start this many ranks (c10d, Gloo over "
                    "127.0.0.1); each takes an equal share of every batch and gradients are "
                    "averaged. A process that finds RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT set "
                    "(torchrun, SLURM, a script) is one rank without this option")
      ->check(CLI::Range(1, 64));
  c->train->add_option("--autosave-minutes", c->autosaveMinutes,
                       "Also write <out>/autosave.safetensors after this many minutes of "
                       "unsaved training (0 = never)")
      ->check(realIn(0, 10000));

  c->demo = app.add_subcommand(
      "demo", "Train on 8 Gaussians for about a minute and write a run folder with trajectory "
              "PNGs and curve CSVs");
  c->demo->add_option("--out,-o", c->demoOut, "Run folder")->capture_default_str();
  c->demo->add_option("--seconds", c->demoSeconds, "Training time")->capture_default_str();
  return c;
}

int runTrainCommands(const TrainCommands& c) {
  if (*c.train)
    return train(c);
  if (*c.demo)
    return demo(c);
  return -1;
}

} // namespace ebm::cli
