#include "session/session_impl.h"

#include "errors.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <cmath>
#include <optional>

namespace ebm {
namespace {

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

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

const char* toString(RunState s) {
  switch (s) {
  case RunState::Loading:
    return "loading";
  case RunState::Idle:
    return "idle";
  case RunState::Training:
    return "training";
  case RunState::Paused:
    return "paused";
  case RunState::Diverged:
    return "diverged";
  case RunState::Failed:
    return "failed";
  }
  return "?";
}

Session::Impl::Impl(RunConfig cfg, SessionOptions opts)
    : config(std::move(cfg)), options(std::move(opts)) {
  auto s = std::make_shared<SessionSnapshot>();
  s->config = config;
  published = s;
  autosaveSeconds = options.autosaveSeconds;
  worker = std::thread([this] { run(); });
}

Session::Impl::~Impl() {
  quit = true;
  chainStop = true;
  trainingStop = true;
  queueCv.notify_all();
  if (worker.joinable())
    worker.join();
}

std::shared_ptr<ChainSettingsSet> Session::Impl::chains() const {
  std::lock_guard<std::mutex> lock(chainsMutex);
  return chainSet;
}

void Session::Impl::recordSetterError(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(errorMutex);
    pendingError = message;
  }
  wakeToPublish();
}

void Session::Impl::wakeToPublish() {
  {
    std::lock_guard<std::mutex> lock(queueMutex);
    republish = true;
  }
  queueCv.notify_one();
}

void Session::Impl::run() {
  lowerPriority(options.workerNice);
  try {
    build(config, options.checkpoint, options.resumeOverrides);
  } catch (const std::exception& e) {
    fail(e.what());
  }
  publish(); // before clearing busy: waitIdle() callers then see the built state
  busy = false;
  while (!quit) {
    std::optional<Command> next;
    bool autosaving = false;
    {
      std::unique_lock<std::mutex> lock(queueMutex);
      const bool training = state == RunState::Training;
      const auto wake = [&] { return quit || !queue.empty() || republish; };
      const auto autosaveAt = autosaveDeadline(); // a paused run's autosave comes due idle
      if (!training && autosaveAt)
        queueCv.wait_until(lock, *autosaveAt, wake);
      else if (!training)
        queueCv.wait(lock, wake);
      if (quit)
        break;
      if (!queue.empty()) {
        next = std::move(queue.front());
        queue.pop_front();
      }
      autosaving = !next && !training && autosaveAt && SessionClock::now() >= *autosaveAt;
      busy = next.has_value() || training || autosaving;
    }
    if (next)
      handle(*next);
    else if (state == RunState::Training)
      trainOne();
    else if (autosaving) {
      autosave();
      publish();
    } else if (republish.exchange(false))
      publish(); // an idle session shows a new setting or a refused one at once
    {
      std::lock_guard<std::mutex> lock(queueMutex);
      busy = !queue.empty() || state == RunState::Training;
    }
  }
}

void Session::Impl::fail(const std::string& message) {
  lastError = message;
  ++errorCount;
  if (!method)
    state = RunState::Failed;
}

void Session::Impl::report(const std::string& message) {
  lastError = message;
  ++errorCount;
}

bool Session::Impl::ready(const char* what) {
  if (method && state != RunState::Failed && state != RunState::Loading)
    return true;
  report(std::string("cannot ") + what + ": no model is loaded");
  return false;
}

MethodContext Session::Impl::context(torch::Generator& gen) {
  MethodContext ctx;
  ctx.device = device;
  ctx.gen = &gen;
  ctx.stop = &chainStop;
  for (auto& [name, live] : chainSet->live)
    ctx.settings[name] = live.get();
  return ctx;
}

void Session::Impl::handle(const Command& command) {
  try {
    std::visit(Overloaded{
                   [&](const cmd::StartTraining& c) { startTraining(c.iterations); },
                   [&](const cmd::Pause&) { pauseTraining(); },
                   [&](const cmd::Resume&) {
                     if (state == RunState::Paused && ready("resume")) {
                       state = RunState::Training;
                       iterationRate.clear();
                     }
                   },
                   [&](const cmd::StepOnce&) { stepOnceRequested(); },
                   [&](const cmd::StopTraining&) { stopTraining(); },
                   [&](const cmd::StopRevision&) { chainStop = false; },
                   [&](const cmd::RunChain& c) { runChain(c); },
                   [&](const cmd::SaveCheckpoint& c) { save(c.path); },
                   [&](const cmd::LoadCheckpoint& c) { load(c.path); },
                   [&](const cmd::EvaluateLandscape& c) { evaluateLandscape(c); },
                   [&](const cmd::Interpolate& c) { runInterpolate(c); },
                   [&](const cmd::Inpaint& c) { runInpaint(c); },
                   [&](const cmd::FetchTestImages& c) { fetchTestImages(c); },
                   [&](const cmd::CompareSettings& c) { runComparison(c); },
                   [&](const cmd::SweepGrid& c) { runGrid(c); },
               },
               command);
  } catch (const std::exception& e) {
    report(e.what());
  }
  publish();
}

// ------------------------------------------------------------------------------ the door

Session::Session(RunConfig config, SessionOptions options)
    : m_impl(std::make_unique<Impl>(std::move(config), std::move(options))) {}

Session::~Session() = default;

void Session::post(Command command) {
  // The running chain ends at its next step; a training iteration ends there too on a pause.
  if (std::holds_alternative<cmd::StopTraining>(command) ||
      std::holds_alternative<cmd::StopRevision>(command))
    m_impl->chainStop = true;
  if (std::holds_alternative<cmd::StopTraining>(command) ||
      std::holds_alternative<cmd::Pause>(command))
    m_impl->trainingStop = true;
  {
    std::lock_guard<std::mutex> lock(m_impl->queueMutex);
    m_impl->queue.push_back(std::move(command));
    m_impl->busy = true;
  }
  m_impl->queueCv.notify_one();
}

bool Session::setChainSettings(const std::string& chain, const SettingValues& values) {
  const auto set = m_impl->chains();
  const ChainSpec* spec = set->info ? set->info->chain(chain) : nullptr;
  auto it = set->live.find(chain);
  if (!spec || it == set->live.end()) {
    m_impl->recordSetterError("no chain named '" + chain + "' in the loaded model");
    return false;
  }
  SettingValues merged = it->second->peek();
  merged.merge(values);
  const std::string error = validateSettings(*spec, merged);
  if (!error.empty()) {
    m_impl->recordSetterError(error);
    return false;
  }
  it->second->set(std::move(merged));
  m_impl->wakeToPublish();
  return true;
}

bool Session::setRevisionPace(double stepsPerSecond) {
  if (!(std::isfinite(stepsPerSecond) && (stepsPerSecond >= 0 || stepsPerSecond == kSingleStep))) {
    m_impl->recordSetterError("chain speed " + std::to_string(stepsPerSecond) +
                              " must be steps per second >= 0 (0 = as fast as possible) or "
                              "single steps");
    return false;
  }
  m_impl->revisionPace = stepsPerSecond;
  m_impl->wakeToPublish();
  return true;
}

void Session::stepRevision(int steps) {
  if (steps > 0)
    m_impl->revisionSteps = std::min<long>(m_impl->revisionSteps.load() + steps, 1000);
}

// ------------------------------------------------------------------------------ RateWindow

void RateWindow::add(long count) {
  const auto now = SessionClock::now();
  m_points.emplace_back(now, count);
  while (m_points.size() > 2 &&
         std::chrono::duration<double>(now - m_points.front().first).count() > m_seconds)
    m_points.pop_front();
}

double RateWindow::rate() const {
  if (m_points.size() < 2)
    return 0;
  const double dt =
      std::chrono::duration<double>(m_points.back().first - m_points.front().first).count();
  return dt > 0 ? double(m_points.back().second - m_points.front().second) / dt : 0;
}

void Session::setAutosaveSeconds(double seconds) {
  m_impl->autosaveSeconds = std::max(0.0, seconds);
  m_impl->wakeToPublish(); // an idle worker recomputes when the next autosave is due
}

std::shared_ptr<const SessionSnapshot> Session::snapshot() const {
  std::lock_guard<std::mutex> lock(m_impl->snapMutex);
  return m_impl->published;
}

bool Session::waitIdle(double timeoutSeconds) const {
  const auto t0 = SessionClock::now();
  for (;;) { // checks at least once, so a zero timeout is a poll
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
