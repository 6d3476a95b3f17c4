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

// ui/gl is the one GL renderer of both front ends: GL through libepoxy only (no toolkit's GL
// loader), plain C++ over ui/common and core/api otherwise.
TEST(UiGlLayering, IncludesOnlyEpoxyUiCommonCoreApiAndTheStandardLibrary) {
  const fs::path gl = fs::path(EBM_SOURCE_DIR) / "ui" / "gl";
  const fs::path common = fs::path(EBM_SOURCE_DIR) / "ui" / "common";
  const fs::path api = fs::path(EBM_SOURCE_DIR) / "core" / "api";
  const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  const std::regex standard(R"(^[a-z_]+$)");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(gl)) {
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
      const bool ok = m[1] == "<" ? std::regex_match(name, standard) || name == "epoxy/gl.h"
                                  : fs::exists(gl / name) || fs::exists(common / name) ||
                                        fs::exists(api / name);
      EXPECT_TRUE(ok) << entry.path().filename().string() << ":" << n << " includes " << name;
    }
  }
  EXPECT_GE(files, 6);
}

// The viewer (ui/imgui) sees the core through core/api and ui/common (and the shared GL renderer
// in ui/gl): a Qt or LibTorch include there fails here.
TEST(ImguiViewerLayering, IncludesNoQtAndNoLibTorch) {
  const fs::path root(EBM_SOURCE_DIR);
  const fs::path viewer = root / "ui" / "imgui";
  const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  const std::regex standard(R"(^[a-z_]+$)");
  const std::regex toolkit(R"(^(imgui\.h|imgui_stdlib\.h|backends/imgui_impl_[a-z0-9]+\.h|GLFW/glfw3\.h|epoxy/gl\.h)$)");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(viewer)) {
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
      bool ok = false;
      if (m[1] == "<")
        ok = std::regex_match(name, standard) || std::regex_match(name, toolkit);
      else
        for (const char* dir : {"ui/imgui", "ui/common", "ui/gl", "core/api"})
          ok = ok || fs::exists(root / dir / name);
      EXPECT_TRUE(ok) << entry.path().filename().string() << ":" << n << " includes " << name;
    }
  }
  EXPECT_GE(files, 10);
}

} // namespace
