// Sampler presets (File > Sampler preset, `sample --sampler F`): read as named chains' settings,
// then applied to a Dual-MCMC and a CDRL config (checked against their schemas).
#include "config.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ebm::fuzz::writeInput("sampler.toml", data, size);
  ebm::fuzz::parse([&] { (void)ebm::samplerPresetSettings(path); });
  static const ebm::RunConfig bases[] = {ebm::RunConfig::fromPreset("toy2d"),
                                         ebm::RunConfig::fromPreset("cdrl-toy2d")};
  for (const auto& base : bases) {
    ebm::RunConfig cfg = base;
    ebm::fuzz::parse([&] { ebm::applySamplerPreset(cfg, path); });
  }
  return 0;
}
