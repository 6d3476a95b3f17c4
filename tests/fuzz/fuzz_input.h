// What every harness needs: the fuzzer's bytes as a file (the parsers read paths, as users give
// them), in a folder of this process's own, and the rule that a parser may only refuse input
// with ebm::Error (a typed, worded error); anything else escaping it is a finding.
#pragma once

#include "errors.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace ebm::fuzz {

/// A folder of this process's own under the temp dir (created once).
inline const std::filesystem::path& workDir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("ebm-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

/// Writes the bytes to workDir()/relative (folders made as needed) and returns its path.
inline std::string writeInput(const std::string& relative, const uint8_t* data, size_t size) {
  const auto path = workDir() / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path.string();
}

/// Runs a parse; an ebm::Error is a refusal (fine), anything else propagates to the fuzzer.
template <typename F> void parse(F&& f) {
  try {
    f();
  } catch (const ebm::Error&) {
  }
}

} // namespace ebm::fuzz
