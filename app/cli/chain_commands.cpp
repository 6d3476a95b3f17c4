#include "chain_commands.h"

#include "validators.h"

#include "chain_outputs.h"
#include "config.h"
#include "errors.h"
#include "image_io.h"
#include "report.h"
#include "session_cli.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace ebm::cli {

struct ChainArgs {
  std::string checkpoint, out, chain, init, device, sampler;
  int chains = 16, steps = -1, every = 0, stepsPerLevel = 0, longRun = 0;
  double stepSize = 0, noise = -1, guidance = -1;
  std::vector<int> labels;      // class-conditional models: composed labels
  std::vector<double> weights;  // one per label
  uint64_t seed = 1;
  std::vector<std::string> sets; // key=value settings of the chain
};

struct ChainCommands {
  CLI::App* sample = nullptr;
  CLI::App* reconstruct = nullptr;
  ChainArgs sampleArgs{{}, "runs/sample"};
  ChainArgs reconArgs{{}, "runs/reconstruct"};
};

namespace {

// The chain a command runs: the one named, or the first that samples (reconstruct: the first
// conditioned on data).
const ChainSpec& pickChain(const MethodInfo& info, const std::string& name, bool reconstruct) {
  for (const auto& c : info.chains)
    if (name.empty() ? (reconstruct ? c.hasTarget : !c.hasTarget) : c.name == name)
      return c;
  if (!name.empty())
    throw Error(info.name + " has no chain named '" + name + "'");
  throw Error(info.title + " (" + info.name + ") has no chain that " +
              (reconstruct ? "reconstructs held-out data" : "draws samples"));
}

// "key=value" as a number (true/false as 1/0) or else a choice.
void parseSetting(const std::string& assignment, SettingValues& v) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--chain-set " + assignment + ": expected key=value");
  const std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  if (value == "true" || value == "false") {
    v.numbers[key] = value == "true" ? 1.0 : 0.0;
    return;
  }
  try {
    size_t used = 0;
    const double d = std::stod(value, &used);
    if (used == value.size()) {
      v.numbers[key] = d;
      return;
    }
  } catch (const std::exception&) {
  }
  v.choices[key] = value;
}

// Fewer Langevin steps per noise level (METHODS §4.4 "sampling acceleration"): K' steps with
// the step multiplier scaled by sqrt(K / K'), which keeps the Langevin time K s^2 per level.
void fewerStepsPerLevel(int fewer, const ChainSpec& spec, const SettingValues& current,
                        SettingValues& v) {
  const bool hasMultiplier = std::any_of(spec.settings.begin(), spec.settings.end(),
                                         [](const SettingSpec& s) { return s.key == "step_multiplier"; });
  if (!hasMultiplier)
    throw ConfigError("--steps-per-level: the " + spec.name +
                      "-chain has no step multiplier (it needs a chain that walks noise levels)");
  const double k = current.number("steps"), m = current.number("step_multiplier", 1.0);
  if (k < 1)
    throw ConfigError("--steps-per-level: the " + spec.name + "-chain runs no steps to reduce");
  v.numbers["steps"] = fewer;
  v.numbers["step_multiplier"] = m * std::sqrt(k / fewer);
  std::printf("%d steps per level instead of %g: step multiplier %g x sqrt(%g/%d) = %g\n", fewer,
              k, m, k, fewer, v.numbers["step_multiplier"]);
}

bool hasSetting(const ChainSpec& spec, const std::string& key) {
  return std::any_of(spec.settings.begin(), spec.settings.end(),
                     [&](const SettingSpec& s) { return s.key == key; });
}

// The settings the options ask for, over a sampler preset's, over the checkpoint's.
SettingValues requestedSettings(const ChainArgs& a, const ChainSpec& spec,
                                const SettingValues& current) {
  SettingValues v;
  if (a.stepsPerLevel > 0)
    fewerStepsPerLevel(a.stepsPerLevel, spec, current, v);
  if (!a.sampler.empty()) {
    const auto preset = samplerPresetSettings(a.sampler);
    if (auto it = preset.find(spec.name); it != preset.end()) {
      v.merge(it->second);
      std::printf(
          "sampler %s on the %s-chain: k_%s = %g, s_%s = %g, n_%s = %g\n", a.sampler.c_str(),
          spec.name.c_str(), spec.name.c_str(), v.number("steps", std::nan("")), spec.name.c_str(),
          v.number("step_size", std::nan("")), spec.name.c_str(), v.number("noise", std::nan("")));
    } else {
      std::printf("sampler %s has no [%s] settings; the checkpoint's are used\n", a.sampler.c_str(),
                  spec.name.c_str());
    }
  }
  if (a.steps >= 0)
    v.numbers["steps"] = a.steps;
  if (a.stepSize > 0)
    v.numbers["step_size"] = a.stepSize;
  if (a.noise >= 0)
    v.numbers["noise"] = a.noise;
  if (a.every > 0)
    v.numbers["snapshot_every"] = a.every;
  v.merge(conditioningSettings(spec, a.labels, a.weights, a.guidance));
  if (a.longRun > 0) {
    if (!hasSetting(spec, "long_run"))
      throw ConfigError("--long-run: the " + spec.name +
                        "-chain has no long run (it needs a chain that walks noise levels)");
    v.numbers["long_run"] = a.longRun;
  }
  for (const auto& s : a.sets)
    parseSetting(s, v);
  return v;
}

// The long run's part of a ladder trace (its last `steps` steps): its energy from start to end
// and, for images, long_run.png with the snapshots of those steps.
std::string writeLongRun(const Trace& t, int steps, const std::string& dir) {
  const int first = t.lastStep() - steps; // the ladder's last state, where the long run starts
  size_t begin = 0;
  while (begin < t.steps.size() && t.steps[begin] < first)
    ++begin;
  if (begin < t.energy.size())
    std::printf("long run: %d steps at level 0 without the pull toward x_1: mean f %.4g -> %.4g\n",
                steps, Trace::mean(t.energy[begin]), Trace::mean(t.energy.back()));
  if (t.stateShape.size() != 3)
    return "energy.csv (its last " + std::to_string(steps) + " steps are the long run)";
  Trace part = t;
  part.snapshots.clear();
  for (const auto& s : t.snapshots)
    if (s.step >= first)
      part.snapshots.push_back(s);
  writePng(dir + "/long_run.png", renderImageTrajectory(part, 8));
  return "long_run.png";
}

int runChain(const ChainArgs& a, bool reconstruct) {
  auto owned = openCheckpointSession(a.checkpoint, a.device);
  if (!owned)
    return 1;
  Session& session = *owned;
  auto snap = session.snapshot();
  const ChainSpec& spec = pickChain(*snap->methodInfo, a.chain, reconstruct);
  if (!session.setChainSettings(spec.name,
                                requestedSettings(a, spec, snap->chains.at(spec.name).settings)))
    return settingsError(session);
  std::filesystem::create_directories(a.out);
  const bool is2d = snap->dataShape == std::vector<int64_t>{2};
  const uint64_t errors = snap->errorCount;
  session.post(cmd::RunChain{spec.name, a.chains, a.init, a.seed, {}});
  if (is2d && snap->methodInfo->capabilities.energy && spec.dataSpace)
    session.post(cmd::EvaluateLandscape{});
  if (!finish(session, errors))
    return 1;
  snap = session.snapshot();
  const auto& view = snap->chains.at(spec.name);
  const Trace& t = *view.trace;
  auto written = t.decodes()
                           ? writeChainOutputs(*snap, t, a.out, "mse.csv", "reconstructions.png")
                           : writeChainOutputs(*snap, t, a.out, "energy.csv", "trajectory.png");
  // The step size and noise the kernel used at the last step, as the trace records them (a
  // chain that walks down noise levels changes both per level).
  std::printf("%s-revision: %d %s, %d steps (last step s=%g, noise %g): mean %s %.4g -> %.4g",
              spec.name.c_str(), t.chains, spec.hasTarget ? "held-out examples" : "chains",
              t.lastStep(), t.stepSize.empty() ? 0.0 : t.stepSize.back(),
              t.noise.empty() ? 0.0 : t.noise.back(),
              spec.energyLabel.c_str(), Trace::mean(t.energy.front()),
              Trace::mean(t.energy.back()));
  if (!t.mse.empty())
    std::printf(", per-pixel MSE %.5f -> %.5f", Trace::mean(t.mse.front()),
                Trace::mean(t.mse.back()));
  std::printf("\n");
  if (a.longRun > 0)
    written.push_back(writeLongRun(t, a.longRun, a.out));
  std::printf("wrote");
  for (const auto& f : written)
    std::printf(" %s/%s", a.out.c_str(), f.c_str());
  std::printf("\n");
  return t.diverged ? 2 : 0;
}

void addChainOptions(CLI::App* cmd, ChainArgs& a, const char* what) {
  cmd->add_option("--checkpoint", a.checkpoint, "Checkpoint (.safetensors)")->required();
  cmd->add_option("--out,-o", a.out, "Output folder")->capture_default_str();
  cmd->add_option("--chain", a.chain,
                  std::string("Chain of the method to run (default: ") + what + ")");
  cmd->add_option("--chains", a.chains, "Number of chains")
      ->check(wholeIn(1, 100000))
      ->capture_default_str();
  cmd->add_option("--steps", a.steps, "Langevin steps k (default: the checkpoint's)")
      ->check(wholeIn(0, 100000));
  cmd->add_option("--step-size", a.stepSize, "Step size s")->check(realIn(0, 100, true));
  cmd->add_option("--noise", a.noise, "Noise std n")->check(realIn(0, 100));
  cmd->add_option("--every", a.every, "Keep a snapshot every k steps")
      ->check(wholeIn(1, 100000));
  cmd->add_option("--steps-per-level", a.stepsPerLevel,
                  "Chains that walk noise levels: K' steps per level, the step scaled by "
                  "sqrt(K/K') (fewer-step sampling)")
      ->check(wholeIn(1, 100000));
  cmd->add_option("--guidance", a.guidance,
                  "Class-conditional models: classifier-free guidance weight w, "
                  "(1+w) f(y|c) - w f(y)")
      ->check(realIn(0, 50));
  cmd->add_option("--labels", a.labels,
                  "Class-conditional models: the class of every chain (default: chain i gets "
                  "class i mod K); several compose, e.g. --labels 3,7")
      ->delimiter(',');
  cmd->add_option("--weights", a.weights,
                  "Weights of the composed labels, one per label (default 1 each)")
      ->delimiter(',');
  cmd->add_option("--long-run", a.longRun,
                  "Chains that walk noise levels: after the last level, N more Langevin steps "
                  "on the lowest level's energy alone; writes long_run.png")
      ->check(wholeIn(1, 1000000));
  cmd->add_option("--chain-set", a.sets,
                  "Any setting of the chain, e.g. --chain-set sigma=0.2 (repeatable)");
  cmd->add_option("--init", a.init, "Where chains start (default: the chain's first start)");
  cmd->add_option("--seed", a.seed, "Seed of the chains")
      ->check(wholeIn(0, 1.8e19))->capture_default_str();
  cmd->add_option("--device", a.device, "auto | cpu | cuda");
  cmd->add_option("--sampler", a.sampler,
                  "Sampling preset over the checkpoint's settings, e.g. paper-test (the "
                  "reference's test-time sampler: k_x 70, s_x 0.4, n_x 0.001)");
}

} // namespace

std::shared_ptr<ChainCommands> addChainCommands(CLI::App& app) {
  auto c = std::make_shared<ChainCommands>();
  c->sample = app.add_subcommand(
      "sample", "Run a sampling chain of the model (e.g. x-Langevin on the EBM from "
                "generator samples); writes trajectory.png (one row per chain, one column every "
                "k steps) and energy.csv");
  addChainOptions(c->sample, c->sampleArgs, "the first chain that draws samples");
  c->reconstruct = app.add_subcommand(
      "reconstruct", "Run a chain conditioned on held-out data (e.g. z-Langevin on the "
                     "generator posterior); writes reconstructions.png (data, then the decoded "
                     "states) and mse.csv");
  addChainOptions(c->reconstruct, c->reconArgs, "the first chain conditioned on data");
  return c;
}

int runChainCommands(const ChainCommands& c) {
  if (*c.sample)
    return runChain(c.sampleArgs, false);
  if (*c.reconstruct)
    return runChain(c.reconArgs, true);
  return -1;
}

} // namespace ebm::cli
