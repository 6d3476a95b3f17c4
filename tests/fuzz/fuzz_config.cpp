// Run configs and presets (TOML through the field registry and each method's schemas), and
// --set overrides: an input starting with '!' is an override applied to the toy2d preset. A
// config that parses must write TOML that parses back to the same TOML.
#include "config.h"
#include "fuzz_input.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ebm::fuzz::parse([&] {
    ebm::RunConfig cfg;
    if (!text.empty() && text[0] == '!') {
      static const ebm::RunConfig base = ebm::RunConfig::fromPreset("toy2d");
      cfg = base;
      cfg.applyOverride(text.substr(1));
      cfg.validate();
    } else {
      cfg = ebm::RunConfig::fromToml(text, "fuzz.toml");
    }
    const std::string written = cfg.toToml();
    if (ebm::RunConfig::fromToml(written, "written.toml").toToml() != written)
      __builtin_trap();  // what the lab writes it must read back unchanged
  });
  return 0;
}
