// Comparing samplers (core/api/sweep.h): a chain run under several setting variants, or over a
// step size x step count grid, from common random numbers. Every run draws its start states and
// its Langevin noise from a generator seeded with the request's seed (the methods draw starts
// from a stream of their own and the chain driver draws xi at every step, whatever the noise
// std), and the model's buffers (BatchNorm averages, spectral-norm vectors, which a forward pass
// in training mode moves) are put back after each run, so runs with equal settings repeat each
// other bit for bit and the model after a sweep is the model before it. The chain's live
// settings are never touched: each run reads a private copy. Sweeps are refused while training
// runs. Worker thread only.
#include "session/session_impl.h"

#include "base/runtime.h"
#include "data/toy2d.h"
#include "errors.h"
#include "models/models.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace ebm {
namespace {

constexpr double kSweepPublishInterval = 0.05; // partial results at ~20 Hz
constexpr int kSweepMmdPoints = 512;           // held-out points an MMD compares with
constexpr size_t kMaxGridAxis = 6;

// Buffers a forward pass in training mode moves, copied before a sweep and put back after each
// run (parameters never change in a revision and are not copied).
class SweepModelState {
public:
  explicit SweepModelState(const TrainingMethod& method) {
    for (const auto& named : method.stateTensors())
      if (!named.second.requires_grad())
        m_saved.emplace_back(named.second, named.second.detach().clone());
  }
  void restore() {
    torch::NoGradGuard noGrad;
    for (auto& [live, copy] : m_saved)
      live.copy_(copy);
  }

private:
  std::vector<std::pair<torch::Tensor, torch::Tensor>> m_saved;
};

// Sweeps flag the session busy for as long as they run, whatever they throw.
struct SweepBusy {
  explicit SweepBusy(bool& flag) : m_flag(flag) { m_flag = true; }
  ~SweepBusy() { m_flag = false; }
  bool& m_flag;
};

std::string shortKey(const std::string& key) {
  if (key == "step_size")
    return "s";
  if (key == "noise")
    return "n";
  if (key == "steps")
    return "K";
  if (key == "step_multiplier")
    return "m";
  if (key == "noise_scale")
    return "nu";
  return key;
}

std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Keys whose values differ between any two of `all` (in the schema's order).
std::vector<std::string> differingKeys(const ChainSpec& spec,
                                       const std::vector<SettingValues>& all) {
  std::vector<std::string> keys;
  for (const auto& s : spec.settings) {
    std::set<std::string> seen;
    for (const auto& v : all)
      seen.insert(s.type == SettingType::Choice ? v.choice(s.key)
                                                : formatNumber(v.number(s.key)));
    if (seen.size() > 1)
      keys.push_back(s.key);
  }
  return keys;
}

std::string describeSettings(const ChainSpec& spec, const SettingValues& v,
                             const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) {
    const SettingSpec* s = nullptr;
    for (const auto& candidate : spec.settings)
      if (candidate.key == key)
        s = &candidate;
    if (!s)
      continue;
    out += (out.empty() ? "" : " ") + shortKey(key) + "=" +
           (s->type == SettingType::Choice ? v.choice(key) : formatNumber(v.number(key)));
  }
  return out;
}

bool schemaHas(const ChainSpec& spec, const std::string& key) {
  for (const auto& s : spec.settings)
    if (s.key == key)
      return true;
  return false;
}

// The key a grid's step-size axis sets: the chain's step size, or its step multiplier.
std::string stepSizeKey(const ChainSpec& spec) {
  for (const char* key : {"step_size", "step_multiplier"})
    if (schemaHas(spec, key))
      return key;
  return {};
}

// Langevin steps a trace took: its rows less the final-state rows (no drift, no gradient).
long stepsTaken(const Trace& t) {
  long n = 0;
  for (size_t i = 0; i < t.steps.size(); ++i) {
    const bool last = i + 1 == t.steps.size();
    const auto& d = t.driftNorm[i];
    const bool hasDrift = !d.empty() && !std::isnan(d.front());
    if (hasDrift || (last && t.diverged))
      ++n;
  }
  return n;
}

double rmsChangeOf(const Trace& t) {
  if (t.snapshots.size() < 2 || t.chains < 1)
    return 0;
  const auto& a = t.snapshots.front().state;
  const auto& b = t.snapshots.back().state;
  const size_t per = a.size() / static_cast<size_t>(t.chains);
  if (per == 0 || b.size() != a.size())
    return 0;
  double sum = 0;
  for (int c = 0; c < t.chains; ++c) {
    double sq = 0;
    for (size_t k = c * per; k < (c + 1) * per; ++k)
      sq += double(b[k] - a[k]) * double(b[k] - a[k]);
    sum += std::sqrt(sq / static_cast<double>(per));
  }
  return sum / t.chains;
}

SweepSummary summarise(const Trace& t, bool hasMse) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  SweepSummary s;
  s.finalEnergy = t.energy.empty() ? nan : Trace::mean(t.energy.back());
  s.finalMse = hasMse && !t.mse.empty() ? Trace::mean(t.mse.back()) : nan;
  s.mmd = nan;
  s.rmsChange = rmsChangeOf(t);
  s.steps = stepsTaken(t);
  s.gradientEvaluations = s.steps * t.chains;
  s.diverged = t.diverged;
  s.stopped = t.stopped;
  return s;
}

std::vector<float> floatsOf(const torch::Tensor& x) {
  const auto c = x.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

void checkSweepChains(const std::string& what, int chains) {
  if (chains < 2 || chains > 4096)
    throw Error(what + ": chains = " + std::to_string(chains) + " must be in 2..4096");
}

} // namespace

const ChainSpec& Session::Impl::sweepChain(const std::string& what, const std::string& chain) {
  if (state == RunState::Training)
    throw Error(what + " is refused while training runs: pause training first (it would "
                       "otherwise hold training up for the whole sweep)");
  const ChainSpec* spec = chainSet->info->chain(chain);
  if (!spec)
    throw Error(what + ": " + method->name() + " has no chain named '" + chain + "'");
  return *spec;
}

RevisionRequest Session::Impl::sweepRequest(const std::string& what, const ChainSpec& spec,
                                            int chains, const std::string& init,
                                            uint64_t seed) {
  checkSweepChains(what, chains);
  RevisionRequest req;
  req.chain = spec.name;
  req.chains = chains;
  req.init = init.empty() && !spec.inits.empty() ? spec.inits.front() : init;
  if (req.init == "batch")
    throw Error(what + ": init 'batch' is not offered; choose a start the chain draws itself");
  if (!spec.inits.empty() &&
      std::find(spec.inits.begin(), spec.inits.end(), req.init) == spec.inits.end())
    throw Error(what + ": the " + spec.name + "-chain has no init '" + req.init + "'");
  if (spec.hasTarget) {
    auto cpu = makeGenerator(torch::kCPU, seed);
    req.batch = data->heldOut(chains, cpu);
  }
  return req;
}

SettingValues Session::Impl::sweepSettings(const std::string& what, const ChainSpec& spec,
                                           const SettingValues& keys) {
  SettingValues merged = chainSet->live.at(spec.name)->peek();
  merged.merge(keys);
  const std::string error = validateSettings(spec, merged);
  if (!error.empty())
    throw Error(what + ": " + error);
  return merged;
}

Session::Impl::SweepRun Session::Impl::runSweepChain(const RevisionRequest& req,
                                                     const SettingValues& settings, uint64_t seed,
                                                     const std::function<void(const Trace&)>& onStep) {
  LiveValue<SettingValues> fixed(settings);
  auto gen = makeGenerator(device, seed);
  SweepRun run;
  auto ctx = context(gen);
  ctx.settings[req.chain] = &fixed;
  ctx.traces[req.chain] = &run.trace;
  ctx.onStep = onStep;
  run.final = method->revise(req, ctx);
  return run;
}

double Session::Impl::sweepMmd(const torch::Tensor& samples) {
  const auto shape = dataShape(config.model);
  if (shape.size() != 1 || shape[0] != 2 || !samples.defined() || samples.dim() != 2 ||
      samples.size(1) != 2 || !torch::isfinite(samples).all().item<bool>())
    return std::numeric_limits<double>::quiet_NaN();
  auto cpu = makeGenerator(torch::kCPU, 0);
  const auto held = data->heldOut(kSweepMmdPoints, cpu).to(torch::kFloat);
  return mmdRbf(samples.to(torch::kCPU, torch::kFloat), held);
}

void Session::Impl::runComparison(const cmd::CompareSettings& c) {
  if (!ready("compare settings"))
    return;
  const std::string what = "compare";
  const ChainSpec& spec = sweepChain(what, c.chain);
  if (c.variants.size() < 2 || c.variants.size() > 4)
    throw Error(what + ": give 2 to 4 variants (got " + std::to_string(c.variants.size()) + ")");
  auto work = std::make_shared<ComparisonResult>();
  work->chain = c.chain;
  work->chains = c.chains;
  work->seed = c.seed;
  std::vector<RevisionRequest> requests;
  for (size_t i = 0; i < c.variants.size(); ++i) {
    const std::string which = what + " variant " + std::to_string(i + 1);
    const auto& v = c.variants[i];
    work->settings.push_back(sweepSettings(which, spec, v.settings));
    requests.push_back(
        sweepRequest(which, spec, c.chains, v.init.empty() ? c.init : v.init, c.seed));
    work->inits.push_back(requests.back().init);
  }
  comparisonLabels(spec, *work);
  runVariants(spec, requests, work);
}

void Session::Impl::comparisonLabels(const ChainSpec& spec, ComparisonResult& r) {
  auto keys = differingKeys(spec, r.settings);
  if (keys.empty())
    for (const char* k : {"step_size", "step_multiplier", "noise", "noise_scale", "steps"})
      if (schemaHas(spec, k))
        keys.push_back(k);
  const bool initsDiffer = std::set<std::string>(r.inits.begin(), r.inits.end()).size() > 1;
  for (size_t i = 0; i < r.settings.size(); ++i) {
    std::string label = describeSettings(spec, r.settings[i], keys);
    if (initsDiffer)
      label += (label.empty() ? "" : " ") + std::string("from ") + r.inits[i];
    r.labels.push_back(label);
  }
  for (size_t i = 0; i < r.labels.size(); ++i)  // equal settings still get distinct names
    for (size_t j = 0; j < i; ++j)
      if (r.labels[j] == r.labels[i]) {
        r.labels[i] += " (" + std::to_string(i + 1) + ")";
        break;
      }
}

void Session::Impl::runVariants(const ChainSpec& spec, const std::vector<RevisionRequest>& requests,
                                std::shared_ptr<ComparisonResult> work) {
  SweepModelState model(*method);
  SweepBusy busyFlag(revisionRunning);
  work->running = true;
  // What is published is a copy: a snapshot's result never changes after it was published, and
  // each publication has a pointer of its own (the views skip a pointer they have shown).
  comparison = std::make_shared<const ComparisonResult>(*work);
  publish();
  for (size_t i = 0; i < requests.size() && !chainStop.load(); ++i) {
    auto onStep = [&, i](const Trace& t) {
      if (secondsSince(lastPublish) < kSweepPublishInterval)
        return;
      auto partial = std::make_shared<ComparisonResult>(*work);
      partial->traces.push_back(std::make_shared<const Trace>(t));
      comparison = partial;
      publish();
    };
    SweepRun run;
    try {
      run = runSweepChain(requests[i], work->settings[i], work->seed, onStep);
    } catch (...) {
      model.restore();
      work->running = false;
      comparison = std::make_shared<const ComparisonResult>(*work);
      throw;
    }
    model.restore();
    SweepSummary s = summarise(run.trace, spec.hasMse);
    s.mmd = sweepMmd(run.final);
    work->sampleShape.assign(run.final.sizes().begin() + 1, run.final.sizes().end());
    work->finalSamples.push_back(floatsOf(run.final));
    work->traces.push_back(std::make_shared<const Trace>(std::move(run.trace)));
    work->summaries.push_back(s);
    comparison = std::make_shared<ComparisonResult>(*work);
    publish();
  }
  work->running = false;
  work->stopped = work->summaries.size() < requests.size() ||
                  (!work->summaries.empty() && work->summaries.back().stopped);
  work->message = "compare: " + std::to_string(work->summaries.size()) + " of " +
                  std::to_string(requests.size()) + " variants of the " + spec.name + "-chain" +
                  (work->stopped ? " (stopped)" : "") + " from seed " + std::to_string(work->seed);
  comparison = std::make_shared<const ComparisonResult>(*work);
  lastMessage = work->message;
}

void Session::Impl::runGrid(const cmd::SweepGrid& c) {
  if (!ready("run a step-size grid"))
    return;
  const std::string what = "grid";
  const ChainSpec& spec = sweepChain(what, c.chain);
  const std::string sKey = stepSizeKey(spec);
  if (sKey.empty() || !schemaHas(spec, "steps"))
    throw Error(what + ": the " + spec.name + "-chain has no step size and step count to vary");
  if (c.stepSizes.empty() || c.stepSizes.size() > kMaxGridAxis || c.stepCounts.empty() ||
      c.stepCounts.size() > kMaxGridAxis)
    throw Error(what + ": give 1 to " + std::to_string(kMaxGridAxis) + " step sizes and 1 to " +
                std::to_string(kMaxGridAxis) + " step counts (got " +
                std::to_string(c.stepSizes.size()) + " x " + std::to_string(c.stepCounts.size()) +
                ")");
  std::vector<SettingValues> cells;
  for (double s : c.stepSizes)
    for (int k : c.stepCounts) {
      SettingValues keys;
      keys.numbers = {{sKey, s}, {"steps", static_cast<double>(k)}};
      cells.push_back(sweepSettings(what, spec, keys));
    }
  const RevisionRequest req = sweepRequest(what, spec, c.chains, c.init, c.seed);
  auto work = std::make_shared<GridResult>();
  work->chain = c.chain;
  work->chains = c.chains;
  work->seed = c.seed;
  work->stepSizes = c.stepSizes;
  work->stepCounts = c.stepCounts;
  work->cells.resize(cells.size());
  work->done.assign(cells.size(), false);
  work->hasMse = spec.hasMse;
  runCells(spec, req, cells, work);
}

void Session::Impl::runCells(const ChainSpec& spec, const RevisionRequest& req,
                             const std::vector<SettingValues>& cells,
                             std::shared_ptr<GridResult> work) {
  SweepModelState model(*method);
  SweepBusy busyFlag(revisionRunning);
  work->running = true;
  grid = std::make_shared<const GridResult>(*work);  // a copy, as in runVariants
  publish();
  size_t ran = 0;
  for (size_t i = 0; i < cells.size() && !chainStop.load(); ++i) {
    SweepRun run;
    try {
      run = runSweepChain(req, cells[i], work->seed, {});
    } catch (...) {
      model.restore();
      work->running = false;
      grid = std::make_shared<const GridResult>(*work);
      throw;
    }
    model.restore();
    SweepSummary s = summarise(run.trace, spec.hasMse);
    s.mmd = sweepMmd(run.final);
    work->hasMmd = work->hasMmd || !std::isnan(s.mmd);
    work->cells[i] = s;
    work->done[i] = !s.stopped;
    ran += work->done[i] ? 1 : 0;
    grid = std::make_shared<GridResult>(*work);
    publish();
  }
  work->running = false;
  work->stopped = ran < cells.size();
  work->message = "grid: " + std::to_string(ran) + " of " + std::to_string(cells.size()) +
                  " cells of the " + spec.name + "-chain" + (work->stopped ? " (stopped)" : "") +
                  " from seed " + std::to_string(work->seed);
  grid = std::make_shared<const GridResult>(*work);
  lastMessage = work->message;
}

} // namespace ebm
