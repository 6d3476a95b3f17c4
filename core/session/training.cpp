// The session's training loop: one iteration per turn of the worker, the loss history (every
// iteration), rates and divergence. Worker thread only.
#include "session/session_impl.h"

#include "methods/optim.h"

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
  iterationRate.clear();
  state = target > iteration ? RunState::Training : RunState::Idle;
  lastMessage = "training to iteration " + std::to_string(target);
}

// A pause takes effect at the next Langevin step (post() raised trainingStop): the iteration in
// progress was abandoned before any weight or optimiser state changed, so the model is the one
// of the last finished iteration and Resume starts the next one afresh (new batch and noise).
// The running estimates every training-mode forward pass updates (BatchNorm's averages,
// spectral norm's power-iteration vectors) are the exception: they saw the abandoned passes.
void Session::Impl::pauseTraining() {
  if (parallel && state == RunState::Training) {
    pauseVoted = true;  // every rank pauses at the next iteration boundary (agreeOnRequests)
    return;
  }
  applyPause();
}

void Session::Impl::applyPause() {
  trainingStop = false;
  if (state != RunState::Training)
    return;
  state = RunState::Paused;
  lastMessage = "paused at iteration " + std::to_string(iteration);
  if (abandonedIteration)
    lastMessage += " (iteration " + std::to_string(iteration + 1) +
                   " was interrupted before it changed any weight; Resume runs it afresh)";
}

void Session::Impl::stopTraining() {
  if (parallel && state == RunState::Training) {
    stopVoted = true;  // every rank stops at the next iteration boundary (agreeOnRequests)
    return;
  }
  applyStop();
}

void Session::Impl::applyStop() {
  chainStop = false;
  trainingStop = false;
  if (state == RunState::Training || state == RunState::Paused) {
    state = RunState::Idle;
    lastMessage = "training stopped at iteration " + std::to_string(iteration);
    saveRunCheckpoint();
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
      saveRunCheckpoint();
    }
    stepOnce = false;
    publish();
    return;
  }
  if (parallel) {
    bool acted = false;
    try {
      acted = agreeOnRequests();
    } catch (const std::exception& e) {  // a rank of the job stopped or stopped answering
      loseJob(e.what());
      return;
    }
    if (acted) {
      publish();
      return;
    }
  }
  if (iteration % itersPerEpoch == 0) {
    epoch = static_cast<int>(iteration / itersPerEpoch);
    method->setEpoch(epoch);
  }
  IterationResult r;
  std::map<std::string, Trace> recorded;
  const bool record = secondsSince(lastTrainingTrace) >= kTrainingTraceInterval;
  abandonedIteration = false;
  try {
    const auto batch = data->nextLabelled(config.train.batchSize, dataGen);
    auto ctx = context(chainGen);
    // A pause or stop, not a revision's stop, ends these chains; ranks of a job finish the
    // iteration (their collectives must match) and act on requests together before the next.
    ctx.stop = parallel ? nullptr : &trainingStop;
    ctx.labels = batch.labels;
    if (record) {
      for (const auto& spec : chainSet->info->chains)
        ctx.traces[spec.name] = &recorded[spec.name];
      lastTrainingTrace = SessionClock::now();
    }
    r = parallel ? iterateTogether(batch, ctx) : method->iterate(batch.x, ctx);
  } catch (const std::exception& e) {
    if (parallel) {  // most often a lost rank; what rank 0 has trained is kept, not dropped
      loseJob(std::string("iteration ") + std::to_string(iteration + 1) + " failed (the saved " +
              "model may hold part of its updates): " + e.what());
      return;
    }
    report(std::string("training iteration failed: ") + e.what());
    state = RunState::Idle;
    publish();
    return;
  }
  if (r.interrupted) {
    abandonedIteration = true;
    publish();
    return;
  }
  // A chain the iteration did not run (e.g. no z-chain in short-run mode) leaves its trace empty.
  for (auto& [name, trace] : recorded)
    if (!trace.steps.empty())
      traces[name] = {std::make_shared<const Trace>(std::move(trace)), false};
  ++iteration;
  if (!unsavedSince)
    unsavedSince = SessionClock::now();
  std::map<std::string, SettingValues> now;
  for (const auto& [name, live] : chainSet->live)
    now[name] = live->peek();
  iterationRate.add(iteration);
  stepsPerSecond = iterationRate.rate() * method->stepsPerIteration(now);
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
    saveRunCheckpoint();
  if (const auto due = autosaveDeadline(); due && SessionClock::now() >= *due)
    autosave();
  if (stepOnce && iteration >= target) {
    state = RunState::Paused;
    stepOnce = false;
  }
  publish();
}

// Each rank's pause and stop requests, summed: when any rank asked, every rank acts on it here,
// at the same iteration boundary (so no rank waits in a collective for one that stopped).
bool Session::Impl::agreeOnRequests() {
  const auto votes = parallel->sum({stopVoted ? 1.0 : 0.0, pauseVoted ? 1.0 : 0.0});
  stopVoted = pauseVoted = false;
  if (votes[0] > 0)
    applyStop();
  else if (votes[1] > 0)
    applyPause();
  return votes[0] > 0 || votes[1] > 0;
}

// The job lost a rank: rank 0 saves the model it has (between iterations, the one of the last
// finished iteration, the same on every rank) before training ends with the error.
void Session::Impl::loseJob(const std::string& why) {
  state = RunState::Idle;
  saveRunCheckpoint();
  report("training stopped at iteration " + std::to_string(iteration) + ": " + why);
  publish();
}

// One iteration of a data-parallel job: every optimiser step averages its gradients over the
// ranks first; the losses are the ranks' mean, and a divergence on any rank is every rank's.
IterationResult Session::Impl::iterateTogether(const LabelledBatch& batch, MethodContext& ctx) {
  GradientAveragingScope averaging(
      [this](const std::vector<torch::Tensor>& params) { parallel->averageGradients(params); });
  IterationResult r = method->iterate(batch.x, ctx);
  std::vector<double> values = r.losses;
  values.push_back(r.diverged ? 1.0 : 0.0);
  values = parallel->sum(values);
  for (size_t i = 0; i < r.losses.size(); ++i)
    r.losses[i] = values[i] / parallel->worldSize();
  if (values.back() > 0 && !r.diverged) {
    r.diverged = true;
    r.message = "another rank of the job diverged";
  }
  return r;
}

} // namespace ebm
