// RunConfig: TOML round trip, presets, validation messages, overrides and file handling; the
// method's own table (Dual-MCMC's [dual_mcmc.*]) and the aliases that read older files.
#include "checkpoint_info.h"
#include "config.h"
#include "errors.h"
#include "methods/dual_mcmc/settings.h"
#include "methods/method.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ebm::ConfigError;
using ebm::DualMcmcSettings;
using ebm::RunConfig;

namespace {

/// Dual-MCMC's settings in `c` (defaults where its table is silent).
DualMcmcSettings dual(const RunConfig& c) { return ebm::dualMcmcSettings(c); }

/// `c` with its Dual-MCMC settings changed by `edit`.
template <class Edit>
void editDual(RunConfig& c, Edit edit) {
  DualMcmcSettings d = dual(c);
  edit(d);
  ebm::storeDualMcmcSettings(c, d);
}

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
  EXPECT_EQ(a.train.method, b.train.method);
  EXPECT_EQ(a.train.batchSize, b.train.batchSize);
  EXPECT_EQ(a.train.iterations, b.train.iterations);
  EXPECT_EQ(a.train.itersPerEpoch, b.train.itersPerEpoch);
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
  // The method's table as it takes effect: written out, every key is filled in.
  if (a.train.method == "dual-mcmc") {
    for (const char* table : {"model", "x", "z", "train"})
      EXPECT_EQ(a.methodTable(table), b.methodTable(table)) << table;
  } else {
    EXPECT_EQ(a.methodSettings, b.methodSettings);
  }
}

/// A valid config in which every field differs from its default, with awkward values.
RunConfig unusualConfig() {
  RunConfig c;
  c.name = "odd \"name\" with \\ back\tslash, ünïcode\nand a newline";
  c.model.family = "conv";
  c.model.dataDim = 7;
  c.model.imageSize = 28;
  c.model.channels = 1;
  c.train.batchSize = 1;
  c.train.iterations = 10000000000L;
  c.train.itersPerEpoch = 123;
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
  editDual(c, [](DualMcmcSettings& d) {
    d.model.nz = 4096;
    d.model.ebmWidth = 1;
    d.model.genWidth = 17;
    d.model.infWidth = 33;
    d.model.genTanh = true;
    d.model.spectralNorm = false;
    d.x.steps = 0;
    d.x.stepSize = 0.1234567890123;
    d.x.noise = 0.0;
    d.x.snapshotEvery = 100000;
    d.x.init = "batch";
    d.z.steps = 99999;
    d.z.stepSize = 100.0;
    d.z.noise = 1.0 / 3.0;
    d.z.sigma = 5e-324;  // the smallest positive double
    d.z.priorSigma = 1e6;  // the schema's largest
    d.z.halfSse = true;
    d.z.snapshotEvery = 2;
    d.z.init = "uniform";
    d.train.lrE = 2.718281828459045e-7;
    d.train.lrG = 0.1 + 0.2;
    d.train.lrI = 1e-10;
    d.train.wdE = 1e-3;
    d.train.wdG = 0.0;
    d.train.wdI = 12345.678;
    d.train.beta1 = 0.5;
    d.train.beta2 = 0.9999999999999999;
    d.train.lrDecay = 1.0;
    d.train.gFactor = 0.0;
    d.train.sFactor = 1e5;
    d.train.iFactor = 3.0;
    d.train.twoChains = false;
    d.train.useTemperature = false;
  });
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

TEST(Config, AnUnregisteredMethodWithoutATableRoundTrips) {
  RunConfig original;
  original.train.method = "some-other-method";
  ASSERT_NO_THROW(original.validate());  // reported where it is built
  const RunConfig back = RunConfig::fromToml(original.toToml());
  EXPECT_EQ(back.train.method, "some-other-method");
  EXPECT_TRUE(back.methodSettings.empty());
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
  editDual(c, [](DualMcmcSettings& d) { d.train.sFactor = 50.0; });
  const std::string text = c.toToml();
  EXPECT_NE(text.find("s_factor = 50.0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[train]"), std::string::npos);
  EXPECT_NE(text.find("[dual_mcmc.train]"), std::string::npos);
}

TEST(Config, EmptyDocumentKeepsDefaults) {
  expectSameConfig(RunConfig(), RunConfig::fromToml(""));
  const RunConfig partial = RunConfig::fromToml("name = \"p\"\n[x]\nsteps = 7\n");
  EXPECT_EQ(partial.name, "p");
  EXPECT_EQ(dual(partial).x.steps, 7);
  EXPECT_EQ(dual(partial).x.stepSize, ebm::LangevinXConfig().stepSize);
}

TEST(Config, IntegerAcceptedForFloat) {
  const RunConfig c = RunConfig::fromToml("[x]\nstep_size = 2\n");
  EXPECT_EQ(dual(c).x.stepSize, 2.0);
  EXPECT_EQ(dual(RunConfig::fromToml("[dual_mcmc.x]\nstep_size = 2\n")).x.stepSize, 2.0);
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
  EXPECT_EQ(dual(toy).x.steps, 30);
  EXPECT_EQ(dual(toy).x.snapshotEvery, 3);
  EXPECT_EQ(dual(toy).z.stepSize, 0.03);
  EXPECT_EQ(toy.train.batchSize, 256);
  EXPECT_EQ(toy.train.itersPerEpoch, 100);
  EXPECT_TRUE(dual(toy).train.twoChains);
  EXPECT_EQ(toy.data.toy, "8gaussians");

  const RunConfig fm = RunConfig::fromPreset("fmnist-small");
  EXPECT_EQ(fm.model.family, "conv");
  EXPECT_EQ(dual(fm).model.nz, 32);
  EXPECT_EQ(dual(fm).model.ebmWidth, 16);
  EXPECT_TRUE(dual(fm).model.genTanh);
  EXPECT_EQ(fm.train.batchSize, 32);
  EXPECT_EQ(fm.train.iterations, 4000);
  EXPECT_FALSE(dual(fm).train.twoChains);
  EXPECT_EQ(fm.train.checkpointEvery, 250);
  EXPECT_EQ(fm.data.kind, "fashion-mnist");
}

TEST(Config, PresetByPathAndUnknownPreset) {
  const fs::path dir = tempDir("preset_path");
  RunConfig c;
  editDual(c, [](DualMcmcSettings& d) { d.x.steps = 42; });
  const std::string file = (dir / "mine.toml").string();
  c.writeFile(file);
  EXPECT_EQ(dual(RunConfig::fromPreset(file)).x.steps, 42);
  expectConfigError([] { RunConfig::fromPreset("no-such-preset"); },
                    {"no-such-preset", "toy2d", "fmnist-small"});
}

TEST(Config, BadValuesNameFieldAndValue) {
  expectConfigError([] { RunConfig::fromToml("[x]\nstep_size = -1.0\n"); },
                    {"dual_mcmc.x.step_size", "-1", "> 0"});
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
  editDual(c, [](DualMcmcSettings& d) { d.x.stepSize = -1; });
  expectConfigError([&] { c.validate(); },
                    {"dual_mcmc.x.step_size = -1: must be > 0 and <= 100"});
  c = RunConfig();
  c.methodSettings["x"].numbers["stride"] = 2;
  expectConfigError([&] { c.validate(); }, {"dual_mcmc.x.stride", "unknown setting"});
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
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.x]\nstepsize = 0.3\n", "my.toml"); },
                    {"dual_mcmc.x.stepsize", "unknown setting of the x-chain", "my.toml"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.optim]\nlr = 1.0\n"); },
                    {"[dual_mcmc.optim]", "no chain or settings table named 'optim'"});
  expectConfigError([] { RunConfig::fromToml("[optim]\nlr = 1.0\n"); }, {"optim"});
  expectConfigError([] { RunConfig::fromToml("colour = \"red\"\n"); }, {"colour"});
}

TEST(Config, WrongTypeRejected) {
  expectConfigError([] { RunConfig::fromToml("[x]\nstep_size = \"big\"\n"); },
                    {"x.step_size", "number", "string"});
  expectConfigError([] { RunConfig::fromToml("[x]\nsteps = 1.5\n"); }, {"x.steps", "integer"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.x]\nsteps = 1.5\n"); },
                    {"dual_mcmc.x.steps", "integer"});
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
  EXPECT_EQ(dual(c).x.stepSize, 0.3);
  c.applyOverride("dual_mcmc.x.step_size=0.2");
  EXPECT_EQ(dual(c).x.stepSize, 0.2);
  c.applyOverride("dual_mcmc.z.init=gaussian");  // a bare word is a string
  EXPECT_EQ(dual(c).z.init, "gaussian");
  c.applyOverride("train.mode=cooperative");
  EXPECT_EQ(dual(c).train.mode, "cooperative");
  c.applyOverride("data.toy=rings");
  EXPECT_EQ(c.data.toy, "rings");
  c.applyOverride("data.toy = \"moons\"");
  EXPECT_EQ(c.data.toy, "moons");
  c.applyOverride("train.two_chains=false");
  EXPECT_FALSE(dual(c).train.twoChains);
  c.applyOverride("x.steps=5");
  EXPECT_EQ(dual(c).x.steps, 5);
  c.applyOverride("model.nz=3");
  EXPECT_EQ(dual(c).model.nz, 3);
  c.applyOverride("name=my run");
  EXPECT_EQ(c.name, "my run");
  c.applyOverride("data.kind=points");  // toy2d reads no file and refuses a data.path
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
  expectConfigError([&] { c.applyOverride("dual_mcmc.x.step_size=-1"); },
                    {"dual_mcmc.x.step_size = -1"});
  expectConfigError([&] { c.applyOverride("dual_mcmc.x.stride=1"); }, {"dual_mcmc.x.stride"});
  EXPECT_TRUE(c.methodSettings.empty());
  EXPECT_EQ(dual(c).x.stepSize, ebm::LangevinXConfig().stepSize);
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
  editDual(custom, [](DualMcmcSettings& d) { d.x.steps = 3; });
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
  EXPECT_EQ(dual(loaded).x.steps, 3);
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
  const DualMcmcSettings d = dual(c);
  EXPECT_EQ(d.model.ebmWidth, 1024);
  EXPECT_EQ(d.model.genWidth, 1024);
  EXPECT_EQ(d.model.infWidth, 128);
  EXPECT_EQ(d.model.nz, 128);
  EXPECT_EQ(d.x.steps, 30);
  EXPECT_DOUBLE_EQ(d.x.stepSize, 0.3);
  EXPECT_DOUBLE_EQ(d.x.noise, 0.001);
  EXPECT_DOUBLE_EQ(d.train.sFactor, 70.0);
  EXPECT_DOUBLE_EQ(d.train.gFactor, 1.0);
  EXPECT_DOUBLE_EQ(d.train.iFactor, 0.1);
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
  editDual(c, [](DualMcmcSettings& d) { d.model.genWidth = 1000; });
  expectConfigError([&] { c.validate(); }, {"dual_mcmc.model.gen_width = 1000", "multiple of 16"});
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
  EXPECT_EQ(dual(c).x.steps, 70);  // METHODS §1.7: the reference's test-time overrides
  EXPECT_DOUBLE_EQ(dual(c).x.stepSize, 0.4);
  EXPECT_DOUBLE_EQ(dual(c).x.noise, 0.001);
  RunConfig restored = c;
  editDual(restored, [&](DualMcmcSettings& d) { d.x = dual(before).x; });
  EXPECT_EQ(restored.toToml(), before.toToml());
  EXPECT_EQ(dual(c).x.snapshotEvery, dual(before).x.snapshotEvery);
  EXPECT_EQ(dual(c).x.init, dual(before).x.init);
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
                    {"train.toml", "sets train", "only tables named after", "[x], [z]"});
  expectConfigError([&] { applySamplerPreset(c, write("top.toml", "name = \"x\"\n")); },
                    {"sets name"});
  const std::string unknownKey = write("key.toml", "[x]\nsteps = 5\nstride = 2\n");
  expectConfigError([&] { applySamplerPreset(c, unknownKey); },
                    {"dual_mcmc.x.stride", "unknown setting", "key.toml"});
  expectConfigError([&] { applySamplerPreset(c, write("bad.toml", "[z]\nstep_size = -1\n")); },
                    {"z.step_size = -1", "bad.toml"});
  EXPECT_EQ(c.toToml(), original);

  applySamplerPreset(c, write("both.toml", "[x]\nsteps = 5\n[z]\nsteps = 7\n"));
  EXPECT_EQ(dual(c).x.steps, 5);
  EXPECT_EQ(dual(c).z.steps, 7);
}

// The method's own table: Dual-MCMC's settings in [dual_mcmc.*], older files through aliases.

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ConfigMethodTable, OldFormFileReadsAsTheNewForm) {
  // tests/data/old-form-toy2d.toml is the toy2d preset as it was written before the method had
  // its own table: Dual-MCMC's settings in [model], [x], [z] and [train].
  const std::string oldPath = std::string(EBM_SOURCE_DIR) + "/tests/data/old-form-toy2d.toml";
  const std::string oldText = readText(oldPath);
  ASSERT_NE(oldText.find("\n[x]\n"), std::string::npos);
  const RunConfig old = RunConfig::fromToml(oldText, oldPath);
  const RunConfig now = RunConfig::fromPreset("toy2d");
  expectSameConfig(old, now);
  EXPECT_EQ(old.toToml(), now.toToml());
  EXPECT_EQ(dual(old).z.stepSize, 0.03);
  // Old and new places in one file: both are read (the preset has every key of the new form).
  EXPECT_EQ(dual(RunConfig::fromToml("[x]\nsteps = 3\n[dual_mcmc.z]\nsteps = 4\n")).x.steps, 3);
}

TEST(ConfigMethodTable, EveryPresetIsInTheNewFormAndRoundTrips) {
  for (const std::string& name : presetNames()) {
    SCOPED_TRACE(name);
    const std::string text = readText(findResource("presets/" + name + ".toml"));
    const RunConfig c = RunConfig::fromPreset(name);
    const std::string own = methodTableName(c.train.method);
    EXPECT_NE(text.find("[" + own + "."), std::string::npos);
    EXPECT_EQ(text.find("\n[x]"), std::string::npos);
    // Every key of every sub-table is written out, so the table is complete as read.
    const auto info = describeMethod(c);
    std::vector<std::string> tables;
    for (const auto& chain : info->chains)
      tables.push_back(chain.name);
    for (const auto& table : info->tables)
      tables.push_back(table.name);
    for (const std::string& table : tables) {
      ASSERT_TRUE(c.methodSettings.count(table)) << table;
      EXPECT_EQ(c.methodSettings.at(table), c.methodTable(table)) << table;
    }
    const RunConfig back = RunConfig::fromToml(c.toToml(), name + " again");
    expectSameConfig(c, back);
    EXPECT_EQ(back.toToml(), c.toToml());
  }
}

TEST(ConfigMethodTable, ToTomlWritesEveryKeyOfTheMethodsTables) {
  const std::string text = RunConfig().toToml();
  for (const char* header :
       {"[dual_mcmc.model]", "[dual_mcmc.train]", "[dual_mcmc.x]", "[dual_mcmc.z]"})
    EXPECT_NE(text.find(header), std::string::npos) << header << " not in\n" << text;
  for (const char* line : {"nz = 2\n", "two_chains = true\n", "mode = \"dual\"\n",
                           "prior_sigma = 1.0\n", "half_sse = false\n", "snapshot_every = 5\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  // The shared tables hold only what every method shares.
  const auto shared = text.substr(0, text.find("[dual_mcmc."));
  for (const char* moved : {"nz", "lr_e", "two_chains", "step_size", "[x]", "[z]"})
    EXPECT_EQ(shared.find(moved), std::string::npos) << moved;
}

TEST(ConfigMethodTable, ValuesAreCheckedAgainstTheSchemas) {
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.x]\nstep_size = -1\n"); },
                    {"dual_mcmc.x.step_size = -1: must be > 0"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.x]\nwarp = 2\n"); },
                    {"dual_mcmc.x.warp", "unknown"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.train]\nbeta2 = 1.0\n"); },
                    {"dual_mcmc.train.beta2 = 1", "< 1"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.train]\nlr_e = 0\n"); },
                    {"dual_mcmc.train.lr_e = 0", "> 0"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.train]\nmode = \"solo\"\n"); },
                    {"dual_mcmc.train.mode = \"solo\"", "dual | cooperative | short-run"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.model]\nnz = 5000\n"); },
                    {"dual_mcmc.model.nz = 5000", "<= 4096"});
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.model]\ngen_tanh = 1\n"); },
                    {"dual_mcmc.model.gen_tanh", "boolean"});
  // Between settings: a short-run EBM starts its chains from noise.
  expectConfigError([] { RunConfig::fromToml("[dual_mcmc.train]\nmode = \"short-run\"\n"); },
                    {"short-run", "dual_mcmc.x.init"});
  EXPECT_NO_THROW(RunConfig::fromToml(
      "[dual_mcmc.train]\nmode = \"short-run\"\n[dual_mcmc.x]\ninit = \"uniform\"\n"));
}

TEST(ConfigMethodTable, SwitchingTheMethodDropsTheOldTable) {
  RunConfig c = RunConfig::fromPreset("toy2d");
  ASSERT_FALSE(c.methodSettings.empty());
  c.setMethod("dual-mcmc");
  EXPECT_FALSE(c.methodSettings.empty());
  c.setMethod("another");
  EXPECT_TRUE(c.methodSettings.empty());
  EXPECT_EQ(c.train.method, "another");
}

TEST(ConfigMethodTable, ShippedCheckpointsOpenWithTheirOldConfigs) {
  for (const char* name : {"toy2d", "fmnist-small"}) {
    SCOPED_TRACE(name);
    const std::string path = findResource(std::string("checkpoints/") + name + ".safetensors");
    CheckpointInfo info;
    ASSERT_NO_THROW(info = readCheckpointInfo(path));
    EXPECT_EQ(info.method, "dual-mcmc");
    EXPECT_EQ(info.config.methodSettings.count("x"), 1u);
    EXPECT_NO_THROW(info.config.validate());
    const RunConfig back = RunConfig::fromToml(info.config.toToml());
    EXPECT_EQ(back.toToml(), info.config.toToml());
  }
  const RunConfig toy = readCheckpointInfo(findResource("checkpoints/toy2d.safetensors")).config;
  EXPECT_EQ(dual(toy).model.nz, 2);
  const RunConfig fm =
      readCheckpointInfo(findResource("checkpoints/fmnist-small.safetensors")).config;
  EXPECT_EQ(dual(fm).model.nz, 32);
  EXPECT_EQ(dual(fm).model.ebmWidth, 16);
}

TEST(ConfigMethodTable, ShippedTwoDModelsAreTheirPresetsTrained) {
  for (const std::string toy : {"rings", "moons", "swissroll", "checkerboard"}) {
    SCOPED_TRACE(toy);
    const std::string name = "toy2d-" + toy;
    const CheckpointInfo info = readCheckpointInfo(findResource("checkpoints/" + name +
                                                                ".safetensors"));
    EXPECT_EQ(info.config.data.kind, "toy2d");
    EXPECT_EQ(info.config.data.toy, toy);
    EXPECT_GT(info.iteration, 0);
    const RunConfig preset = RunConfig::fromPreset(name);
    EXPECT_EQ(preset.data.toy, toy);
    EXPECT_TRUE(info.config.methodSettings == preset.methodSettings);
  }
}

} // namespace
} // namespace ebm
