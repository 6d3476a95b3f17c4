// RunConfig: TOML round trip, presets, validation messages, overrides and file handling.
#include "config.h"
#include "errors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ebm::ConfigError;
using ebm::RunConfig;

namespace {

/// A fresh, empty folder for one test under EBM_TEST_TMP.
fs::path tempDir(const std::string& name) {
  const fs::path dir = fs::path(EBM_TEST_TMP) / "config" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// Runs `f`, expects a ConfigError and that its message contains every needle.
void expectConfigError(const std::function<void()>& f, std::initializer_list<std::string> needles) {
  try {
    f();
    ADD_FAILURE() << "no ConfigError thrown";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    for (const std::string& needle : needles)
      EXPECT_NE(msg.find(needle), std::string::npos) << "'" << needle << "' not in: " << msg;
  }
}

void expectSameConfig(const RunConfig& a, const RunConfig& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.model.family, b.model.family);
  EXPECT_EQ(a.model.dataDim, b.model.dataDim);
  EXPECT_EQ(a.model.imageSize, b.model.imageSize);
  EXPECT_EQ(a.model.channels, b.model.channels);
  EXPECT_EQ(a.model.nz, b.model.nz);
  EXPECT_EQ(a.model.ebmWidth, b.model.ebmWidth);
  EXPECT_EQ(a.model.genWidth, b.model.genWidth);
  EXPECT_EQ(a.model.infWidth, b.model.infWidth);
  EXPECT_EQ(a.model.genTanh, b.model.genTanh);
  EXPECT_EQ(a.model.spectralNorm, b.model.spectralNorm);
  EXPECT_EQ(a.x.steps, b.x.steps);
  EXPECT_EQ(a.x.stepSize, b.x.stepSize);
  EXPECT_EQ(a.x.noise, b.x.noise);
  EXPECT_EQ(a.x.snapshotEvery, b.x.snapshotEvery);
  EXPECT_EQ(a.x.init, b.x.init);
  EXPECT_EQ(a.z.steps, b.z.steps);
  EXPECT_EQ(a.z.stepSize, b.z.stepSize);
  EXPECT_EQ(a.z.noise, b.z.noise);
  EXPECT_EQ(a.z.sigma, b.z.sigma);
  EXPECT_EQ(a.z.priorSigma, b.z.priorSigma);
  EXPECT_EQ(a.z.halfSse, b.z.halfSse);
  EXPECT_EQ(a.z.snapshotEvery, b.z.snapshotEvery);
  EXPECT_EQ(a.z.init, b.z.init);
  EXPECT_EQ(a.train.method, b.train.method);
  EXPECT_EQ(a.train.batchSize, b.train.batchSize);
  EXPECT_EQ(a.train.iterations, b.train.iterations);
  EXPECT_EQ(a.train.itersPerEpoch, b.train.itersPerEpoch);
  EXPECT_EQ(a.train.lrE, b.train.lrE);
  EXPECT_EQ(a.train.lrG, b.train.lrG);
  EXPECT_EQ(a.train.lrI, b.train.lrI);
  EXPECT_EQ(a.train.wdE, b.train.wdE);
  EXPECT_EQ(a.train.wdG, b.train.wdG);
  EXPECT_EQ(a.train.wdI, b.train.wdI);
  EXPECT_EQ(a.train.beta1, b.train.beta1);
  EXPECT_EQ(a.train.beta2, b.train.beta2);
  EXPECT_EQ(a.train.lrDecay, b.train.lrDecay);
  EXPECT_EQ(a.train.gFactor, b.train.gFactor);
  EXPECT_EQ(a.train.sFactor, b.train.sFactor);
  EXPECT_EQ(a.train.iFactor, b.train.iFactor);
  EXPECT_EQ(a.train.twoChains, b.train.twoChains);
  EXPECT_EQ(a.train.useTemperature, b.train.useTemperature);
  EXPECT_EQ(a.train.checkpointEvery, b.train.checkpointEvery);
  EXPECT_EQ(a.train.logEvery, b.train.logEvery);
  EXPECT_EQ(a.train.seed, b.train.seed);
  EXPECT_EQ(a.data.kind, b.data.kind);
  EXPECT_EQ(a.data.toy, b.data.toy);
  EXPECT_EQ(a.data.path, b.data.path);
  EXPECT_EQ(a.data.pad32, b.data.pad32);
  EXPECT_EQ(a.data.limit, b.data.limit);
  EXPECT_EQ(a.data.testFraction, b.data.testFraction);
  EXPECT_EQ(a.data.crop, b.data.crop);
  EXPECT_EQ(a.data.cropBox, b.data.cropBox);
  EXPECT_EQ(a.data.flip, b.data.flip);
  EXPECT_EQ(a.runtime.device, b.runtime.device);
  EXPECT_EQ(a.runtime.threads, b.runtime.threads);
}

/// A valid config in which every field differs from its default, with awkward values.
RunConfig unusualConfig() {
  RunConfig c;
  c.name = "odd \"name\" with \\ back\tslash, ünïcode\nand a newline";
  c.model.family = "conv";
  c.model.dataDim = 7;
  c.model.imageSize = 28;
  c.model.channels = 1;
  c.model.nz = 4096;
  c.model.ebmWidth = 1;
  c.model.genWidth = 17;
  c.model.infWidth = 33;
  c.model.genTanh = true;
  c.model.spectralNorm = false;
  c.x.steps = 0;
  c.x.stepSize = 0.1234567890123;
  c.x.noise = 0.0;
  c.x.snapshotEvery = 100000;
  c.x.init = "batch";
  c.z.steps = 99999;
  c.z.stepSize = 100.0;
  c.z.noise = 1.0 / 3.0;
  c.z.sigma = 5e-324;  // the smallest positive double
  c.z.priorSigma = 1e300;
  c.z.halfSse = true;
  c.z.snapshotEvery = 2;
  c.z.init = "uniform";
  c.train.method = "some-other-method";
  c.train.batchSize = 1;
  c.train.iterations = 10000000000L;
  c.train.itersPerEpoch = 123;
  c.train.lrE = 2.718281828459045e-7;
  c.train.lrG = 0.1 + 0.2;
  c.train.lrI = 1e-10;
  c.train.wdE = 1e-3;
  c.train.wdG = 0.0;
  c.train.wdI = 12345.678;
  c.train.beta1 = 0.5;
  c.train.beta2 = 0.9999999999999999;
  c.train.lrDecay = 1.0;
  c.train.gFactor = 0.0;
  c.train.sFactor = 1e5;
  c.train.iFactor = 3.0;
  c.train.twoChains = false;
  c.train.useTemperature = false;
  c.train.checkpointEvery = 0;
  c.train.logEvery = 1;
  c.train.seed = (1ULL << 40) + 3;
  c.data.kind = "idx";
  c.data.toy = "pinwheel";
  c.data.path = "/tmp/some path/with 'quotes'";
  c.data.pad32 = false;
  c.data.limit = 5000;
  c.data.testFraction = 0.25;
  c.data.cropBox = {1, 2, 11, 12};  // data.crop = "box" needs a folder; the box is kept anyway
  c.data.flip = true;
  c.runtime.device = "cuda";
  c.runtime.threads = 1024;
  return c;
}

} // namespace

TEST(Config, DefaultsAreValid) { EXPECT_NO_THROW(RunConfig().validate()); }

TEST(Config, RoundTripIsExact) {
  const RunConfig original = unusualConfig();
  ASSERT_NO_THROW(original.validate());
  const std::string text = original.toToml();
  const RunConfig back = RunConfig::fromToml(text);
  expectSameConfig(original, back);
  EXPECT_EQ(back.toToml(), text);
}

TEST(Config, RoundTripOfDefaults) {
  const RunConfig original;
  expectSameConfig(original, RunConfig::fromToml(original.toToml()));
}

TEST(Config, SeedAboveInt64RoundTrips) {
  RunConfig original;
  original.train.seed = ~0ULL;
  EXPECT_EQ(RunConfig::fromToml(original.toToml()).train.seed, ~0ULL);
  original.train.seed = (1ULL << 63) + 5;
  EXPECT_EQ(RunConfig::fromToml(original.toToml()).train.seed, (1ULL << 63) + 5);
}

TEST(Config, ToTomlWritesIntegralDoublesAsFloats) {
  RunConfig c;
  c.train.sFactor = 50.0;
  const std::string text = c.toToml();
  EXPECT_NE(text.find("s_factor = 50.0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[train]"), std::string::npos);
}

TEST(Config, EmptyDocumentKeepsDefaults) {
  expectSameConfig(RunConfig(), RunConfig::fromToml(""));
  const RunConfig partial = RunConfig::fromToml("name = \"p\"\n[x]\nsteps = 7\n");
  EXPECT_EQ(partial.name, "p");
  EXPECT_EQ(partial.x.steps, 7);
  EXPECT_EQ(partial.x.stepSize, RunConfig().x.stepSize);
}

TEST(Config, IntegerAcceptedForFloat) {
  const RunConfig c = RunConfig::fromToml("[x]\nstep_size = 2\n");
  EXPECT_EQ(c.x.stepSize, 2.0);
}

TEST(Config, EveryPresetLoadsAndValidates) {
  const std::vector<std::string> names = ebm::presetNames();
  ASSERT_FALSE(names.empty());
  EXPECT_NE(std::find(names.begin(), names.end(), "toy2d"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "fmnist-small"), names.end());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    RunConfig c;
    ASSERT_NO_THROW(c = RunConfig::fromPreset(name));
    EXPECT_NO_THROW(c.validate());
    EXPECT_EQ(c.name, name);
  }
}

TEST(Config, PresetValues) {
  const RunConfig toy = RunConfig::fromPreset("toy2d");
  EXPECT_EQ(toy.model.family, "mlp");
  EXPECT_EQ(toy.x.steps, 30);
  EXPECT_EQ(toy.x.snapshotEvery, 3);
  EXPECT_EQ(toy.z.stepSize, 0.03);
  EXPECT_EQ(toy.train.batchSize, 256);
  EXPECT_EQ(toy.train.itersPerEpoch, 100);
  EXPECT_TRUE(toy.train.twoChains);
  EXPECT_EQ(toy.data.toy, "8gaussians");

  const RunConfig fm = RunConfig::fromPreset("fmnist-small");
  EXPECT_EQ(fm.model.family, "conv");
  EXPECT_EQ(fm.model.nz, 32);
  EXPECT_EQ(fm.model.ebmWidth, 16);
  EXPECT_TRUE(fm.model.genTanh);
  EXPECT_EQ(fm.train.batchSize, 32);
  EXPECT_EQ(fm.train.iterations, 4000);
  EXPECT_FALSE(fm.train.twoChains);
  EXPECT_EQ(fm.train.checkpointEvery, 250);
  EXPECT_EQ(fm.data.kind, "fashion-mnist");
}

TEST(Config, PresetByPathAndUnknownPreset) {
  const fs::path dir = tempDir("preset_path");
  RunConfig c;
  c.x.steps = 42;
  const std::string file = (dir / "mine.toml").string();
  c.writeFile(file);
  EXPECT_EQ(RunConfig::fromPreset(file).x.steps, 42);
  expectConfigError([] { RunConfig::fromPreset("no-such-preset"); },
                    {"no-such-preset", "toy2d", "fmnist-small"});
}

TEST(Config, BadValuesNameFieldAndValue) {
  expectConfigError([] { RunConfig::fromToml("[x]\nstep_size = -1.0\n"); },
                    {"x.step_size", "-1", "> 0"});
  expectConfigError([] { RunConfig::fromToml("[model]\nfamily = \"transformer\"\n"); },
                    {"model.family", "transformer"});
  expectConfigError([] { RunConfig::fromToml("[train]\nbatch_size = 0\n"); },
                    {"train.batch_size", "0"});
  expectConfigError(
      [] {
        RunConfig::fromToml("[model]\nfamily = \"conv\"\nimage_size = 30\n"
                            "[data]\nkind = \"fashion-mnist\"\n");
      },
      {"model.image_size", "30", "28 or 32 or 64"});
  expectConfigError([] { RunConfig::fromToml("[train]\nbeta2 = 1.0\n"); }, {"train.beta2", "1"});
  expectConfigError([] { RunConfig::fromToml("[data]\ntoy = \"spiral\"\n"); },
                    {"data.toy", "spiral"});
  expectConfigError([] { RunConfig::fromToml("[runtime]\nthreads = 2000\n"); },
                    {"runtime.threads", "2000"});
  expectConfigError([] { RunConfig::fromToml("[z]\nsigma = inf\n"); }, {"z.sigma", "inf"});
  expectConfigError([] { RunConfig::fromToml("[train]\nmethod = \"\"\n"); }, {"train.method"});
}

TEST(Config, ValidateOnStruct) {
  RunConfig c;
  c.x.stepSize = -1;
  expectConfigError([&] { c.validate(); }, {"x.step_size = -1: must be > 0 and <= 100"});
}

TEST(Config, FamilyMustMatchDataKind) {
  expectConfigError([] { RunConfig::fromToml("[model]\nfamily = \"conv\"\n"); },
                    {"data.kind", "model.family"});
  expectConfigError([] { RunConfig::fromToml("[data]\nkind = \"idx\"\n"); },
                    {"data.kind", "conv"});
  expectConfigError([] { RunConfig::fromToml("[model]\ndata_dim = 3\n"); },
                    {"model.data_dim", "3"});
}

TEST(Config, UnknownKeysRejected) {
  expectConfigError([] { RunConfig::fromToml("[x]\nstepsize = 0.3\n", "my.toml"); },
                    {"unknown key x.stepsize", "my.toml"});
  expectConfigError([] { RunConfig::fromToml("[optim]\nlr = 1.0\n"); }, {"optim"});
  expectConfigError([] { RunConfig::fromToml("colour = \"red\"\n"); }, {"colour"});
}

TEST(Config, WrongTypeRejected) {
  expectConfigError([] { RunConfig::fromToml("[x]\nstep_size = \"big\"\n"); },
                    {"x.step_size", "number", "string"});
  expectConfigError([] { RunConfig::fromToml("[x]\nsteps = 1.5\n"); }, {"x.steps", "integer"});
  expectConfigError([] { RunConfig::fromToml("[train]\ntwo_chains = 1\n"); },
                    {"train.two_chains", "boolean"});
  expectConfigError([] { RunConfig::fromToml("[model]\nfamily = 3\n"); },
                    {"model.family", "string"});
  expectConfigError([] { RunConfig::fromToml("x = 3\n"); }, {"x", "table"});
  expectConfigError([] { RunConfig::fromToml("[x]\nsteps = 10000000000\n"); },
                    {"x.steps", "10000000000"});
}

TEST(Config, ParseErrorNamesOriginAndLine) {
  expectConfigError([] { RunConfig::fromToml("name = \"a\"\n[x\n", "broken.toml"); },
                    {"broken.toml:2:"});
}

TEST(Config, ApplyOverride) {
  RunConfig c;
  c.applyOverride("x.step_size=0.3");
  EXPECT_EQ(c.x.stepSize, 0.3);
  c.applyOverride("data.toy=rings");
  EXPECT_EQ(c.data.toy, "rings");
  c.applyOverride("data.toy = \"moons\"");
  EXPECT_EQ(c.data.toy, "moons");
  c.applyOverride("train.two_chains=false");
  EXPECT_FALSE(c.train.twoChains);
  c.applyOverride("x.steps=5");
  EXPECT_EQ(c.x.steps, 5);
  c.applyOverride("name=my run");
  EXPECT_EQ(c.name, "my run");
  c.applyOverride("data.path=/tmp/data dir");
  EXPECT_EQ(c.data.path, "/tmp/data dir");
  c.applyOverride("train.seed=1099511627779");
  EXPECT_EQ(c.train.seed, (1ULL << 40) + 3);
}

TEST(Config, ApplyOverrideRejectsBadInput) {
  RunConfig c;
  expectConfigError([&] { c.applyOverride("nosuch.key=1"); }, {"nosuch.key"});
  expectConfigError([&] { c.applyOverride("x.stepsize=1"); }, {"x.stepsize"});
  expectConfigError([&] { c.applyOverride("x.step_size"); }, {"x.step_size"});
  expectConfigError([&] { c.applyOverride("x.steps=many"); }, {"x.steps", "integer"});
  // A failed override leaves the config untouched.
  expectConfigError([&] { c.applyOverride("x.step_size=-1"); }, {"x.step_size", "-1"});
  EXPECT_EQ(c.x.stepSize, RunConfig().x.stepSize);
  expectConfigError([&] { c.applyOverride("model.family=conv"); }, {"model.family"});
  EXPECT_EQ(c.model.family, "mlp");
}

TEST(Config, FileRoundTrip) {
  const fs::path dir = tempDir("file_round_trip");
  const std::string path = (dir / "run.toml").string();
  const RunConfig original = unusualConfig();
  original.writeFile(path);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  expectSameConfig(original, RunConfig::fromFile(path));
  // Overwriting replaces the file.
  RunConfig second;
  second.writeFile(path);
  expectSameConfig(second, RunConfig::fromFile(path));
}

TEST(Config, MissingFileThrows) {
  const fs::path dir = tempDir("missing");
  const std::string path = (dir / "nope.toml").string();
  expectConfigError([&] { RunConfig::fromFile(path); }, {"cannot read config file", path});
  expectConfigError([&] { RunConfig::fromFile(dir.string()); }, {dir.string()});
}

TEST(Config, WriteFileToMissingFolderThrows) {
  const fs::path dir = tempDir("write_fail");
  EXPECT_THROW(RunConfig().writeFile((dir / "no" / "such" / "run.toml").string()), ebm::Error);
}

TEST(Config, BadValueInFileNamesTheFile) {
  const fs::path dir = tempDir("bad_file");
  const std::string path = (dir / "bad.toml").string();
  std::ofstream(path) << "[train]\nbatch_size = 0\n";
  expectConfigError([&] { RunConfig::fromFile(path); }, {"train.batch_size", path});
}

TEST(Config, ResourceLookup) {
  const std::string preset = ebm::findResource("presets/toy2d.toml");
  EXPECT_TRUE(fs::exists(preset));
  expectConfigError([] { ebm::findResource("presets/does-not-exist.toml"); },
                    {"does-not-exist"});
}

TEST(Config, EnvironmentResourceDirComesFirst) {
  const fs::path dir = tempDir("env_resources");
  fs::create_directories(dir / "presets");
  RunConfig custom;
  custom.name = "custom";
  custom.x.steps = 3;
  custom.writeFile((dir / "presets" / "custom.toml").string());
  std::ofstream(dir / "presets" / "notes.txt") << "not a preset\n";

  ASSERT_EQ(setenv("EBM_LAB_RESOURCES", dir.c_str(), 1), 0);
  const std::vector<std::string> dirs = ebm::resourceDirs();
  const std::vector<std::string> names = ebm::presetNames();
  RunConfig loaded;
  EXPECT_NO_THROW(loaded = RunConfig::fromPreset("custom"));
  unsetenv("EBM_LAB_RESOURCES");

  ASSERT_FALSE(dirs.empty());
  EXPECT_EQ(dirs.front(), dir.string());
  EXPECT_NE(std::find(names.begin(), names.end(), "custom"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "notes"), names.end());
  EXPECT_EQ(loaded.x.steps, 3);
  const std::vector<std::string> after = ebm::presetNames();
  EXPECT_EQ(std::find(after.begin(), after.end(), "custom"), after.end());
}

namespace ebm {
namespace {

TEST(Config, ImageDataAndModelShapeMustAgree) {
  RunConfig c = RunConfig::fromPreset("fmnist-small");
  c.model.channels = 3;
  EXPECT_THROW(c.validate(), ConfigError);
  c = RunConfig::fromPreset("fmnist-small");
  c.model.imageSize = 28;  // pad32 = true gives 32x32 images
  try {
    c.validate();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("model.image_size = 32"), std::string::npos) << e.what();
  }
  c = RunConfig::fromPreset("paper-cifar10");
  c.model.channels = 1;
  EXPECT_THROW(c.validate(), ConfigError);
}

TEST(Config, PaperCelebA64PresetHasTheReferenceValues) {
  const RunConfig c = RunConfig::fromPreset("paper-celeba64");
  EXPECT_EQ(c.model.imageSize, 64);
  EXPECT_EQ(c.model.channels, 3);
  EXPECT_EQ(c.model.ebmWidth, 1024);
  EXPECT_EQ(c.model.genWidth, 1024);
  EXPECT_EQ(c.model.infWidth, 128);
  EXPECT_EQ(c.model.nz, 128);
  EXPECT_EQ(c.x.steps, 30);
  EXPECT_DOUBLE_EQ(c.x.stepSize, 0.3);
  EXPECT_DOUBLE_EQ(c.x.noise, 0.001);
  EXPECT_DOUBLE_EQ(c.train.sFactor, 70.0);
  EXPECT_DOUBLE_EQ(c.train.gFactor, 1.0);
  EXPECT_DOUBLE_EQ(c.train.iFactor, 0.1);
  EXPECT_EQ(c.train.itersPerEpoch, 1627);
  EXPECT_EQ(c.train.iterations, 301L * 1627);
  EXPECT_EQ(c.data.kind, "folder");
  EXPECT_DOUBLE_EQ(c.data.testFraction, 0.1);
  // METHODS §1.1: the reference's 148x148 face box of the aligned images, flips in training.
  EXPECT_EQ(c.data.crop, "box");
  EXPECT_EQ(c.data.cropBox, (std::vector<int>{15, 40, 163, 188}));
  EXPECT_TRUE(c.data.flip);
}

TEST(Config, CropAndFlipSettingsAreChecked) {
  RunConfig c = RunConfig::fromPreset("paper-celeba64");
  c.applyOverride("data.crop_box=[0, 0, 178, 178]");
  EXPECT_EQ(c.data.cropBox, (std::vector<int>{0, 0, 178, 178}));
  EXPECT_NE(c.toToml().find("crop_box = [0, 0, 178, 178]\n"), std::string::npos) << c.toToml();
  expectConfigError([&] { c.applyOverride("data.crop_box=[15, 40, 163]"); },
                    {"data.crop_box = [15, 40, 163]", "4 integers"});
  expectConfigError([&] { c.applyOverride("data.crop_box=[15, 40, 163, 180]"); },
                    {"data.crop_box = [15, 40, 163, 180]", "square", "148x140"});
  expectConfigError([&] { c.applyOverride("data.crop_box=[50, 40, 20, 70]"); },
                    {"data.crop_box", "right must be > left"});
  expectConfigError([&] { c.applyOverride("data.crop_box=[-1, 0, 9, 10]"); },
                    {"data.crop_box", ">= 0"});
  expectConfigError([&] { c.applyOverride("data.crop_box=\"box\""); },
                    {"data.crop_box", "an array of integers"});
  expectConfigError([&] { c.applyOverride("data.crop=centre"); },
                    {"data.crop = \"centre\"", "center, box"});
  EXPECT_EQ(c.data.cropBox, (std::vector<int>{0, 0, 178, 178}));  // failed overrides change nothing
  c.data.kind = "cifar10";
  c.model.imageSize = 32;
  expectConfigError([&] { c.validate(); }, {"data.crop = \"box\"", "data.kind = \"folder\""});
  c.data.crop = "center";
  EXPECT_NO_THROW(c.validate());  // CIFAR-10 training batches may be flipped
  RunConfig toy;
  toy.data.flip = true;
  expectConfigError([&] { toy.validate(); }, {"data.flip = true", "toy2d"});
}

TEST(Config, SixtyFourPixelModelsNeedWidthsDivisibleBySixteen) {
  RunConfig c = RunConfig::fromPreset("paper-celeba64");
  c.model.genWidth = 1000;
  expectConfigError([&] { c.validate(); }, {"model.gen_width = 1000", "multiple of 16"});
  expectConfigError([] { RunConfig::fromToml("[data]\ntest_fraction = 1.0\n"); },
                    {"data.test_fraction", "< 1"});
  // IDX and CIFAR-10 images have fixed sizes; a folder is resized to the model.
  c = RunConfig::fromPreset("paper-celeba64");
  c.data.kind = "cifar10";
  EXPECT_THROW(c.validate(), ConfigError);
  c = RunConfig::fromPreset("paper-cifar10");
  c.data.kind = "folder";
  EXPECT_NO_THROW(c.validate());
}

TEST(Config, SamplerPresetChangesOnlyItsKeys) {
  const std::vector<std::string> names = samplerPresetNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "paper-test"), names.end());

  const RunConfig before = RunConfig::fromPreset("paper-celeba64");
  RunConfig c = before;
  applySamplerPreset(c, "paper-test");
  EXPECT_EQ(c.x.steps, 70);  // METHODS §1.7: the reference's test-time overrides
  EXPECT_DOUBLE_EQ(c.x.stepSize, 0.4);
  EXPECT_DOUBLE_EQ(c.x.noise, 0.001);
  RunConfig restored = c;
  restored.x = before.x;
  EXPECT_EQ(restored.toToml(), before.toToml());
  EXPECT_EQ(c.x.snapshotEvery, before.x.snapshotEvery);
  EXPECT_EQ(c.x.init, before.x.init);
}

TEST(Config, SamplerPresetErrorsLeaveTheConfigUnchanged) {
  const fs::path dir = tempDir("sampler_presets");
  const auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = (dir / name).string();
    std::ofstream(path) << text;
    return path;
  };
  RunConfig c = RunConfig::fromPreset("toy2d");
  const std::string original = c.toToml();

  expectConfigError([&] { applySamplerPreset(c, "no-such-sampler"); },
                    {"sampler preset 'no-such-sampler'", "paper-test"});
  expectConfigError([&] { applySamplerPreset(c, write("train.toml", "[train]\nlr_e = 1.0\n")); },
                    {"train.toml", "sets train", "only the [x] and [z] tables"});
  expectConfigError([&] { applySamplerPreset(c, write("top.toml", "name = \"x\"\n")); },
                    {"sets name"});
  const std::string unknownKey = write("key.toml", "[x]\nsteps = 5\nstride = 2\n");
  expectConfigError([&] { applySamplerPreset(c, unknownKey); },
                    {"unknown key x.stride", "key.toml"});
  expectConfigError([&] { applySamplerPreset(c, write("bad.toml", "[z]\nstep_size = -1\n")); },
                    {"z.step_size = -1", "bad.toml"});
  EXPECT_EQ(c.toToml(), original);

  applySamplerPreset(c, write("both.toml", "[x]\nsteps = 5\n[z]\nsteps = 7\n"));
  EXPECT_EQ(c.x.steps, 5);
  EXPECT_EQ(c.z.steps, 7);
}

} // namespace
} // namespace ebm
