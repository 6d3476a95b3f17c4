// What a user asks the session for besides training: revisions of any of the method's chains,
// interpolation, inpainting, a 2-D energy landscape and test images for pickers. Each request
// asks the method for a capability and says what the loaded model cannot do. Worker thread only.
#include "session/session_impl.h"

#include "base/runtime.h"
#include "data/toy2d.h"
#include "errors.h"
#include "methods/capabilities.h"
#include "models/models.h"
#include "tasks/inpainting.h"
#include "tasks/interpolation.h"

#include <cstdio>
#include <thread>

namespace ebm {
namespace {

constexpr double kPublishInterval = 0.03; // snapshots while a chain runs (~30 Hz)
constexpr int kPaceTickMs = 10;           // a paced chain checks stop and pace this often

// Revisions flag the session busy for as long as they run, whatever they throw.
struct RevisionGuard {
  explicit RevisionGuard(bool& flag) : m_flag(flag) { m_flag = true; }
  ~RevisionGuard() { m_flag = false; }
  bool& m_flag;
};

} // namespace

// Publishes a copy of a chain's trace while it runs, at most ~30 times a second; a paced
// revision publishes every step and then waits for its pace.
std::function<void(const Trace&)> Session::Impl::progress(const std::string& chain,
                                                          bool fromRevision) {
  return [this, chain, fromRevision](const Trace& t) {
    const bool paced = fromRevision && revisionPace.load() != 0;
    if (paced || secondsSince(lastPublish) >= kPublishInterval) {
      traces[chain] = {std::make_shared<const Trace>(t), fromRevision};
      publish();
    }
    if (paced)
      holdToPace();
  };
}

void Session::Impl::holdToPace() {
  const auto t0 = SessionClock::now();
  auto released = [this] { return chainStop.load() || quit.load(); };
  if (revisionPace.load() == kSingleStep) {
    revisionWaiting = true;
    publish();
    while (!released() && revisionPace.load() == kSingleStep) {
      long n = revisionSteps.load();
      if (n > 0 && revisionSteps.compare_exchange_strong(n, n - 1))
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(kPaceTickMs));
      if (republish.exchange(false))
        publish();  // a live setting changed while the chain waits: show it
    }
    revisionWaiting = false;
  }
  // A pace change while waiting applies at once (faster, slower or single steps).
  for (;;) {
    const double pace = revisionPace.load();
    if (released() || pace <= 0)
      break;
    const double left = 1.0 / pace - secondsSince(lastPacedStep);
    if (left <= 0)
      break;
    std::this_thread::sleep_for(std::chrono::duration<double>(
        std::min(left, kPaceTickMs / 1000.0)));
  }
  paceWaitSeconds += secondsSince(t0);
  lastPacedStep = SessionClock::now();
}

void Session::Impl::runChain(const cmd::RunChain& c) {
  if (!ready("run a revision"))
    return;
  const ChainSpec* spec = chainSet->info->chain(c.chain);
  if (!spec)
    throw Error("revision: " + method->name() + " has no chain named '" + c.chain + "'");
  const std::string what = c.chain + "-revision";
  if (c.chains < 2 || c.chains > 4096)
    throw Error(what + ": chains = " + std::to_string(c.chains) + " must be in 2..4096");
  RevisionRequest req;
  req.chain = c.chain;
  req.chains = c.chains;
  req.init = c.init.empty() && !spec->inits.empty() ? spec->inits.front() : c.init;
  if (req.init == "batch") {
    auto shape = dataShape(config.model);
    int64_t per = 1;
    for (auto d : shape)
      per *= d;
    if (static_cast<int64_t>(c.start.size()) != per * c.chains)
      throw Error(what + " with init 'batch': got " + std::to_string(c.start.size()) +
                  " values, expected " + std::to_string(per * c.chains) + " (" +
                  std::to_string(c.chains) + " chains of " + std::to_string(per) + ")");
    shape.insert(shape.begin(), c.chains);
    req.batch = torch::from_blob(const_cast<float*>(c.start.data()), shape, torch::kFloat).clone();
  } else if (spec->hasTarget) {
    auto cpu = makeGenerator(torch::kCPU, c.seed);
    req.batch = data->heldOut(c.chains, cpu);
  }
  auto gen = makeGenerator(device, c.seed);
  Trace trace;
  auto ctx = context(gen);
  ctx.traces[c.chain] = &trace;
  ctx.onStep = progress(c.chain, true);
  const auto t0 = SessionClock::now();
  paceWaitSeconds = 0;
  revisionSteps = 0;
  lastPacedStep = t0;
  {
    RevisionGuard busyFlag(revisionRunning);
    method->revise(req, ctx);
  }
  const double dt = secondsSince(t0) - paceWaitSeconds;
  if (dt > 0 && trace.lastStep() > 0)
    revisionStepsPerSecond = trace.lastStep() / dt;
  auto done = std::make_shared<const Trace>(std::move(trace));
  traces[c.chain] = {done, true};
  lastMessage = what + ": " + std::to_string(done->lastStep()) + " steps on " +
                std::to_string(c.chains) + (spec->hasTarget ? " held-out examples" : " chains");
  if (done->diverged) {
    lastMessage = what + " diverged: " + done->message;
    // Non-finite at the start, before any move: the model (or the start) is broken, and a
    // smaller step size would not help.
    report(lastMessage + (done->lastStep() == 0
                              ? " — before any step: the model gives non-finite values at the "
                                "chains' start (a poisoned model or start, not the step size); "
                                "the model is unchanged"
                              : " — try a smaller step size; the model is unchanged"));
  }
}

// Image i of the test split as plain floats.
std::vector<float> Session::Impl::testImage(int index) {
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

void Session::Impl::fetchTestImages(const cmd::FetchTestImages& c) {
  if (!ready("fetch test images"))
    return;
  if (c.first < 0 || c.count < 1 || c.count > 1024)
    throw Error("fetch test images: first must be >= 0 and count 1..1024");
  auto cpu = makeGenerator(torch::kCPU, 0);
  const auto all = data->heldOut(c.first + c.count, cpu);
  const int64_t have = std::max<int64_t>(0, all.size(0) - c.first);
  const auto x =
      all.narrow(0, std::min<int64_t>(c.first, all.size(0)), have).contiguous().to(torch::kFloat);
  testImages = std::make_shared<const std::vector<float>>(x.data_ptr<float>(),
                                                          x.data_ptr<float>() + x.numel());
  testImagesFirst = c.first;
}

void Session::Impl::runInterpolate(const cmd::Interpolate& c) {
  if (!ready("interpolate"))
    return;
  if (!method->levelSampler()) // a level sampler interpolates in its top-level noise
    requireLatent(*method, "interpolation");
  InterpolationSettings s = c.settings;
  if (s.ends == "data" && c.testIndexA >= 0 && c.testIndexB >= 0) {
    s.imageA = testImage(c.testIndexA);
    s.imageB = testImage(c.testIndexB);
  }
  {
    RevisionGuard busyFlag(revisionRunning);
    publish();
    interpolation =
        std::make_shared<const InterpolationResult>(interpolate(*method, config, s, &chainStop));
  }
  lastMessage = "interpolation: " + std::to_string(s.points) + " points between " +
                (s.ends == "prior" ? std::string("two prior draws") : std::string("two images"));
}

void Session::Impl::runInpaint(const cmd::Inpaint& c) {
  if (!ready("inpaint"))
    return;
  if (!method->levelSampler()) // a level sampler inpaints by replacement
    requireLatent(*method, "inpainting");
  const auto image = c.testIndex >= 0 ? testImage(c.testIndex) : c.image;
  auto onStage = [this](const std::string& stage) {
    inpaintStage = stage;
    publish();
  };
  try {
    RevisionGuard busyFlag(revisionRunning);
    inpainting = std::make_shared<const InpaintResult>(inpaint(*method, config, image,
                                                               dataShape(config.model), {c.mask},
                                                               c.settings, onStage, &chainStop));
  } catch (...) {
    inpaintStage.clear();
    throw;
  }
  inpaintStage.clear();
  std::string psnrs;
  for (const auto& st : inpainting->stages) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", st.scores.psnrHole);
    psnrs += (psnrs.empty() ? "" : " -> ") + std::string(buf);
  }
  lastMessage = "inpainting: hole PSNR " + psnrs + " dB (stages 1-" +
                std::to_string(inpainting->stages.size()) + ")";
}

void Session::Impl::evaluateLandscape(const cmd::EvaluateLandscape& c) {
  if (!ready("evaluate the landscape"))
    return;
  auto& energy = requireEnergy(*method, "the energy landscape");
  const auto shape = dataShape(config.model);
  if (shape.size() != 1 || shape[0] != 2)
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
  out->level = c.level;
  const int levels = method->info().capabilities.noiseLevels;
  if (c.level != -1 && (c.level < 0 || c.level >= levels))
    throw Error("landscape: noise level " + std::to_string(c.level) +
                (levels > 0 ? " outside 0.." + std::to_string(levels - 1)
                            : std::string(" asked of a model without noise levels")));
  const auto e = (c.level < 0 ? energy.energy(grid) : energy.energyAtLevel(grid, c.level))
                     .to(torch::kFloat)
                     .contiguous();
  out->energy.assign(e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
  if (c.level < 0 && config.data.kind == "toy2d" && toyHasLogDensity(config.data.toy)) {
    const auto ld = toyLogDensity(config.data.toy, grid).to(torch::kFloat).contiguous();
    out->logDensity.assign(ld.data_ptr<float>(), ld.data_ptr<float>() + ld.numel());
  }
  constexpr int kLandscapeDataPoints = 512;
  auto cpu = makeGenerator(torch::kCPU, 0);  // the same sample every time: dots do not jitter
  const auto held = data->heldOut(kLandscapeDataPoints, cpu).to(torch::kFloat).contiguous();
  out->data.assign(held.data_ptr<float>(), held.data_ptr<float>() + held.numel());
  landscape = std::move(out);
}

} // namespace ebm
