#include "session_cli.h"

#include "blas_kernels.h"
#include "errors.h"
#include "validators.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <iostream>

#include <unistd.h>

namespace ebm::cli {

std::atomic<bool> g_interrupted{false};

namespace {

// The first Ctrl-C (or SIGTERM) asks the command to stop cleanly; a second one ends the process
// at once, for a user who does not want to wait for a save.
void onSignal(int) {
  if (g_interrupted.exchange(true))
    std::_Exit(130);
}

double lossValue(const LossHistory& h, const std::string& name) {
  for (size_t k = 0; k < h.names.size(); ++k)
    if (h.names[k] == name && !h.rows.empty())
      return h.rows.back()[k];
  return std::nan("");
}

} // namespace

void installSignalHandlers() {
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  // A file over the size limit (ulimit -f) fails its write with EFBIG, reported like a full
  // disk, instead of killing the process with its unsaved training.
  std::signal(SIGXFSZ, SIG_IGN);
  ebm::releaseSignalsHeldForRestart();  // a signal sent while the program restarted lands here
}

bool waitLoaded(Session& s) {
  s.waitIdle(600);
  auto snap = s.snapshot();
  if (snap->state == RunState::Failed || snap->state == RunState::Loading) {
    std::cerr << "error: " << (snap->lastError.empty() ? "session did not start" : snap->lastError)
              << "\n";
    return false;
  }
  return true;
}

bool finish(Session& s, uint64_t errorsBefore) {
  while (!s.waitIdle(0.2)) {
    if (g_interrupted) {
      s.post(cmd::StopRevision{});
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

void printProgress(const SessionSnapshot& s, double elapsed) {
  // On a terminal the bar redraws in place; into a log file (an overnight run's nohup.out) it
  // is a plain line every kLogLineSeconds, so the file stays readable and small.
  constexpr double kLogLineSeconds = 30;
  static const bool tty = isatty(fileno(stderr)) != 0;
  static double lastLine = -kLogLineSeconds;
  if (!tty) {
    if (elapsed - lastLine < kLogLineSeconds)
      return;
    lastLine = elapsed;
  }
  const long done = s.iteration, total = s.targetIterations;
  const int width = 28;
  const double frac = total > 0 ? std::min(1.0, static_cast<double>(done) / total) : 0.0;
  std::string bar(static_cast<size_t>(frac * width), '#');
  bar.resize(width, '.');
  const double eta = s.itersPerSecond > 0 ? (total - done) / s.itersPerSecond : 0;
  std::fprintf(stderr, "%s[%s] %ld/%ld  %.2f it/s  ", tty ? "\r" : "", bar.c_str(), done, total,
               s.itersPerSecond);
  if (s.losses && !s.losses->rows.empty() && s.methodInfo) {
    for (const auto& name : s.methodInfo->headlineLosses) {
      const double v = lossValue(*s.losses, name);
      if (!std::isnan(v))
        std::fprintf(stderr, "%s %.3g  ", name.c_str(), v);
    }
  }
  std::fprintf(stderr, "%.0fs elapsed, ETA %.0fs%s", elapsed, eta, tty ? "   " : "\n");
  std::fflush(stderr);
}

int settingsError(Session& session) {
  session.post(cmd::StopRevision{}); // a no-op command that publishes the message
  session.waitIdle(5);
  std::cerr << "error: " << session.snapshot()->lastError << "\n";
  return 1;
}

std::unique_ptr<Session> openCheckpointSession(const std::string& checkpoint,
                                               const std::string& device) {
  RunConfig base;
  if (!device.empty())
    base.runtime.device = device;
  SessionOptions opts;
  opts.checkpoint = checkpoint;
  auto session = std::make_unique<Session>(base, opts);
  if (!waitLoaded(*session))
    return nullptr;
  return session;
}

RunConfig ConfigArgs::build() const {
  RunConfig cfg =
      configFile.empty() ? RunConfig::fromPreset(preset) : RunConfig::fromFile(configFile);
  // Every override is validated on its own, so settings that are only valid together (e.g.
  // train.mode=short-run with x.init=uniform, aliases of the method's table) are applied in an
  // order that keeps each step valid; an override that never fits reports its own error.
  std::vector<std::string> pending = overrides;
  while (!pending.empty()) {
    std::vector<std::string> refused;
    std::string firstError;
    for (const auto& o : pending) {
      try {
        cfg.applyOverride(o);
      } catch (const ConfigError& e) {
        if (refused.empty())
          firstError = e.what();
        refused.push_back(o);
      }
    }
    if (refused.size() == pending.size())
      throw ConfigError(firstError);
    pending = std::move(refused);
  }
  if (!device.empty())
    cfg.runtime.device = device;
  if (threads >= 0)
    cfg.runtime.threads = threads;
  if (chainParts >= 0)
    cfg.runtime.chainParts = chainParts;
  if (cudaGraphs)
    cfg.runtime.cudaGraphs = true;
  if (!precision.empty())
    cfg.runtime.precision = precision;
  cfg.validate();
  return cfg;
}

void addConfigOptions(CLI::App* app, ConfigArgs& a) {
  app->add_option("--preset,-p", a.preset, "Preset name (see `presets`)")->capture_default_str();
  app->add_option("--config,-c", a.configFile, "Run config file (TOML); overrides --preset");
  app->add_option("--set,-s", a.overrides,
                  "Override a config field, e.g. --set data.toy=rings, or a setting of the "
                  "method's own table, --set <method>.<table>.<key>=value (older names such as "
                  "x.step_size=0.3 still work) (repeatable)");
  app->add_option("--device", a.device, "auto | cpu | cuda");
  app->add_option("--threads", a.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());
  app->add_option("--chain-parts", a.chainParts,
                  "Parts each Langevin step's chains split into, run side by side on the "
                  "threads (0 = one per thread, 1 = whole batch); runtime.chain_parts")
      ->check(wholeIn(0, 1024));
  app->add_flag("--cuda-graphs", a.cudaGraphs,
                "On CUDA, capture each chain step once as a CUDA graph and replay it; "
                "runtime.cuda_graphs");
  app->add_option("--precision", a.precision,
                  "tf32 | fp32 | bf16: the arithmetic on CUDA (tf32, the default: products in "
                  "TensorFloat-32; fp32: float32 throughout; bf16: the chains under bfloat16 "
                  "autocast); runtime.precision")
      ->check(CLI::IsMember({"fp32", "tf32", "bf16"}));
}

} // namespace ebm::cli
