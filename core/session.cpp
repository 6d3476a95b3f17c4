#include "session.h"

#include "checkpoint.h"
#include "data_source.h"
#include "dual_mcmc.h"
#include "errors.h"
#include "report.h"
#include "langevin.h"
#include "method.h"
#include "models.h"
#include "runtime.h"
#include "toy2d.h"

#include <torch/torch.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace ebm {
namespace {

using Clock = std::chrono::steady_clock;

// Lowers the calling thread's scheduling priority. LibTorch's intra-op threads are created
// lazily by the first parallel operation on this thread and inherit its nice value, so all of
// the session's compute yields to an interactive thread.
void lowerPriority(int nice) {
#ifdef __linux__
  if (nice > 0)
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), std::min(nice, 19));
#else
  (void)nice;
#endif
}

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

constexpr double kPublishInterval = 0.03;       // snapshots while a chain runs (~30 Hz)
constexpr double kTrainingTraceInterval = 0.1;  // record a training iteration's chains at ~10 Hz

} // namespace

const char* toString(RunState s) {
  switch (s) {
  case RunState::Loading: return "loading";
  case RunState::Idle: return "idle";
  case RunState::Training: return "training";
  case RunState::Paused: return "paused";
  case RunState::Diverged: return "diverged";
  case RunState::Failed: return "failed";
  }
  return "?";
}

std::vector<std::string> availableMethods() { return methodNames(); }

struct Session::Impl {
  explicit Impl(RunConfig cfg, SessionOptions opts)
      : config(std::move(cfg)), options(std::move(opts)), xLive(config.x), zLive(config.z) {
    auto s = std::make_shared<SessionSnapshot>();
    s->config = config;
    published = s;
    worker = std::thread([this] { run(); });
  }

  ~Impl() {
    quit = true;
    chainStop = true;
    queueCv.notify_all();
    if (worker.joinable())
      worker.join();
  }

  // ------------------------------------------------------------ shared between threads
  RunConfig config;  // worker-owned after construction (live settings merged at publish)
  SessionOptions options;
  LiveValue<LangevinXConfig> xLive;
  LiveValue<LangevinZConfig> zLive;

  mutable std::mutex queueMutex;
  std::condition_variable queueCv;
  std::deque<Command> queue;
  std::atomic<bool> quit{false};
  std::atomic<bool> chainStop{false};
  std::atomic<bool> busy{true};  // the worker is loading, handling a command or training

  mutable std::mutex snapMutex;
  std::shared_ptr<const SessionSnapshot> published;

  std::mutex errorMutex;  // errors raised by setters on the posting thread
  std::string pendingError;

  std::thread worker;

  // ------------------------------------------------------------ worker-only state
  std::unique_ptr<TrainingMethod> method;
  std::unique_ptr<DataSource> data;
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
  double itersPerSecond = 0, stepsPerSecond = 0;
  std::shared_ptr<LossHistory> losses = std::make_shared<LossHistory>();
  int lossStride = 1;
  std::shared_ptr<const Trace> xTrace, zTrace;
  bool xFromRevision = false, zFromRevision = false, revisionRunning = false;
  std::shared_ptr<const Landscape> landscape;
  std::shared_ptr<const InterpolationResult> interpolation;
  std::shared_ptr<const InpaintResult> inpainting;
  std::string inpaintStage;
  std::shared_ptr<const std::vector<float>> testImages;
  int testImagesFirst = 0;
  std::string lastError, lastMessage, checkpointPath;
  uint64_t errorCount = 0, sequence = 0;
  long divergedAt = -1;
  Clock::time_point lastPublish = Clock::now(), lastTrainingTrace = Clock::now() - std::chrono::hours(1);

  // ------------------------------------------------------------ worker
  void run() {
    lowerPriority(options.workerNice);
    try {
      build(config, options.checkpoint);
    } catch (const std::exception& e) {
      fail(e.what());
    }
    publish();  // before clearing busy: waitIdle() callers then see the built state
    busy = false;
    while (!quit) {
      std::optional<Command> next;
      {
        std::unique_lock<std::mutex> lock(queueMutex);
        const bool training = state == RunState::Training;
        if (!training)
          queueCv.wait(lock, [&] { return quit || !queue.empty(); });
        if (quit)
          break;
        if (!queue.empty()) {
          next = std::move(queue.front());
          queue.pop_front();
        }
        busy = next.has_value() || training;
      }
      if (next)
        handle(*next);
      else if (state == RunState::Training)
        trainOne();
      {
        std::lock_guard<std::mutex> lock(queueMutex);
        busy = !queue.empty() || state == RunState::Training;
      }
    }
  }

  void build(RunConfig cfg, const std::string& checkpoint) {
    state = RunState::Loading;
    publish();
    CheckpointInfo info;
    if (!checkpoint.empty()) {
      info = readCheckpointInfo(checkpoint);
      const auto keepRuntime = cfg.runtime;
      cfg = info.config;
      cfg.runtime = keepRuntime;  // where to run is the user's choice, not the file's
    }
    cfg.validate();
    threads = configureThreads(cfg.runtime.threads);
    device = resolveDevice(cfg.runtime.device);
    auto newData = makeDataSource(cfg.data, cfg.model);
    auto newMethod = makeMethod(cfg, device);
    if (!checkpoint.empty())
      info = loadCheckpointInto(checkpoint, *newMethod);
    // Commit only after everything succeeded: a bad file leaves the old session intact.
    config = cfg;
    data = std::move(newData);
    method = std::move(newMethod);
    dataGen = makeGenerator(torch::kCPU, cfg.train.seed + 1);
    chainGen = makeGenerator(device, cfg.train.seed + 2);
    iteration = checkpoint.empty() ? 0 : info.iteration;
    epoch = checkpoint.empty() ? 0 : info.epoch;
    itersPerEpoch = cfg.train.itersPerEpoch > 0
                        ? cfg.train.itersPerEpoch
                        : (data->size() > 0 ? std::max<long>(1, data->size() / cfg.train.batchSize)
                                            : 100);
    method->setEpoch(epoch);
    xLive.set(cfg.x);
    zLive.set(cfg.z);
    losses = std::make_shared<LossHistory>();
    losses->names = method->lossNames();
    lossStride = 1;
    xTrace.reset();
    zTrace.reset();
    landscape.reset();
    interpolation.reset();
    inpainting.reset();
    testImages.reset();
    divergedAt = -1;
    checkpointPath = checkpoint;
    state = RunState::Idle;
    if (!options.runDir.empty()) {
      std::filesystem::create_directories(options.runDir);
      config.writeFile(options.runDir + "/config.toml");
    }
    lastMessage = checkpoint.empty() ? "new " + cfg.train.method + " model (" + cfg.name + ")"
                                     : "loaded " + checkpoint + " at iteration " +
                                           std::to_string(iteration);
  }

  void fail(const std::string& message) {
    lastError = message;
    ++errorCount;
    if (!method)
      state = RunState::Failed;
  }

  void report(const std::string& message) {
    lastError = message;
    ++errorCount;
  }

  bool ready(const char* what) {
    if (method && state != RunState::Failed && state != RunState::Loading)
      return true;
    report(std::string("cannot ") + what + ": no model is loaded");
    return false;
  }

  void handle(const Command& command) {
    try {
      std::visit(Overloaded{
                     [&](const cmd::StartTraining& c) { startTraining(c.iterations); },
                     [&](const cmd::Pause&) {
                       if (state == RunState::Training)
                         state = RunState::Paused;
                     },
                     [&](const cmd::Resume&) {
                       if (state == RunState::Paused && ready("resume"))
                         state = RunState::Training;
                     },
                     [&](const cmd::StepOnce&) {
                       if (!ready("step") || state == RunState::Diverged)
                         return;
                       if (target <= iteration)
                         target = iteration + 1;
                       stepOnce = true;
                       state = RunState::Training;
                     },
                     [&](const cmd::StopTraining&) {
                       chainStop = false;
                       if (state == RunState::Training || state == RunState::Paused) {
                         state = RunState::Idle;
                         lastMessage = "training stopped at iteration " + std::to_string(iteration);
                         autosave();
                       }
                     },
                     [&](const cmd::StopRevision&) { chainStop = false; },
                     [&](const cmd::RunX& c) { runX(c); },
                     [&](const cmd::RunZ& c) { runZ(c); },
                     [&](const cmd::SaveCheckpoint& c) { save(c.path); },
                     [&](const cmd::LoadCheckpoint& c) { load(c.path); },
                     [&](const cmd::EvaluateLandscape& c) { evaluateLandscape(c); },
                     [&](const cmd::Interpolate& c) { runInterpolate(c); },
                     [&](const cmd::Inpaint& c) { runInpaint(c); },
                     [&](const cmd::FetchTestImages& c) { fetchTestImages(c); },
                 },
                 command);
    } catch (const std::exception& e) {
      report(e.what());
    }
    publish();
  }

  void startTraining(long more) {
    if (!ready("train"))
      return;
    if (state == RunState::Diverged) {
      report("training diverged at iteration " + std::to_string(divergedAt) +
             "; load the last good checkpoint first");
      return;
    }
    target = iteration + (more >= 0 ? more : config.train.iterations);
    stepOnce = false;
    state = target > iteration ? RunState::Training : RunState::Idle;
    lastMessage = "training to iteration " + std::to_string(target);
  }

  MethodContext context(torch::Generator& gen) {
    MethodContext ctx;
    ctx.device = device;
    ctx.gen = &gen;
    ctx.stop = &chainStop;
    ctx.xSettings = &xLive;
    ctx.zSettings = &zLive;
    return ctx;
  }

  // Publishes a copy of a chain's trace while it runs, at most ~30 times a second.
  std::function<void(const Trace&)> progress(bool isX, bool fromRevision) {
    return [this, isX, fromRevision](const Trace& t) {
      if (secondsSince(lastPublish) < kPublishInterval)
        return;
      auto copy = std::make_shared<const Trace>(t);
      if (isX) {
        xTrace = copy;
        xFromRevision = fromRevision;
      } else {
        zTrace = copy;
        zFromRevision = fromRevision;
      }
      publish();
    };
  }

  void trainOne() {
    if (iteration >= target) {
      state = stepOnce ? RunState::Paused : RunState::Idle;
      if (!stepOnce) {
        lastMessage = "training finished at iteration " + std::to_string(iteration);
        autosave();
      }
      stepOnce = false;
      publish();
      return;
    }
    const auto t0 = Clock::now();
    if (iteration % itersPerEpoch == 0) {
      epoch = static_cast<int>(iteration / itersPerEpoch);
      method->setEpoch(epoch);
    }
    IterationResult r;
    Trace xt, zt;
    const bool record = secondsSince(lastTrainingTrace) >= kTrainingTraceInterval;
    try {
      const auto batch = data->next(config.train.batchSize, dataGen);
      auto ctx = context(chainGen);
      if (record) {
        ctx.xTrace = &xt;
        ctx.zTrace = &zt;
        lastTrainingTrace = Clock::now();
      }
      r = method->iterate(batch, ctx);
    } catch (const std::exception& e) {
      report(std::string("training iteration failed: ") + e.what());
      state = RunState::Idle;
      publish();
      return;
    }
    if (r.interrupted) {
      publish();
      return;
    }
    if (record) {
      xTrace = std::make_shared<const Trace>(std::move(xt));
      zTrace = std::make_shared<const Trace>(std::move(zt));
      xFromRevision = zFromRevision = false;
    }
    ++iteration;
    const double dt = secondsSince(t0);
    const double rate = dt > 0 ? 1.0 / dt : 0.0;
    itersPerSecond = itersPerSecond == 0 ? rate : 0.9 * itersPerSecond + 0.1 * rate;
    const auto xs = xLive.peek();
    const auto zs = zLive.peek();
    const double chainSteps = xs.steps * (config.train.twoChains ? 2.0 : 1.0) + zs.steps;
    stepsPerSecond = itersPerSecond * chainSteps;
    if (r.diverged) {
      state = RunState::Diverged;
      divergedAt = iteration;
      report("diverged at iteration " + std::to_string(iteration) + ": " + r.message +
             (checkpointPath.empty() ? std::string()
                                     : "; the last good checkpoint is " + checkpointPath));
      appendLosses(r.losses);
      publish();
      return;
    }
    if (iteration % std::max(1, config.train.logEvery) == 0 || iteration == target)
      appendLosses(r.losses);
    if (config.train.checkpointEvery > 0 && iteration % config.train.checkpointEvery == 0)
      autosave();
    if (stepOnce && iteration >= target) {
      state = RunState::Paused;
      stepOnce = false;
    }
    publish();
  }

  void appendLosses(const std::vector<double>& row) {
    if (row.empty())
      return;
    // Copy-on-write: published snapshots keep the old history untouched.
    auto next = std::make_shared<LossHistory>(*losses);
    next->iterations.push_back(iteration);
    next->rows.push_back(row);
    if (static_cast<int>(next->rows.size()) > std::max(16, options.maxLossRows)) {
      LossHistory thin;
      thin.names = next->names;
      for (size_t i = 0; i < next->rows.size(); i += 2) {
        thin.iterations.push_back(next->iterations[i]);
        thin.rows.push_back(next->rows[i]);
      }
      *next = std::move(thin);
      lossStride *= 2;
    }
    losses = std::move(next);
  }

  // Shared by both revisions: validation, chain RNG, progress, timing and the outcome.
  void runRevision(bool isX, int chains, uint64_t seed, RevisionRequest req) {
    const char* what = isX ? "x-revision" : "z-revision";
    if (!ready(isX ? "run an x-revision" : "run a z-revision"))
      return;
    if (chains < 2 || chains > 4096)
      throw Error(std::string(what) + ": chains = " + std::to_string(chains) +
                  " must be in 2..4096");
    auto gen = makeGenerator(device, seed);
    Trace trace;
    auto ctx = context(gen);
    (isX ? ctx.xTrace : ctx.zTrace) = &trace;
    ctx.onStep = progress(isX, true);
    req.chains = chains;
    revisionRunning = true;
    const auto t0 = Clock::now();
    try {
      isX ? method->reviseX(req, ctx) : method->reviseZ(req, ctx);
    } catch (...) {
      revisionRunning = false;
      throw;
    }
    revisionRunning = false;
    const double dt = secondsSince(t0);
    if (dt > 0 && trace.lastStep() > 0)
      stepsPerSecond = trace.lastStep() / dt;
    auto done = std::make_shared<const Trace>(std::move(trace));
    (isX ? xTrace : zTrace) = done;
    (isX ? xFromRevision : zFromRevision) = true;
    lastMessage = std::string(what) + ": " + std::to_string(done->lastStep()) + " steps on " +
                  std::to_string(chains) + (isX ? " chains" : " held-out examples");
    if (done->diverged) {
      lastMessage = std::string(what) + " diverged: " + done->message;
      report(lastMessage + " — try a smaller step size; the model is unchanged");
    }
  }

  void runX(const cmd::RunX& c) {
    RevisionRequest req;
    req.init = c.init;
    if (c.init == "batch") {
      auto shape = dataShape(config.model);
      int64_t per = 1;
      for (auto d : shape)
        per *= d;
      if (static_cast<int64_t>(c.start.size()) != per * c.chains)
        throw Error("x-revision with init 'batch': got " + std::to_string(c.start.size()) +
                    " values, expected " + std::to_string(per * c.chains) + " (" +
                    std::to_string(c.chains) + " chains of " + std::to_string(per) + ")");
      shape.insert(shape.begin(), c.chains);
      req.batch = torch::from_blob(const_cast<float*>(c.start.data()), shape, torch::kFloat).clone();
    }
    runRevision(true, c.chains, c.seed, std::move(req));
  }

  void runZ(const cmd::RunZ& c) {
    if (!ready("run a z-revision"))
      return;
    RevisionRequest req;
    req.init = c.init;
    auto cpu = makeGenerator(torch::kCPU, c.seed);
    req.batch = data->heldOut(std::max(0, c.chains), cpu);
    runRevision(false, c.chains, c.seed, std::move(req));
  }

  DualMcmc& dualModel(const char* what) {
    auto* m = dynamic_cast<DualMcmc*>(method.get());
    if (!m)
      throw Error(std::string(what) + " needs a model with a generator and an inference model "
                  "(dual-mcmc); this one is " + method->name());
    return *m;
  }

  // Image i of the test split as plain floats.
  std::vector<float> testImage(int index) {
    if (index < 0 || index >= 100000)
      throw Error("test image " + std::to_string(index) + " is out of range");
    auto cpu = makeGenerator(torch::kCPU, 0);
    const auto all = data->heldOut(index + 1, cpu);
    if (all.size(0) <= index)
      throw Error("the test split has only " + std::to_string(all.size(0)) + " images; index " +
                  std::to_string(index) + " is out of range");
    const auto x = all[index].contiguous().to(torch::kFloat);
    return std::vector<float>(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
  }

  void fetchTestImages(const cmd::FetchTestImages& c) {
    if (!ready("fetch test images"))
      return;
    if (c.first < 0 || c.count < 1 || c.count > 1024)
      throw Error("fetch test images: first must be >= 0 and count 1..1024");
    auto cpu = makeGenerator(torch::kCPU, 0);
    const auto all = data->heldOut(c.first + c.count, cpu);
    const int64_t have = std::max<int64_t>(0, all.size(0) - c.first);
    const auto x = all.narrow(0, std::min<int64_t>(c.first, all.size(0)), have).contiguous()
                       .to(torch::kFloat);
    testImages = std::make_shared<const std::vector<float>>(x.data_ptr<float>(),
                                                           x.data_ptr<float>() + x.numel());
    testImagesFirst = c.first;
  }

  void runInterpolate(const cmd::Interpolate& c) {
    if (!ready("interpolate"))
      return;
    auto& model = dualModel("interpolation");
    InterpolationSettings s = c.settings;
    if (s.ends == "data" && c.testIndexA >= 0 && c.testIndexB >= 0) {
      s.imageA = testImage(c.testIndexA);
      s.imageB = testImage(c.testIndexB);
    }
    revisionRunning = true;
    publish();
    try {
      interpolation = std::make_shared<const InterpolationResult>(
          interpolate(model, config, s, &chainStop));
    } catch (...) {
      revisionRunning = false;
      throw;
    }
    revisionRunning = false;
    lastMessage = "interpolation: " + std::to_string(s.points) + " points between " +
                  (s.ends == "prior" ? std::string("two prior draws") : std::string("two images"));
  }

  void runInpaint(const cmd::Inpaint& c) {
    if (!ready("inpaint"))
      return;
    auto& model = dualModel("inpainting");
    const auto image = c.testIndex >= 0 ? testImage(c.testIndex) : c.image;
    revisionRunning = true;
    auto onStage = [this](const std::string& stage) {
      inpaintStage = stage;
      publish();
    };
    try {
      inpainting = std::make_shared<const InpaintResult>(
          inpaint(model, config, image, dataShape(config.model), {c.mask}, c.settings, onStage,
                  &chainStop));
    } catch (...) {
      revisionRunning = false;
      inpaintStage.clear();
      throw;
    }
    revisionRunning = false;
    inpaintStage.clear();
    const auto& st = inpainting->stages;
    char buf[160];
    std::snprintf(buf, sizeof buf, "inpainting: hole PSNR %.2f -> %.2f -> %.2f dB (stages 1-3)",
                  st[0].scores.psnrHole, st[1].scores.psnrHole, st[2].scores.psnrHole);
    lastMessage = buf;
  }

  void evaluateLandscape(const cmd::EvaluateLandscape& c) {
    if (!ready("evaluate the landscape"))
      return;
    if (config.model.family != "mlp" || config.model.dataDim != 2)
      throw Error("the energy landscape needs a model of 2-D data");
    if (c.res < 2 || c.res > 1024 || !(c.hi > c.lo))
      throw Error("landscape: res must be 2..1024 and hi > lo");
    auto grid = torch::empty({c.res * c.res, 2});
    auto a = grid.accessor<float, 2>();
    for (int r = 0; r < c.res; ++r)
      for (int k = 0; k < c.res; ++k) {
        a[r * c.res + k][0] = static_cast<float>(c.lo + (c.hi - c.lo) * k / (c.res - 1));
        a[r * c.res + k][1] = static_cast<float>(c.hi - (c.hi - c.lo) * r / (c.res - 1));
      }
    auto out = std::make_shared<Landscape>();
    out->res = c.res;
    out->lo = c.lo;
    out->hi = c.hi;
    out->iteration = iteration;
    const auto e = method->energy(grid).to(torch::kFloat).contiguous();
    out->energy.assign(e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
    if (config.data.kind == "toy2d" && toyHasLogDensity(config.data.toy)) {
      const auto ld = toyLogDensity(config.data.toy, grid).to(torch::kFloat).contiguous();
      out->logDensity.assign(ld.data_ptr<float>(), ld.data_ptr<float>() + ld.numel());
    }
    landscape = std::move(out);
  }

  std::string defaultCheckpointPath() const {
    return options.runDir.empty() ? std::string() : options.runDir + "/checkpoint.safetensors";
  }

  void save(const std::string& requested) {
    if (!ready("save"))
      return;
    if (state == RunState::Diverged)
      throw CheckpointError("not saving: the model diverged at iteration " +
                            std::to_string(divergedAt) + " and would overwrite a good checkpoint");
    const std::string path = requested.empty() ? defaultCheckpointPath() : requested;
    if (path.empty())
      throw CheckpointError("no checkpoint path given and the session has no run folder");
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::exists(parent))
      throw CheckpointError("cannot save " + path + ": folder " + parent.string() +
                            " does not exist");
    RunConfig effective = config;
    effective.x = xLive.peek();
    effective.z = zLive.peek();
    saveCheckpoint(path, *method, effective, iteration, epoch);
    checkpointPath = path;
    if (!options.runDir.empty())
      writeLossCsv(options.runDir + "/losses.csv", *losses);
    lastMessage = "saved " + path + " at iteration " + std::to_string(iteration);
  }

  void autosave() {
    if (options.runDir.empty() || state == RunState::Diverged)
      return;
    try {
      save("");
    } catch (const std::exception& e) {
      report(std::string("autosave failed: ") + e.what());
    }
  }

  void load(const std::string& path) {
    if (path.empty())
      throw CheckpointError("no checkpoint path given");
    const RunState before = state;
    try {
      build(config, path);
    } catch (...) {
      state = method ? (before == RunState::Training ? RunState::Paused : before)
                     : RunState::Failed;
      throw;
    }
  }

  void publish() {
    auto s = std::make_shared<SessionSnapshot>();
    s->sequence = ++sequence;
    s->state = state;
    s->iteration = iteration;
    s->epoch = epoch;
    s->targetIterations = target;
    s->itersPerSecond = state == RunState::Training ? itersPerSecond : 0.0;
    s->langevinStepsPerSecond = stepsPerSecond;
    s->device = method ? describeDevice(device) : std::string();
    s->threads = threads;
    s->residentBytes = residentBytes();
    s->peakResidentBytes = peakResidentBytes();
    s->config = config;
    s->config.x = xLive.peek();
    s->config.z = zLive.peek();
    s->xSettingsVersion = xLive.version();
    s->xSettingsUsed = xLive.usedVersion(s->xSetToUseSeconds);
    s->zSettingsVersion = zLive.version();
    s->zSettingsUsed = zLive.usedVersion(s->zSetToUseSeconds);
    s->method = method ? method->name() : std::string();
    s->data = data ? data->describe() : std::string();
    s->dataShape = dataShape(config.model);
    s->losses = losses;
    s->xTrace = xTrace;
    s->zTrace = zTrace;
    s->xFromRevision = xFromRevision;
    s->zFromRevision = zFromRevision;
    s->revisionRunning = revisionRunning;
    s->landscape = landscape;
    s->interpolation = interpolation;
    s->inpainting = inpainting;
    s->inpaintStage = inpaintStage;
    s->testImages = testImages;
    s->testImagesFirst = testImagesFirst;
    {
      std::lock_guard<std::mutex> lock(errorMutex);
      if (!pendingError.empty()) {
        lastError = pendingError;
        ++errorCount;
        pendingError.clear();
      }
    }
    s->lastError = lastError;
    s->errorCount = errorCount;
    s->lastMessage = lastMessage;
    s->checkpointPath = checkpointPath;
    s->divergedAt = divergedAt;
    lastPublish = Clock::now();
    std::lock_guard<std::mutex> lock(snapMutex);
    published = std::move(s);
  }

  void recordSetterError(const std::string& message) {
    std::lock_guard<std::mutex> lock(errorMutex);
    pendingError = message;
  }
};

Session::Session(RunConfig config, SessionOptions options)
    : m_impl(std::make_unique<Impl>(std::move(config), std::move(options))) {}

Session::~Session() = default;

void Session::post(Command command) {
  if (std::holds_alternative<cmd::StopTraining>(command) ||
      std::holds_alternative<cmd::StopRevision>(command))
    m_impl->chainStop = true;  // the running chain ends at its next step
  {
    std::lock_guard<std::mutex> lock(m_impl->queueMutex);
    m_impl->queue.push_back(std::move(command));
    m_impl->busy = true;
  }
  m_impl->queueCv.notify_one();
}

bool Session::setXSettings(const LangevinXConfig& settings) {
  RunConfig probe;
  probe.x = settings;
  try {
    probe.validate();
  } catch (const ConfigError& e) {
    m_impl->recordSetterError(e.what());
    return false;
  }
  m_impl->xLive.set(settings);
  return true;
}

bool Session::setZSettings(const LangevinZConfig& settings) {
  RunConfig probe;
  probe.z = settings;
  try {
    probe.validate();
  } catch (const ConfigError& e) {
    m_impl->recordSetterError(e.what());
    return false;
  }
  m_impl->zLive.set(settings);
  return true;
}

std::shared_ptr<const SessionSnapshot> Session::snapshot() const {
  std::lock_guard<std::mutex> lock(m_impl->snapMutex);
  return m_impl->published;
}

bool Session::waitIdle(double timeoutSeconds) const {
  const auto t0 = Clock::now();
  for (;;) {  // checks at least once, so a zero timeout is a poll
    {
      std::lock_guard<std::mutex> lock(m_impl->queueMutex);
      if (m_impl->queue.empty() && !m_impl->busy)
        return true;
    }
    if (secondsSince(t0) >= timeoutSeconds)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

} // namespace ebm
