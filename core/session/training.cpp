// The session's training loop: one iteration per turn of the worker, the loss history (every
// iteration), rates and divergence. Worker thread only.
#include "session/session_impl.h"

namespace ebm {
namespace {

constexpr double kTrainingTraceInterval = 0.1; // record a training iteration's chains at ~10 Hz

} // namespace

void Session::Impl::startTraining(long more) {
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

void Session::Impl::stopTraining() {
  chainStop = false;
  if (state == RunState::Training || state == RunState::Paused) {
    state = RunState::Idle;
    lastMessage = "training stopped at iteration " + std::to_string(iteration);
    autosave();
  }
}

void Session::Impl::stepOnceRequested() {
  if (!ready("step") || state == RunState::Diverged)
    return;
  if (target <= iteration)
    target = iteration + 1;
  stepOnce = true;
  state = RunState::Training;
}

void Session::Impl::trainOne() {
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
  const auto t0 = SessionClock::now();
  if (iteration % itersPerEpoch == 0) {
    epoch = static_cast<int>(iteration / itersPerEpoch);
    method->setEpoch(epoch);
  }
  IterationResult r;
  std::map<std::string, Trace> recorded;
  const bool record = secondsSince(lastTrainingTrace) >= kTrainingTraceInterval;
  try {
    const auto batch = data->nextLabelled(config.train.batchSize, dataGen);
    auto ctx = context(chainGen);
    ctx.labels = batch.labels;
    if (record) {
      for (const auto& spec : chainSet->info->chains)
        ctx.traces[spec.name] = &recorded[spec.name];
      lastTrainingTrace = SessionClock::now();
    }
    r = method->iterate(batch.x, ctx);
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
  // A chain the iteration did not run (e.g. no z-chain in short-run mode) leaves its trace empty.
  for (auto& [name, trace] : recorded)
    if (!trace.steps.empty())
      traces[name] = {std::make_shared<const Trace>(std::move(trace)), false};
  ++iteration;
  const double dt = secondsSince(t0);
  const double rate = dt > 0 ? 1.0 / dt : 0.0;
  itersPerSecond = itersPerSecond == 0 ? rate : 0.9 * itersPerSecond + 0.1 * rate;
  std::map<std::string, SettingValues> now;
  for (const auto& [name, live] : chainSet->live)
    now[name] = live->peek();
  stepsPerSecond = itersPerSecond * method->stepsPerIteration(now);
  losses.append(iteration, r.losses);
  if (r.diverged) {
    state = RunState::Diverged;
    divergedAt = iteration;
    report("diverged at iteration " + std::to_string(iteration) + ": " + r.message +
           (checkpointPath.empty() ? std::string()
                                   : "; the last good checkpoint is " + checkpointPath));
    publish();
    return;
  }
  if (config.train.checkpointEvery > 0 && iteration % config.train.checkpointEvery == 0)
    autosave();
  if (stepOnce && iteration >= target) {
    state = RunState::Paused;
    stepOnce = false;
  }
  publish();
}

} // namespace ebm
