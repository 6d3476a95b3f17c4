// The inside of a Session, split by duty into files named for it: session.cpp (the public door,
// the worker loop and command dispatch), training.cpp (the training loop and loss history),
// requests.cpp (revisions, interpolation, inpainting, landscapes, test images), sweep.cpp
// (comparisons of settings from common random numbers), persistence.cpp
// (building, loading and saving models) and publishing.cpp (immutable snapshots). Members
// under "worker-only" are touched by the worker thread alone; the rest is synchronised as noted.
#pragma once

#include "session.h"

#include "base/live_settings.h"
#include "session/loss_recorder.h"
#include "data/data_source.h"
#include "distributed/data_parallel.h"
#include "methods/method.h"

#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ebm {

using SessionClock = std::chrono::steady_clock;

inline double secondsSince(SessionClock::time_point t) {
  return std::chrono::duration<double>(SessionClock::now() - t).count();
}

/// The live settings of the loaded method's chains. Replaced as a whole when a model is built;
/// a setter on another thread keeps the set it grabbed alive while it writes.
struct ChainSettingsSet {
  std::shared_ptr<const MethodInfo> info;
  std::map<std::string, std::unique_ptr<LiveValue<SettingValues>>> live;
};

/// Events per second over a sliding window of wall time (the last `seconds`).
class RateWindow {
public:
  explicit RateWindow(double seconds = 5.0) : m_seconds(seconds) {}
  /// Records that the running count reached `count` now.
  void add(long count);
  /// Counts per second over the window; 0 with fewer than two records in it.
  double rate() const;
  void clear() { m_points.clear(); }

private:
  double m_seconds;
  std::deque<std::pair<SessionClock::time_point, long>> m_points;
};

struct Session::Impl {
  Impl(RunConfig cfg, SessionOptions opts);
  ~Impl();

  // ------------------------------------------------------------ shared between threads
  RunConfig config;  // worker-owned after construction (live settings merged at publish)
  SessionOptions options;

  mutable std::mutex chainsMutex;  // guards the pointer, not the LiveValues (they lock themselves)
  std::shared_ptr<ChainSettingsSet> chainSet = std::make_shared<ChainSettingsSet>();
  std::shared_ptr<ChainSettingsSet> chains() const;

  mutable std::mutex queueMutex;
  std::condition_variable queueCv;
  std::deque<Command> queue;
  std::atomic<bool> quit{false};
  std::atomic<bool> chainStop{false};     // ends any running chain (stop requests)
  std::atomic<bool> trainingStop{false};  // ends the training iteration's chains (pause, stop)
  std::atomic<double> autosaveSeconds{0};
  std::atomic<bool> busy{true};  // the worker is loading, handling a command or training
  std::atomic<bool> republish{false};  // a setter changed what the snapshot shows
  std::atomic<double> revisionPace{0};  // see Session::setRevisionPace
  std::atomic<long> revisionSteps{0};   // single-step grants not yet used

  mutable std::mutex snapMutex;
  std::shared_ptr<const SessionSnapshot> published;

  std::mutex errorMutex;  // errors raised by setters on the posting thread
  std::string pendingError;
  void recordSetterError(const std::string& message);
  void wakeToPublish();  // any thread: the worker publishes a snapshot when it is idle

  std::thread worker;

  // ------------------------------------------------------------ worker-only state
  std::unique_ptr<TrainingMethod> method;
  std::unique_ptr<DataSource> data;
  std::unique_ptr<DataParallel> parallel;  // SessionOptions::distributed: this rank's job
  bool stopVoted = false, pauseVoted = false;  // requests every rank acts on together
  torch::Device device = torch::kCPU;
  torch::Generator dataGen;   // CPU: batches
  torch::Generator chainGen;  // device: training noise
  int threads = 0;
  RunState state = RunState::Loading;
  long iteration = 0;
  int epoch = 0;
  long itersPerEpoch = 100;
  long target = 0;
  bool stepOnce = false;
  double stepsPerSecond = 0, revisionStepsPerSecond = 0;
  RateWindow iterationRate;              // training iterations over the last seconds
  bool revisionWaiting = false;
  double paceWaitSeconds = 0;            // of the running revision, not counted as compute
  SessionClock::time_point lastPacedStep = SessionClock::now();
  LossRecorder losses{options.maxLossRows};  // every iteration (log_every thins losses.csv)
  struct ChainRecord {
    std::shared_ptr<const Trace> trace;
    bool fromRevision = false;
  };
  std::map<std::string, ChainRecord> traces;
  bool revisionRunning = false;
  std::shared_ptr<const Landscape> landscape;
  std::shared_ptr<const InterpolationResult> interpolation;
  std::shared_ptr<const InpaintResult> inpainting;
  std::shared_ptr<const ComparisonResult> comparison;  // latest CompareSettings (sweep.cpp)
  std::shared_ptr<const GridResult> grid;              // latest SweepGrid
  std::string inpaintStage;
  std::shared_ptr<const std::vector<float>> testImages;
  int testImagesFirst = 0;
  std::string lastError, lastMessage, checkpointPath;
  uint64_t errorCount = 0, sequence = 0;
  long divergedAt = -1;
  uint64_t modelVersion = 0;
  long savedIteration = 0;       // iteration of the last checkpoint written or loaded
  long autosavedIteration = -1;  // iteration of the last autosave (-1: none)
  bool abandonedIteration = false;  // a pause or stop interrupted the last iteration
  std::optional<SessionClock::time_point> unsavedSince;  // first iteration no file holds
  SessionClock::time_point lastPublish = SessionClock::now();
  SessionClock::time_point lastTrainingTrace = SessionClock::now() - std::chrono::hours(1);

  // ------------------------------------------------------------ session.cpp: the worker
  void run();
  void handle(const Command& command);
  void fail(const std::string& message);
  void report(const std::string& message);
  bool ready(const char* what);
  MethodContext context(torch::Generator& gen);

  // ------------------------------------------------------------ training.cpp
  void startTraining(long more);
  void pauseTraining();  // distributed: voted on, then applyPause on every rank together
  void stopTraining();   // distributed: voted on, then applyStop on every rank together
  void applyPause();
  void applyStop();
  void stepOnceRequested();
  void trainOne();
  bool rankZero() const { return !parallel || parallel->rank() == 0; }
  void joinJob(TrainingMethod& newMethod, const RunConfig& cfg);  // distributed: at build
  bool agreeOnRequests();  // distributed: true when a pause or stop was acted on
  void loseJob(const std::string& why);  // distributed: a collective failed; rank 0 saves
  IterationResult iterateTogether(const LabelledBatch& batch, MethodContext& ctx);

  // ------------------------------------------------------------ requests.cpp
  void runChain(const cmd::RunChain& c);
  void runInterpolate(const cmd::Interpolate& c);
  void runInpaint(const cmd::Inpaint& c);
  void evaluateLandscape(const cmd::EvaluateLandscape& c);
  void fetchTestImages(const cmd::FetchTestImages& c);
  std::vector<float> testImage(int index);
  std::function<void(const Trace&)> progress(const std::string& chain, bool fromRevision);
  void holdToPace();  // a revision's pause between steps (pace), or its wait for a step

  // ------------------------------------------------------------ sweep.cpp
  struct SweepRun {
    Trace trace;
    torch::Tensor final;  // the revision's final states in data space (CPU)
  };
  void runComparison(const cmd::CompareSettings& c);
  void runGrid(const cmd::SweepGrid& c);
  const ChainSpec& sweepChain(const std::string& what, const std::string& chain);
  RevisionRequest sweepRequest(const std::string& what, const ChainSpec& spec, int chains,
                               const std::string& init, uint64_t seed);
  SettingValues sweepSettings(const std::string& what, const ChainSpec& spec,
                              const SettingValues& keys);
  SweepRun runSweepChain(const RevisionRequest& req, const SettingValues& settings, uint64_t seed,
                         const std::function<void(const Trace&)>& onStep);
  double sweepMmd(const torch::Tensor& samples);  // NaN unless 2-D points
  void comparisonLabels(const ChainSpec& spec, ComparisonResult& r);
  void runVariants(const ChainSpec& spec, const std::vector<RevisionRequest>& requests,
                   std::shared_ptr<ComparisonResult> work);
  void runCells(const ChainSpec& spec, const RevisionRequest& req,
                const std::vector<SettingValues>& cells, std::shared_ptr<GridResult> work);

  // ------------------------------------------------------------ persistence.cpp
  /// `overrides`: SessionOptions::resumeOverrides, for the start's checkpoint only.
  void build(RunConfig cfg, const std::string& checkpoint,
             const std::vector<std::string>& overrides = {});
  void save(const std::string& requested);
  void saveRunCheckpoint();  // <runDir>/checkpoint.safetensors when a run ends (errors logged)
  std::optional<SessionClock::time_point> autosaveDeadline() const;
  void autosave();           // <runDir>/autosave.safetensors (never a checkpoint's file)
  void load(const std::string& path);
  std::string defaultCheckpointPath() const;
  RunConfig effectiveConfig() const;

  // ------------------------------------------------------------ publishing.cpp
  void publish();
};

} // namespace ebm
