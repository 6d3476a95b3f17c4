// Shared fixtures for the core tests: seeded RNG, temp folders, tolerance helpers.
#pragma once

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

} // namespace ebm::test
