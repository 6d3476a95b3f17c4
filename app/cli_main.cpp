// ebm-lab-cli: the headless front end (long runs on servers, scripted evaluations).
// A thin composition of the core: it drives a Session with commands and reads snapshots.
#include "cli_evaluations.h"
#include "cli_protocols.h"

#include "bench.h"
#include "config.h"
#include "errors.h"
#include "image_io.h"
#include "report.h"
#include "session.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

namespace {

std::atomic<bool> g_interrupted{false};

void onSigint(int) { g_interrupted = true; }

using Snapshot = std::shared_ptr<const ebm::SessionSnapshot>;

// Waits for the session to finish loading; returns false (after printing why) on failure.
bool waitLoaded(ebm::Session& s) {
  s.waitIdle(600);
  auto snap = s.snapshot();
  if (snap->state == ebm::RunState::Failed || snap->state == ebm::RunState::Loading) {
    std::cerr << "error: " << (snap->lastError.empty() ? "session did not start" : snap->lastError)
              << "\n";
    return false;
  }
  return true;
}

// Runs queued work to completion; prints and returns false if it reported an error.
bool finish(ebm::Session& s, uint64_t errorsBefore) {
  while (!s.waitIdle(0.2)) {
    if (g_interrupted) {
      s.post(ebm::cmd::StopRevision{});
      s.waitIdle(60);
      std::cerr << "interrupted\n";
      return false;
    }
  }
  auto snap = s.snapshot();
  if (snap->errorCount > errorsBefore) {
    std::cerr << "error: " << snap->lastError << "\n";
    return false;
  }
  return true;
}

double lossValue(const ebm::LossHistory& h, const std::string& name) {
  for (size_t k = 0; k < h.names.size(); ++k)
    if (h.names[k] == name && !h.rows.empty())
      return h.rows.back()[k];
  return std::nan("");
}

void printProgress(const ebm::SessionSnapshot& s, double elapsed) {
  const long done = s.iteration, total = s.targetIterations;
  const int width = 28;
  const double frac = total > 0 ? std::min(1.0, static_cast<double>(done) / total) : 0.0;
  std::string bar(static_cast<size_t>(frac * width), '#');
  bar.resize(width, '.');
  const double eta = s.itersPerSecond > 0 ? (total - done) / s.itersPerSecond : 0;
  std::fprintf(stderr, "\r[%s] %ld/%ld  %.2f it/s  ", bar.c_str(), done, total, s.itersPerSecond);
  if (s.losses && !s.losses->rows.empty()) {
    // Ablation modes train fewer models (a short-run EBM has no L_G, L_I).
    for (const auto& [label, name] : {std::pair<const char*, const char*>{"L_E", "loss_E"},
                                      {"L_G", "loss_G"}, {"L_I", "loss_I"}}) {
      const double v = lossValue(*s.losses, name);
      if (!std::isnan(v))
        std::fprintf(stderr, "%s %.3g  ", label, v);
    }
    std::fprintf(stderr, "E_gap %.3g  ",
                 lossValue(*s.losses, "E_data") - lossValue(*s.losses, "E_neg"));
  }
  std::fprintf(stderr, "%.0fs elapsed, ETA %.0fs   ", elapsed, eta);
  std::fflush(stderr);
}

// Shared options for commands that build a session from a preset/config.
struct ConfigArgs {
  std::string preset = "toy2d";
  std::string configFile;
  std::vector<std::string> overrides;
  std::string device;
  int threads = -1;

  ebm::RunConfig build() const {
    ebm::RunConfig cfg = configFile.empty() ? ebm::RunConfig::fromPreset(preset)
                                            : ebm::RunConfig::fromFile(configFile);
    // Every override is validated on its own, so settings that are only valid together (e.g.
    // train.mode=short-run with x.init=uniform) are applied in an order that keeps each step
    // valid; an override that never fits reports its own error.
    std::vector<std::string> pending = overrides;
    while (!pending.empty()) {
      std::vector<std::string> refused;
      std::string firstError;
      for (const auto& o : pending) {
        try {
          cfg.applyOverride(o);
        } catch (const ebm::ConfigError& e) {
          if (refused.empty())
            firstError = e.what();
          refused.push_back(o);
        }
      }
      if (refused.size() == pending.size())
        throw ebm::ConfigError(firstError);
      pending = std::move(refused);
    }
    if (!device.empty())
      cfg.runtime.device = device;
    if (threads >= 0)
      cfg.runtime.threads = threads;
    cfg.validate();
    return cfg;
  }
};

void addConfigOptions(CLI::App* app, ConfigArgs& a) {
  app->add_option("--preset,-p", a.preset, "Preset name (see `presets`)")->capture_default_str();
  app->add_option("--config,-c", a.configFile, "Run config file (TOML); overrides --preset");
  app->add_option("--set,-s", a.overrides,
                  "Override a config field, e.g. --set x.step_size=0.3 (repeatable)");
  app->add_option("--device", a.device, "auto | cpu | cuda");
  app->add_option("--threads", a.threads, "Intra-op threads (0 = all cores)");
}

int cmdTrain(const ConfigArgs& a, const std::string& out, long iterations,
             const std::string& resume, double seconds) {
  ebm::RunConfig cfg = a.build();
  if (iterations >= 0)
    cfg.train.iterations = iterations;
  ebm::SessionOptions opts;
  opts.runDir = out;
  opts.checkpoint = resume;
  ebm::Session session(cfg, opts);
  if (!waitLoaded(session))
    return 1;
  auto snap = session.snapshot();
  std::cerr << snap->lastMessage << "\n"
            << "method " << snap->method << ", data " << snap->data << ", device "
            << snap->device << ", run folder " << out << "\n";
  session.post(ebm::cmd::StartTraining{cfg.train.iterations});
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t errors = snap->errorCount;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    snap = session.snapshot();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printProgress(*snap, elapsed);
    if (snap->errorCount > errors) {
      std::cerr << "\n" << snap->lastError << "\n";
      errors = snap->errorCount;
    }
    if (snap->state == ebm::RunState::Diverged)
      break;
    if (g_interrupted || (seconds > 0 && elapsed >= seconds)) {
      std::cerr << "\n" << (g_interrupted ? "interrupted: " : "time limit reached: ")
                << "saving and stopping\n";
      session.post(ebm::cmd::StopTraining{});  // stops at the next step, then saves
      session.waitIdle(600);
      break;
    }
    if (snap->state != ebm::RunState::Training && session.waitIdle(0.0))
      break;
  }
  session.waitIdle(600);
  snap = session.snapshot();
  std::cerr << "\n" << snap->lastMessage << "\n";
  if (snap->losses)
    ebm::writeLossCsv(out + "/losses.csv", *snap->losses);
  if (snap->state == ebm::RunState::Diverged) {
    std::cerr << "training diverged at iteration " << snap->divergedAt << ": " << snap->lastError
              << "\n";
    return 2;
  }
  std::cout << out << "/checkpoint.safetensors\n";
  return 0;
}

void writeXOutputs(ebm::Session& session, const std::string& out, bool draw2d,
                   const std::string& toy) {
  auto snap = session.snapshot();
  if (!snap->xTrace)
    throw ebm::Error("no x-trace was produced");
  ebm::writeTraceCsv(out + "/energy.csv", *snap->xTrace);
  if (draw2d) {
    const auto points = toy.empty() ? std::vector<float>{} : ebm::toyPoints(toy, 2000, 3);
    ebm::writePng(out + "/trajectory.png", ebm::render2dChains(snap->xTrace.get(),
                                                               snap->landscape.get(), points));
  } else {
    ebm::writePng(out + "/trajectory.png", ebm::renderImageTrajectory(*snap->xTrace));
  }
}

// A session on a checkpoint (its config, the user's device); null after printing why not.
std::unique_ptr<ebm::Session> openCheckpoint(const std::string& checkpoint,
                                             const std::string& device) {
  ebm::RunConfig base;
  if (!device.empty())
    base.runtime.device = device;
  ebm::SessionOptions opts;
  opts.checkpoint = checkpoint;
  auto session = std::make_unique<ebm::Session>(base, opts);
  if (!waitLoaded(*session))
    return nullptr;
  return session;
}

// Prints the message of a refused live setting; returns the exit code.
int settingsError(ebm::Session& session) {
  session.post(ebm::cmd::StopRevision{});  // a no-op command that publishes the message
  session.waitIdle(5);
  std::cerr << "error: " << session.snapshot()->lastError << "\n";
  return 1;
}

int cmdSample(const std::string& checkpoint, const std::string& out, int chains, int steps,
              double stepSize, double noise, int every, const std::string& init, uint64_t seed,
              const std::string& device, const std::string& sampler) {
  auto owned = openCheckpoint(checkpoint, device);
  if (!owned)
    return 1;
  ebm::Session& session = *owned;
  auto snap = session.snapshot();
  auto xs = snap->config.x;
  if (!sampler.empty()) {
    // A sampling preset (e.g. the paper's test-time sampler) over the checkpoint's settings;
    // explicit options below still win.
    ebm::RunConfig withSampler = snap->config;
    ebm::applySamplerPreset(withSampler, sampler);
    xs = withSampler.x;
    std::printf("sampler %s: k_x = %d, s_x = %g, n_x = %g\n", sampler.c_str(), xs.steps,
                xs.stepSize, xs.noise);
  }
  if (steps >= 0)
    xs.steps = steps;
  if (stepSize > 0)
    xs.stepSize = stepSize;
  if (noise >= 0)
    xs.noise = noise;
  if (every > 0)
    xs.snapshotEvery = every;
  if (!session.setXSettings(xs))
    return settingsError(session);
  std::filesystem::create_directories(out);
  const bool is2d = snap->dataShape.size() == 1 && snap->dataShape[0] == 2;
  const uint64_t errors = snap->errorCount;
  session.post(ebm::cmd::RunX{chains, init, seed});
  if (is2d)
    session.post(ebm::cmd::EvaluateLandscape{});
  if (!finish(session, errors))
    return 1;
  snap = session.snapshot();
  writeXOutputs(session, out, is2d, snap->config.data.kind == "toy2d" ? snap->config.data.toy : "");
  const auto& t = *snap->xTrace;
  std::printf("x-revision: %d chains, %d steps (s=%g, n=%g): mean energy %.4g -> %.4g\n",
              t.chains, t.lastStep(), xs.stepSize, xs.noise, ebm::Trace::mean(t.energy.front()),
              ebm::Trace::mean(t.energy.back()));
  std::printf("wrote %s/trajectory.png and %s/energy.csv\n", out.c_str(), out.c_str());
  return t.diverged ? 2 : 0;
}

int cmdReconstruct(const std::string& checkpoint, const std::string& out, int chains, int steps,
                   double stepSize, double noise, const std::string& init, uint64_t seed,
                   const std::string& device) {
  auto owned = openCheckpoint(checkpoint, device);
  if (!owned)
    return 1;
  ebm::Session& session = *owned;
  auto snap = session.snapshot();
  auto zs = snap->config.z;
  if (steps >= 0)
    zs.steps = steps;
  if (stepSize > 0)
    zs.stepSize = stepSize;
  if (noise >= 0)
    zs.noise = noise;
  if (!session.setZSettings(zs))
    return settingsError(session);
  std::filesystem::create_directories(out);
  const uint64_t errors = snap->errorCount;
  session.post(ebm::cmd::RunZ{chains, init, seed});
  if (!finish(session, errors))
    return 1;
  snap = session.snapshot();
  const auto& t = *snap->zTrace;
  ebm::writeTraceCsv(out + "/mse.csv", t);
  if (t.decodedShape.size() == 3)
    ebm::writePng(out + "/reconstructions.png", ebm::renderImageTrajectory(t));
  std::printf("z-revision: %d held-out examples, %d steps: per-pixel MSE %.5f -> %.5f\n", t.chains,
              t.lastStep(), ebm::Trace::mean(t.mse.front()), ebm::Trace::mean(t.mse.back()));
  std::printf("wrote %s/mse.csv%s\n", out.c_str(),
              t.decodedShape.size() == 3 ? (" and " + out + "/reconstructions.png").c_str() : "");
  return t.diverged ? 2 : 0;
}

// The main job until the desktop app exists: ~a minute of training on 8 Gaussians, then
// pictures and curves of what the model learned, in one run folder.
int cmdDemo(const std::string& out, double seconds) {
  ebm::RunConfig cfg = ebm::RunConfig::fromPreset("toy2d");
  std::filesystem::create_directories(out);
  ebm::SessionOptions opts;
  opts.runDir = out;
  {
    ebm::Session session(cfg, opts);
    if (!waitLoaded(session))
      return 1;
    std::cerr << "demo: training Dual-MCMC on 8 Gaussians for " << seconds << " s\n";
    session.post(ebm::cmd::EvaluateLandscape{});
    session.post(ebm::cmd::RunX{64, "generator", 5});
    session.waitIdle(120);
    writeXOutputs(session, out, true, cfg.data.toy);
    std::filesystem::rename(out + "/trajectory.png", out + "/trajectory_before.png");
    session.post(ebm::cmd::StartTraining{cfg.train.iterations});
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const double el =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      auto snap = session.snapshot();
      printProgress(*snap, el);
      if (g_interrupted || el >= seconds || snap->state != ebm::RunState::Training)
        break;
    }
    session.post(ebm::cmd::StopTraining{});
    session.post(ebm::cmd::EvaluateLandscape{});
    session.post(ebm::cmd::RunX{64, "generator", 5});
    session.post(ebm::cmd::RunZ{64, "inference", 5});
    session.waitIdle(300);
    auto snap = session.snapshot();
    std::cerr << "\n" << snap->lastMessage << "\n";
    writeXOutputs(session, out, true, cfg.data.toy);
    std::filesystem::rename(out + "/trajectory.png", out + "/trajectory_after.png");
    if (snap->zTrace)
      ebm::writeTraceCsv(out + "/z_mse.csv", *snap->zTrace);
    if (snap->losses)
      ebm::writeLossCsv(out + "/losses.csv", *snap->losses);
  }
  std::printf("demo run folder: %s\n  trajectory_before.png / trajectory_after.png  x-chains over "
              "the energy landscape, before and after training\n  energy.csv  energy per "
              "Langevin step per chain\n  z_mse.csv  z-revision MSE per step\n  losses.csv  "
              "training curves\n  checkpoint.safetensors, config.toml\n",
              out.c_str());
  return 0;
}

// Time per training iteration over a k_x x k_z grid (the time rows of Tables 4 and 5).
int cmdSweep(const ebm::BenchOptions& bench, const std::string& csvPath) {
  const auto r = ebm::runSweep(bench);
  std::printf("preset %s, mode %s, batch %d, %s, data %s, %s\n", r.preset.c_str(),
              r.mode.c_str(), r.batchSize, r.twoChains ? "two x-chains" : "one x-chain",
              r.data.c_str(), r.device.c_str());
  std::printf("%6s %6s %14s %10s\n", "k_x", "k_z", "ms/iteration", "it/s");
  std::vector<std::vector<double>> rows;
  for (const auto& row : r.rows) {
    std::printf("%6d %6d %14.1f %10.2f\n", row.kx, row.kz, row.msPerIteration,
                1000.0 / row.msPerIteration);
    rows.push_back({static_cast<double>(row.kx), static_cast<double>(row.kz), row.msPerIteration});
  }
  if (!csvPath.empty()) {
    ebm::writeCsv(csvPath, {"k_x", "k_z", "ms_per_iteration"}, rows);
    std::printf("wrote %s\n", csvPath.c_str());
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"EBM Lab command line: train, sample and evaluate Dual-MCMC energy-based models"};
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

  ConfigArgs cfgArgs;
  std::string out = "runs/train";
  long iterations = -1;
  std::string resume;
  double seconds = 0;
  auto* train = app.add_subcommand(
      "train", "Train a model; Ctrl-C (or --seconds) saves a checkpoint and exits cleanly");
  addConfigOptions(train, cfgArgs);
  train->add_option("--out,-o", out, "Run folder (checkpoint, config.toml, losses.csv)")
      ->capture_default_str();
  train->add_option("--iterations,-n", iterations, "Iterations to run (default: the config's)");
  train->add_option("--resume,-r", resume, "Resume from this checkpoint (its config is used)");
  train->add_option("--seconds", seconds, "Stop (and save) after this many seconds");

  std::string checkpoint, sampleOut = "runs/sample", init, device, sampler;
  int chains = 16, steps = -1, every = 0;
  double stepSize = 0, noise = -1;
  uint64_t seed = 1;
  auto* sample = app.add_subcommand(
      "sample", "x-revision: Langevin on the EBM from generator samples; writes a trajectory "
                "PNG (one row per chain, one column every k steps) and energy.csv");
  sample->add_option("--checkpoint", checkpoint, "Checkpoint (.safetensors)")->required();
  sample->add_option("--out,-o", sampleOut, "Output folder")->capture_default_str();
  sample->add_option("--chains", chains, "Number of chains")->capture_default_str();
  sample->add_option("--steps", steps, "Langevin steps k_x (default: the checkpoint's)");
  sample->add_option("--step-size", stepSize, "Step size s_x");
  sample->add_option("--noise", noise, "Noise std n_x");
  sample->add_option("--every", every, "Keep a snapshot every k steps");
  sample->add_option("--init", init, "generator | gaussian | uniform")->capture_default_str();
  sample->add_option("--seed", seed, "Seed of the chains")->capture_default_str();
  sample->add_option("--device", device, "auto | cpu | cuda");
  sample->add_option("--sampler", sampler,
                     "Sampling preset applied over the checkpoint's x settings, e.g. paper-test "
                     "(the reference's test-time sampler: k_x 70, s_x 0.4, n_x 0.001)");

  std::string reconOut = "runs/reconstruct", zInit;
  auto* recon = app.add_subcommand(
      "reconstruct", "z-revision: infer latents of held-out data and run z-Langevin on the "
                     "posterior; writes reconstructions.png (data, then G(z_t)) and mse.csv");
  recon->add_option("--checkpoint", checkpoint, "Checkpoint (.safetensors)")->required();
  recon->add_option("--out,-o", reconOut, "Output folder")->capture_default_str();
  recon->add_option("--chains", chains, "Number of held-out examples")->capture_default_str();
  recon->add_option("--steps", steps, "Langevin steps k_z (default: the checkpoint's)");
  recon->add_option("--step-size", stepSize, "Step size s_z");
  recon->add_option("--noise", noise, "Noise std n_z");
  recon->add_option("--init", zInit, "inference | inference-mean | gaussian | uniform");
  recon->add_option("--seed", seed, "Seed of the chains")->capture_default_str();
  recon->add_option("--device", device, "auto | cpu | cuda");

  std::string demoOut = "runs/demo";
  double demoSeconds = 60;
  auto* demo = app.add_subcommand(
      "demo", "Train on 8 Gaussians for about a minute and write a run folder with trajectory "
              "PNGs and curve CSVs");
  demo->add_option("--out,-o", demoOut, "Run folder")->capture_default_str();
  demo->add_option("--seconds", demoSeconds, "Training time")->capture_default_str();

  ebm::BenchOptions bench;
  std::string benchOut;
  auto* benchCmd = app.add_subcommand(
      "bench", "Measure ms per x-step, z-step and training iteration for the presets (prints "
               "JSON), or ms per training iteration over a k_x/k_z sweep (prints a table)");
  benchCmd->add_option("--preset", bench.presets, "Presets to measure")->capture_default_str();
  benchCmd->add_option("--device", bench.device, "auto | cpu | cuda")->capture_default_str();
  benchCmd->add_option("--threads", bench.threads, "Intra-op threads (0 = all cores)");
  benchCmd->add_option("--repeats", bench.repeats, "Timed repetitions per step measurement")
      ->capture_default_str();
  benchCmd->add_option("--iterations", bench.iterations, "Timed training iterations")
      ->capture_default_str();
  benchCmd->add_flag("--synthetic", bench.synthetic, "Random images instead of Fashion-MNIST");
  benchCmd->add_option("--out,-o", benchOut, "Also write the JSON (a sweep: a CSV) to this file");
  benchCmd
      ->add_option("--sweep-kx", bench.sweepKx,
                   "Time a training iteration for these k_x, e.g. --sweep-kx 10,20,30,50 (the "
                   "time rows of the paper's Table 5); prints a table instead of the JSON")
      ->delimiter(',');
  benchCmd
      ->add_option("--sweep-kz", bench.sweepKz,
                   "... and these k_z, e.g. --sweep-kz 10,30 (Table 4); each missing list is the "
                   "preset's value")
      ->delimiter(',');
  benchCmd->add_option("--sweep-preset", bench.sweepPreset, "Preset of the sweep")
      ->capture_default_str();

  const auto evaluations = addEvaluationCommands(app);
  const auto protocols = ebm::cli::addProtocolCommands(app);

  auto* presets = app.add_subcommand("presets", "List the shipped presets");

  CLI11_PARSE(app, argc, argv);
  std::signal(SIGINT, onSigint);
  std::signal(SIGTERM, onSigint);
  try {
    if (*train)
      return cmdTrain(cfgArgs, out, iterations, resume, seconds);
    if (*sample)
      return cmdSample(checkpoint, sampleOut, chains, steps, stepSize, noise, every,
                       init.empty() ? "generator" : init, seed, device, sampler);
    if (*recon)
      return cmdReconstruct(checkpoint, reconOut, chains, steps, stepSize, noise,
                            zInit.empty() ? "inference-mean" : zInit, seed, device);
    if (*demo)
      return cmdDemo(demoOut, demoSeconds);
    if (*benchCmd && (!bench.sweepKx.empty() || !bench.sweepKz.empty()))
      return cmdSweep(bench, benchOut);
    if (*benchCmd) {
      const std::string json = ebm::runBenchmark(bench);
      std::cout << json << "\n";
      if (!benchOut.empty()) {
        std::ofstream f(benchOut);
        f << json << "\n";
      }
      return 0;
    }
    if (const int rc = runEvaluationCommands(*evaluations); rc >= 0)
      return rc;
    if (const int rc = ebm::cli::runProtocolCommands(*protocols); rc >= 0)
      return rc;
    if (*presets) {
      for (const auto& p : ebm::presetNames())
        std::cout << p << "\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
