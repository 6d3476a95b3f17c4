// Lesson files (TOML steps with captions and ordered actions), parsed from memory. The resource
// lookup the parser uses for checkpoint names is the core's; here it finds nothing (no shipped
// files), which is one of the cases the parser must word.
#include "config.h"
#include "fuzz_input.h"
#include "lesson.h"

namespace ebm {
std::vector<std::string> resourceDirs() { return {}; }
std::string findResource(const std::string&) { return {}; }
} // namespace ebm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ebm::fuzz::parse([&] {
    const ebm::ui::Lesson lesson = ebm::ui::parseLesson(text, "fuzz.toml");
    (void)lesson;
  });
  return 0;
}
