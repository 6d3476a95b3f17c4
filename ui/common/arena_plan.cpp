#include "arena_plan.h"

#include <cmath>
#include <random>

namespace ebm::ui {
namespace {

bool startsAtNoise(const ChainSpec& chain) {
  // The chain's own (first) start is noise: the shared noise is what it would draw itself.
  return !chain.inits.empty() && (chain.inits.front() == "noise" ||
                                  chain.inits.front() == "gaussian");
}

const ChainSpec* planeSamplingChain(const MethodInfo& info) {
  for (const auto& c : info.chains)
    if (c.dataSpace && !c.decodes && !c.hasTarget)
      return &c;
  return nullptr;
}

double uniformOpen(std::mt19937_64& rng) {
  // (0, 1]: the logarithm of Box-Muller never sees 0.
  return (static_cast<double>(rng() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

} // namespace

std::string arenaDataKey(const DataConfig& data) {
  if (data.kind == "toy2d")
    return "toy2d/" + data.toy;
  return data.kind + ":" + data.path;
}

std::string arenaDataTitle(const std::string& dataKey) {
  const auto slash = dataKey.find_last_of("/:");
  return slash == std::string::npos ? dataKey : dataKey.substr(slash + 1);
}

std::vector<std::string> arenaDataSets(const std::vector<ArenaCandidate>& candidates) {
  std::vector<std::string> keys;
  for (const auto& c : candidates) {
    int n = 0;
    for (const auto& d : candidates)
      n += d.dataKey == c.dataKey;
    bool seen = false;
    for (const auto& k : keys)
      seen = seen || k == c.dataKey;
    if (n >= 2 && !seen)
      keys.push_back(c.dataKey);
  }
  return keys;
}

std::vector<ArenaPaneSpec> arenaLineup(const std::vector<ArenaCandidate>& candidates,
                                       const std::string& dataKey) {
  std::vector<ArenaPaneSpec> panes;
  for (const auto& c : candidates)
    if (c.dataKey == dataKey)
      panes.push_back({c.path, false});
  if (!panes.empty())
    panes.push_back({panes.front().checkpoint, true});
  return panes;
}

ArenaSampler arenaSampler(const MethodInfo& info, bool shortRun) {
  ArenaSampler s;
  const ChainSpec* chain = planeSamplingChain(info);
  if (!chain) {
    s.title = info.title;
    s.note = "this model has no chain that samples points in the plane";
    return s;
  }
  s.chain = chain->name;
  s.init = "batch";
  if (shortRun) {
    s.use = NoiseUse::Start;
    s.title = "short-run: " + info.title;
    s.note = "its energy alone: the " + chain->stateLabel +
             "-chain starts at the shared noise (no proposal)";
  } else if (startsAtNoise(*chain)) {
    s.use = NoiseUse::Start;
    s.title = info.title;
    s.note = "starts at the shared noise";
  } else if (info.capabilities.noiseLevels > 0) {
    s.use = NoiseUse::ThroughProposal;
    s.title = info.title;
    s.note = "the shared noise goes through its learned proposal first: x₀ is that proposal";
  } else {
    s.use = NoiseUse::OwnStart;
    s.init = chain->inits.empty() ? std::string() : chain->inits.front();
    s.title = info.title;
    s.note = "cannot start from given noise: its chains start at its own " +
             (s.init.empty() ? std::string("start") : s.init) + " samples (same seed)";
  }
  return s;
}

std::vector<float> sharedNoise(int chains, int dim, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const size_t n = static_cast<size_t>(std::max(0, chains)) * static_cast<size_t>(std::max(0, dim));
  std::vector<float> out(n);
  constexpr double kTwoPi = 6.283185307179586;
  for (size_t i = 0; i < n; i += 2) {
    const double r = std::sqrt(-2.0 * std::log(uniformOpen(rng)));
    const double a = kTwoPi * uniformOpen(rng);
    out[i] = static_cast<float>(r * std::cos(a));
    if (i + 1 < n)
      out[i + 1] = static_cast<float>(r * std::sin(a));
  }
  return out;
}

} // namespace ebm::ui
