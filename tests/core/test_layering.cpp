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
  EXPECT_TRUE(fs::exists(fs::path(EBM_SOURCE_DIR) / "core" / "session.h"));
}

TEST(Layering, UiIncludesNoLibTorch) {
  const std::regex banned(R"(^(torch/|ATen/|c10/|caffe2/))");
  for (const auto& b : offendingIncludes(fs::path(EBM_SOURCE_DIR) / "ui", banned))
    ADD_FAILURE() << b;
}

TEST(Layering, SessionHeaderSpeaksPlainCpp) {
  // The GUI includes session.h and what it includes; none of those may pull in LibTorch.
  const std::regex banned(R"(^(torch/|ATen/|c10/))");
  const fs::path core = fs::path(EBM_SOURCE_DIR) / "core";
  for (const char* header : {"session.h", "config.h", "trace.h", "report.h", "image_io.h",
                             "errors.h", "live_settings.h", "bench.h"}) {
    std::ifstream in(core / header);
    ASSERT_TRUE(in.good()) << header;
    std::string line;
    const std::regex include(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_search(line, m, include))
        EXPECT_FALSE(std::regex_search(m[1].str(), banned)) << header << " includes " << m[1];
    }
  }
}

} // namespace
