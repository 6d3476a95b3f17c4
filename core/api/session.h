// The one door into the core. A Session owns a training method (its models and
// optimisers), the data and a worker thread. Any thread posts typed commands (post never
// blocks on compute) and reads immutable snapshots (snapshot() returns at once). Live
// Langevin settings and stop requests take effect at the next Langevin step.
// Plain C++ API: no LibTorch, Qt or GL type appears here, so GUIs can include it.
#pragma once

#include "config.h"
#include "distributed.h"
#include "inpaint.h"
#include "interpolate.h"
#include "method_info.h"
#include "sweep.h"
#include "trace.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ebm {

enum class RunState {
  Loading,   // building models / loading data
  Idle,      // ready; not training
  Training,  // iterations running
  Paused,    // training paused; revisions still allowed
  Diverged,  // a NaN or an energy-gap blow-up stopped training (see divergedAt)
  Failed,    // the session could not be built (see lastError); commands are refused
};
const char* toString(RunState state);

/// Training curves, one row per training iteration (train.log_every thins only losses.csv).
/// Bounded: beyond SessionOptions::maxLossRows rows, older rows are kept only at iterations that
/// are multiples of a power of two (doubled as needed); the newest row is always kept.
struct LossHistory {
  std::vector<std::string> names;
  std::vector<long> iterations;
  std::vector<std::vector<double>> rows;  // rows[i][k] is names[k] at iterations[i]
};

/// A 2-D energy landscape evaluated on a res x res grid over [lo, hi]^2 (row 0 = top, y = hi).
struct Landscape {
  int res = 0;
  double lo = 0, hi = 0;
  long iteration = -1;
  int level = -1;                 // -1: the data energy E(x); l >= 0: the energy of noise
                                  // level l, -f(y, l), over the coordinates y its chain moves in
  std::vector<float> energy;      // E(x) per grid point
  std::vector<float> logDensity;  // exact log-density of the data (empty when none exists, and
                                  // at a noise level above the data's)
  std::vector<float> data;        // a held-out sample of the data, (x, y) pairs (up to 512
                                  // points), for drawing it and fitting a view to it
};

/// One chain of the loaded method as the front ends see it: its live settings (with the version
/// last set, the version a Langevin step last used, and the seconds from that set to its first
/// use, -1 while unused) and its latest trace (from training or from a user revision).
struct ChainView {
  SettingValues settings;
  uint64_t settingsVersion = 0, settingsUsed = 0;
  double setToUseSeconds = -1;
  std::shared_ptr<const Trace> trace;
  bool fromRevision = false;   // the trace comes from a user revision (not from training)
};

struct SessionSnapshot {
  uint64_t sequence = 0;          // increases with every publication
  RunState state = RunState::Loading;
  long iteration = 0;
  int epoch = 0;
  long targetIterations = 0;      // iteration at which the current training run stops
  double itersPerSecond = 0;         // training iterations per second over the last ~5 s of
                                     // wall time (0 when not training)
  double langevinStepsPerSecond = 0; // training: Langevin steps per second over the same window
  double revisionStepsPerSecond = 0; // the latest revision's steps per second of compute (pace
                                     // waits excluded; 0 before the first)
  double revisionPace = 0;           // steps/s a revision is held to (0: as fast as it can,
                                     // kSingleStep: one step per Session::stepRevision())
  bool revisionWaiting = false;      // a single-stepped revision waits for stepRevision()
  std::string device;
  int threads = 0;
  int64_t residentBytes = 0;
  int64_t peakResidentBytes = 0;
  RunConfig config;               // the effective run config (live settings included)
  std::string method;             // registered name of the loaded method
  std::shared_ptr<const MethodInfo> methodInfo;  // its capabilities, chains and losses
  std::map<std::string, ChainView> chains;       // by ChainSpec name
  std::string data;               // description of the data source
  std::vector<int64_t> dataShape; // one sample, e.g. {2} or {1, 32, 32}
  std::shared_ptr<const LossHistory> losses;  // while training refreshed ~5 times a second,
                                              // else up to the snapshot's iteration
  bool revisionRunning = false;
  std::shared_ptr<const Landscape> landscape;
  std::shared_ptr<const InterpolationResult> interpolation;  // latest Interpolate result
  std::shared_ptr<const InpaintResult> inpainting;           // latest Inpaint result
  std::shared_ptr<const ComparisonResult> comparison;        // latest CompareSettings (partial
                                                             // while it runs)
  std::shared_ptr<const GridResult> grid;                    // latest SweepGrid (partial too)
  std::string inpaintStage;       // the stage an inpainting is in ("" when none runs)
  std::shared_ptr<const std::vector<float>> testImages;      // latest FetchTestImages batch
  int testImagesFirst = 0;        // index of its first image in the test split
  std::string lastError;          // the most recent error message (empty if none)
  uint64_t errorCount = 0;        // increases with every error
  std::string lastMessage;        // the most recent informational message
  std::string checkpointPath;     // last checkpoint written or loaded
  long savedIteration = 0;        // iteration of that checkpoint (0 for a new model): the
                                  // iterations after it are unsaved (see unsavedIterations)
  long autosavedIteration = -1;   // iteration of the last <runDir>/autosave.safetensors, -1: none
  long divergedAt = -1;           // iteration of the divergence, -1 if none
  uint64_t modelVersion = 0;      // changes whenever models are built or loaded (unique in the
                                  // process, so a new session's model differs too); a save
                                  // keeps it
};

namespace cmd {
struct StartTraining { long iterations = -1; };  // run until this many more (-1: config's total)
struct Pause {};                                  // from the next Langevin step: the iteration
                                                  // in progress is abandoned before any weight
                                                  // changes; Resume starts it afresh
struct Resume {};
struct StepOnce {};                               // one iteration, then paused
struct StopTraining {};
struct RunChain {                                 // a revision: one of the method's chains
  std::string chain;                              // a ChainSpec name, e.g. "x"
  int chains = 16;
  std::string init;                               // one of the chain's inits ("" = its first),
                                                  // or "batch" with `start`
  uint64_t seed = 1;
  std::vector<float> start;                       // init "batch": chains x one state, row-major
};                                                // (chains with a target draw held-out data)
struct StopRevision {};
struct SaveCheckpoint { std::string path; };      // empty: <runDir>/checkpoint.safetensors
struct LoadCheckpoint { std::string path; };      // rebuilds the models from the file's config
struct EvaluateLandscape {
  int res = 128;
  double lo = -1.5, hi = 1.5;
  int level = -1;  // -1: the data energy; 0..noiseLevels-1: that noise level's energy
};
struct Interpolate {                              // Fig. 4 strips and the energy profile
  InterpolationSettings settings;
  int testIndexA = -1, testIndexB = -1;           // ends = data: images of the test split
};                                                // (or settings.imageA/B when < 0)
struct Inpaint {                                  // the A.3 protocol on one image
  int testIndex = -1;                             // an image of the test split, or
  std::vector<float> image;                       // given pixels (C x H x W in [-1, 1])
  Mask mask;
  InpaintSettings settings;
};
struct FetchTestImages { int first = 0; int count = 16; };  // for pickers: test-split images
} // namespace cmd

using Command = std::variant<cmd::StartTraining, cmd::Pause, cmd::Resume, cmd::StepOnce,
                             cmd::StopTraining, cmd::RunChain, cmd::StopRevision,
                             cmd::SaveCheckpoint, cmd::LoadCheckpoint, cmd::EvaluateLandscape,
                             cmd::Interpolate, cmd::Inpaint, cmd::FetchTestImages,
                             cmd::CompareSettings, cmd::SweepGrid>;

struct SessionOptions {
  std::string runDir;        // where checkpoints and the effective config go ("" = nowhere)
  std::string checkpoint;    // load this checkpoint at start (its config replaces `config`)
  int maxLossRows = 20000;   // bound on the loss history's rows (at least 16)
  int workerNice = 0;        // Linux: raise the worker's nice value by this much (0..19); its
                             // compute threads inherit it, so a GUI thread stays responsive
  double autosaveSeconds = 0;  // write <runDir>/autosave.safetensors when iterations have been
                               // unsaved this long (0 = never); never replaces a checkpoint
  /// Data-parallel training: this process is one rank of a job (see distributed.h). The session
  /// joins the job when its model is built (rank 0's weights are copied to every rank), each
  /// rank trains on its share of every batch with its own chains, gradients are averaged before
  /// every optimiser step and the losses over the ranks; only rank 0 writes the run folder
  /// (config, checkpoints, autosaves). Pause and stop take effect on every rank together at the
  /// next iteration. Unset: a single process.
  std::optional<DistributedRank> distributed;
  std::vector<std::string> resumeOverrides;  // key=value applied over `checkpoint`'s config at
                               // start: what may change between legs of a run (chain settings,
                               // train.iterations, learning rates, train.log_every,
                               // train.checkpoint_every, runtime.*); any other key fails the
                               // start with a ConfigError naming it
};

/// Session::setRevisionPace: one Langevin step of a revision per stepRevision() call.
constexpr double kSingleStep = -1;

/// Training iterations that no checkpoint holds: those after the last one written or loaded.
/// A diverged model has none worth keeping (a checkpoint is refused after a divergence).
inline long unsavedIterations(const SessionSnapshot& s) {
  if (s.state == RunState::Diverged || s.state == RunState::Loading ||
      s.state == RunState::Failed)
    return 0;
  return s.iteration > s.savedIteration ? s.iteration - s.savedIteration : 0;
}

class Session {
public:
  /// Returns at once; models and data are built on the worker (state Loading).
  explicit Session(RunConfig config, SessionOptions options = {});
  /// Requests every chain to stop and joins the worker.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Queues a command. Stop/pause requests also take effect at the next Langevin step (a pause
  /// or stop abandons the training iteration in progress; no model has changed by then).
  void post(Command command);
  /// Live settings of a named chain: the keys given replace the current ones; validated against
  /// the chain's schema, then used from the next Langevin step on (no queueing). Returns false
  /// (and records the error) for an unknown chain or an invalid value.
  bool setChainSettings(const std::string& chain, const SettingValues& values);
  /// Changes SessionOptions::autosaveSeconds of the running session (any thread).
  void setAutosaveSeconds(double seconds);

  /// How fast revisions run, so a class can watch each step: at most `stepsPerSecond` Langevin
  /// steps per second (0 = as fast as possible), or kSingleStep. Applies from the next step of
  /// the running revision; training chains are never held back. Any thread. A non-finite or
  /// other negative value is refused (returns false, error recorded).
  bool setRevisionPace(double stepsPerSecond);
  /// Lets a single-stepped revision take `steps` more steps (ignored at other paces).
  void stepRevision(int steps = 1);

  std::shared_ptr<const SessionSnapshot> snapshot() const;
  /// Blocks the *calling* thread until the worker has nothing queued and is not training or
  /// revising, or the timeout passes. For the CLI and tests; a GUI never calls it.
  bool waitIdle(double timeoutSeconds) const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace ebm
