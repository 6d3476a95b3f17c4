// Shared fixtures for the core tests: seeded RNG, temp folders, tolerance helpers, Dual-MCMC's
// settings in a run config.
#pragma once

#include "config.h"
#include "methods/dual_mcmc/settings.h"

#include <torch/torch.h>

#include <filesystem>
#include <string>

namespace ebm::test {

/// A fresh, empty folder under the build tree's test temp dir.
inline std::string tempDir(const std::string& name) {
  const auto dir = std::filesystem::path(EBM_TEST_TMP) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline torch::Generator seeded(uint64_t seed) {
  auto g = at::detail::createCPUGenerator(seed);
  return g;
}

/// |a - b| <= rel * |b| + abs
inline bool near(double a, double b, double rel, double abs = 0.0) {
  return std::fabs(a - b) <= rel * std::fabs(b) + abs;
}

/// Edits Dual-MCMC's settings in a run config's method table for one statement:
/// `DualEdit(cfg)->x.steps = 5;` reads the settings, and the temporary writes them back when the
/// statement ends.
class DualEdit {
public:
  explicit DualEdit(RunConfig& cfg) : m_cfg(cfg), m_settings(dualMcmcSettings(cfg)) {}
  ~DualEdit() { storeDualMcmcSettings(m_cfg, m_settings); }
  DualEdit(const DualEdit&) = delete;
  DualEdit& operator=(const DualEdit&) = delete;
  DualMcmcSettings* operator->() { return &m_settings; }

private:
  RunConfig& m_cfg;
  DualMcmcSettings m_settings;
};

/// Dual-MCMC's settings as `cfg` holds them (defaults where its table is silent).
inline DualMcmcSettings dual(const RunConfig& cfg) { return dualMcmcSettings(cfg); }

/// The toy2d preset with small networks (width 32) and short chains (5 x-steps, 3 z-steps).
inline RunConfig smallToy() {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  DualEdit(cfg)->model.ebmWidth = 32;
  DualEdit(cfg)->model.genWidth = 32;
  DualEdit(cfg)->model.infWidth = 32;
  DualEdit(cfg)->x.steps = 5;
  DualEdit(cfg)->z.steps = 3;
  return cfg;
}

/// smallToy() as a session runs it: batch 64, on the CPU with two threads.
inline RunConfig sessionToy() {
  RunConfig cfg = smallToy();
  cfg.train.batchSize = 64;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 2;
  return cfg;
}

} // namespace ebm::test
