// The layers stay visible: core/ includes no Qt, GL or ImGui header, and ui/ no LibTorch one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

std::vector<std::string> offendingIncludes(const fs::path& dir, const std::regex& banned) {
  std::vector<std::string> bad;
  if (!fs::exists(dir))
    return bad;
  const std::regex include(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const auto ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".hpp" && ext != ".cpp" && ext != ".cc")
      continue;
    std::ifstream in(entry.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::smatch m;
      if (std::regex_search(line, m, include) && std::regex_search(m[1].str(), banned))
        bad.push_back(entry.path().string() + ":" + std::to_string(n) + ": " + m[1].str());
    }
  }
  return bad;
}

TEST(Layering, CoreIncludesNoQtGlOrImGui) {
  const std::regex banned(R"(^(Q[A-Za-z]|Qt|qcustomplot|GL/|GLFW/|imgui|glad|epoxy|KHR/))");
  const auto bad = offendingIncludes(fs::path(EBM_SOURCE_DIR) / "core", banned);
  for (const auto& b : bad)
    ADD_FAILURE() << b;
  EXPECT_TRUE(fs::exists(fs::path(EBM_SOURCE_DIR) / "core" / "api" / "session.h"));
}

TEST(Layering, UiIncludesNoLibTorch) {
  const std::regex banned(R"(^(torch/|ATen/|c10/|caffe2/))");
  for (const auto& b : offendingIncludes(fs::path(EBM_SOURCE_DIR) / "ui", banned))
    ADD_FAILURE() << b;
}

TEST(Layering, CoreIsLaidOutByConcept) {
  // Every source lives in a concept folder; the root holds only the build file and the README.
  for (const auto& entry : fs::directory_iterator(fs::path(EBM_SOURCE_DIR) / "core")) {
    const auto ext = entry.path().extension().string();
    EXPECT_FALSE(entry.is_regular_file() && (ext == ".h" || ext == ".cpp"))
        << entry.path() << " sits at core/'s root";
  }
}

TEST(Layering, ApiHeadersIncludeOnlyApiHeaders) {
  // core/api is what front ends see; a header there that includes a folder-qualified core header
  // would leak the internals (the compile probes api_hides_* check LibTorch itself).
  const std::regex banned(R"(^(torch/|ATen/|c10/|[a-z_]+/[a-z_]+\.h$))");
  for (const auto& b : offendingIncludes(fs::path(EBM_SOURCE_DIR) / "core" / "api", banned))
    ADD_FAILURE() << b;
}

} // namespace
