// ui/common is the front ends' shared logic: it includes its own headers, core/api headers, the
// standard library and toml++ (lesson files, header-only, as in the core), nothing else (no Qt,
// GL, ImGui or LibTorch), so a second front end links it without a toolkit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#ifndef EBM_SOURCE_DIR
#error "EBM_SOURCE_DIR must name the source tree"
#endif

namespace {

namespace fs = std::filesystem;

TEST(UiCommonLayering, IncludesOnlyItselfCoreApiAndTheStandardLibrary) {
  const fs::path common = fs::path(EBM_SOURCE_DIR) / "ui" / "common";
  const fs::path api = fs::path(EBM_SOURCE_DIR) / "core" / "api";
  const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  // Standard headers have no extension and no folder (<vector>, <cstdint>).
  const std::regex standard(R"(^[a-z_]+$)");
  const std::string toml = "toml++/toml.h";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(common)) {
    const auto ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cpp")
      continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (!std::regex_search(line, m, include))
        continue;
      const std::string name = m[2].str();
      const bool ok = m[1] == "<" ? std::regex_match(name, standard) || name == toml
                                  : fs::exists(common / name) || fs::exists(api / name);
      EXPECT_TRUE(ok) << entry.path().filename().string() << ":" << n << " includes " << name;
    }
  }
  EXPECT_GE(files, 10);
}

} // namespace
