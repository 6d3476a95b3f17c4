// Each front-end layer includes only what it may: its own folder and the folders under it, the
// standard library and the few outside headers named here. A Qt, GL, ImGui or LibTorch include
// where it does not belong fails here.
//  - ui/common: the front ends' shared logic; core/api and toml++ (lesson files, header-only, as
//    in the core), so a second front end links it without a toolkit.
//  - ui/gl: the one GL renderer of both front ends; GL through libepoxy only (no toolkit's
//    loader), plain C++ over ui/common and core/api otherwise.
//  - ui/imgui: the viewer; the core through core/api and ui/common, drawing through ui/gl.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <string>

#ifndef EBM_SOURCE_DIR
#error "EBM_SOURCE_DIR must name the source tree"
#endif

namespace {

namespace fs = std::filesystem;

/// Checks every .h/.cpp in `folder`: a quoted include must exist in one of `quotedFrom` (source
/// folders), an angled one must be a standard header (no extension, no folder) or match
/// `outside`. Returns the number of files read.
int checkIncludes(const std::string& folder, std::initializer_list<const char*> quotedFrom,
                  const std::regex& outside) {
  const fs::path root(EBM_SOURCE_DIR);
  const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  const std::regex standard(R"(^[a-z_]+$)");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(root / folder)) {
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
        ok = std::regex_match(name, standard) || std::regex_match(name, outside);
      else
        for (const char* dir : quotedFrom)
          ok = ok || fs::exists(root / dir / name);
      EXPECT_TRUE(ok) << folder << "/" << entry.path().filename().string() << ":" << n
                      << " includes " << name;
    }
  }
  return files;
}

TEST(UiCommonLayering, IncludesOnlyItselfCoreApiAndTheStandardLibrary) {
  const std::regex toml(R"(toml\+\+/toml\.h)");
  EXPECT_GE(checkIncludes("ui/common", {"ui/common", "core/api"}, toml), 10);
}

TEST(UiGlLayering, IncludesOnlyEpoxyUiCommonCoreApiAndTheStandardLibrary) {
  const std::regex epoxy(R"(epoxy/gl\.h)");
  EXPECT_GE(checkIncludes("ui/gl", {"ui/gl", "ui/common", "core/api"}, epoxy), 6);
}

TEST(ImguiViewerLayering, IncludesNoQtAndNoLibTorch) {
  const std::regex toolkit(R"(^(imgui\.h|imgui_stdlib\.h|backends/imgui_impl_[a-z0-9]+\.h|)"
                           R"(GLFW/glfw3\.h|epoxy/gl\.h)$)");
  EXPECT_GE(checkIncludes("ui/imgui", {"ui/imgui", "ui/common", "ui/gl", "core/api"}, toolkit),
            10);
}

TEST(Layering, TheCheckerCatchesAForbiddenInclude) {
  // The checker itself: ui/qt, full of Qt includes, must fail the rule ui/common keeps.
  const std::regex none("$^");
  testing::TestPartResultArray results;
  {
    testing::ScopedFakeTestPartResultReporter reporter(
        testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    checkIncludes("ui/qt", {"ui/common", "core/api"}, none);
  }
  EXPECT_GT(results.size(), 0) << "ui/qt includes Qt headers, which this check must refuse";
}

} // namespace
