// A user's 2-D point file (data.kind = "points"): the CSV reader's forms and its exact messages,
// the data source built on it (test split, batches, labels, the load message), the config checks
// that keep a file from being ignored, and `ebm-lab-cli train` on a CSV end to end.
#include "point_file.h"

#include "cli/cli.h"
#include "config.h"
#include "data/data_source.h"
#include "errors.h"
#include "methods/checkpoint.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace ebm {
namespace {

namespace fs = std::filesystem;

/// The DataError `f` throws, or a failure when it throws none.
std::string pointError(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DataError thrown";
  return {};
}

std::string parseError(const std::string& text) {
  return pointError([&] { parsePointCsv(text, "p.csv"); });
}

std::string writePoints(const std::string& dir, const std::string& name,
                        const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

/// n points on a circle of radius 0.8 in file order, labelled i mod 3 when asked.
std::string circleCsv(int n, bool labels) {
  std::string text = labels ? "x,y,label\n" : "x,y\n";
  for (int i = 0; i < n; ++i) {
    const double t = 2 * 3.14159265358979 * i / n;
    text += std::to_string(0.8 * std::cos(t)) + "," + std::to_string(0.8 * std::sin(t));
    text += labels ? "," + std::to_string(i % 3) + "\n" : "\n";
  }
  return text;
}

DataConfig pointData(const std::string& path) {
  DataConfig d;
  d.kind = "points";
  d.path = path;
  return d;
}

TEST(PointFile, ReadsRowsWithHeaderCommentsBlankLinesAndLabels) {
  const PointFile f = parsePointCsv(
      "\xEF\xBB\xBF# my points\n x , y , label \n\n0.5,-0.25,1\r\n+1e-1, 2 ,0 # a comment\n"
      "-1.5,0,2.0\n",
      "p.csv");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f.xy, (std::vector<float>{0.5f, -0.25f, 0.1f, 2.0f, -1.5f, 0.0f}));
  EXPECT_EQ(f.labels, (std::vector<int64_t>{1, 0, 2}));
  EXPECT_EQ(f.classes, 3);
  EXPECT_DOUBLE_EQ(f.largestCoordinate, 2.0);
  // Without a header and without labels.
  const PointFile plain = parsePointCsv("1,2\n3,4", "p.csv");
  EXPECT_EQ(plain.xy, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_FALSE(plain.labelled());
  EXPECT_EQ(plain.classes, 0);
}

TEST(PointFile, RefusesBadRowsNamingFileAndLine) {
  EXPECT_EQ(parseError("x,y\n1,2\n1,2,3,4\n"),
            "p.csv:3: 4 values, expected 2 (x,y) or 3 (x,y,label) separated by commas");
  EXPECT_EQ(parseError("1 2\n"),
            "p.csv:1: 1 value, expected 2 (x,y) or 3 (x,y,label) separated by commas");
  EXPECT_EQ(parseError("x,y,label,weight\n1,2\n"),
            "p.csv:1: the header has 4 values, expected 2 (x,y) or 3 (x,y,label) separated by "
            "commas");
  EXPECT_EQ(parseError("x,y\n1,2\n0.5,abc\n"), "p.csv:3: y = \"abc\" is not a number");
  EXPECT_EQ(parseError("1,2\n,3\n"), "p.csv:2: x = \"\" is not a number");
  EXPECT_EQ(parseError("1,2\nnan,3\n"), "p.csv:2: x = \"nan\" is not finite");
  EXPECT_EQ(parseError("1,-inf\n"), "p.csv:1: y = \"-inf\" is not finite");
  EXPECT_EQ(parseError("1e39,0\n"), "p.csv:1: x = \"1e39\" is beyond the range of 32-bit floats");
  EXPECT_EQ(parseError("# labelled\n1,2,0\n\n1,2\n"),
            "p.csv:4: 2 values (x,y) but line 2 has 3 (x,y,label): every row needs a label or "
            "none does");
  EXPECT_EQ(parseError("x,y,label\n1,2\n"),
            "p.csv:2: 2 values (x,y) but line 1 has 3 (x,y,label): every row needs a label or "
            "none does");
  EXPECT_EQ(parseError("1,2,-1\n"),
            "p.csv:1: label = \"-1\" is negative: labels are class numbers 0, 1, 2, ...");
  EXPECT_EQ(parseError("1,2,1.5\n"),
            "p.csv:1: label = \"1.5\" is not an integer class number 0, 1, 2, ...");
  EXPECT_EQ(parseError("1,2,dog\n"),
            "p.csv:1: label = \"dog\" is not an integer class number 0, 1, 2, ...");
  EXPECT_EQ(parseError("1,2,1000\n"),
            "p.csv:1: label = \"1000\": at most 1000 classes (labels 0..999)");
  EXPECT_EQ(parseError(""), "p.csv holds no points: expected rows x,y or x,y,label");
  EXPECT_EQ(parseError("x,y\n# nothing else\n\n"),
            "p.csv holds no points: expected rows x,y or x,y,label");
}

TEST(PointFile, RefusesMissingFoldersAndUnreadableFiles) {
  const std::string dir = test::tempDir("points/files");
  EXPECT_EQ(pointError([&] { readPointFile(dir + "/none.csv"); }),
            "point file " + dir + "/none.csv does not exist");
  const std::string relative = pointError([] { readPointFile("no-such-points.csv"); });
  EXPECT_EQ(relative, "point file no-such-points.csv (relative to " +
                          fs::current_path().string() + ") does not exist");
  EXPECT_EQ(pointError([&] { readPointFile(dir); }),
            "point file " + dir + " is a folder: data.path must name a CSV file of x,y or "
            "x,y,label rows");
  const std::string bad = writePoints(dir, "bad.csv", "1,2\n3,x\n");
  EXPECT_EQ(pointError([&] { readPointFile(bad); }), bad + ":2: y = \"x\" is not a number");
  if (geteuid() != 0) {  // root reads files whatever their mode
    const std::string locked = writePoints(dir, "locked.csv", "1,2\n");
    fs::permissions(locked, fs::perms::none);
    EXPECT_NE(pointError([&] { readPointFile(locked); }).find("cannot read point file " + locked),
              std::string::npos);
  }
}

TEST(PointFile, WritesWhatItReadsBackExactly) {
  const std::string dir = test::tempDir("points/write");
  PointFile p;
  p.xy = {0.1f, -0.2f, 1.0f / 3.0f, 2.5e-7f, -1.25f, 0.75f};
  writePointFile(dir + "/plain.csv", p);
  const PointFile plain = readPointFile(dir + "/plain.csv");
  EXPECT_EQ(plain.xy, p.xy);  // bit for bit: every float is written with enough digits
  EXPECT_FALSE(plain.labelled());
  p.labels = {0, 2, 1};
  writePointFile(dir + "/labelled.csv", p);
  const PointFile labelled = readPointFile(dir + "/labelled.csv");
  EXPECT_EQ(labelled.xy, p.xy);
  EXPECT_EQ(labelled.labels, p.labels);
  EXPECT_EQ(labelled.classes, 3);
  p.labels = {0};
  EXPECT_EQ(pointError([&] { writePointFile(dir + "/wrong.csv", p); }),
            "point file " + dir + "/wrong.csv: 1 labels for 3 points");
  p.labels.clear();
  EXPECT_NE(pointError([&] { writePointFile(dir + "/no/such/folder/p.csv", p); })
                .find("cannot write point file"),
            std::string::npos);
}

TEST(PointFile, DataSourceHoldsOutAFixedRandomTenthAndServesShuffledEpochs) {
  const std::string dir = test::tempDir("points/source");
  // Rows alternate between two rings, as a file written class by class in turn would: every
  // 10th line would hold out one ring alone.
  std::string text;
  for (int i = 0; i < 100; ++i) {
    const double t = 2 * 3.14159265358979 * i / 100, r = i % 2 == 0 ? 0.3 : 0.8;
    text += std::to_string(r * std::cos(t)) + "," + std::to_string(r * std::sin(t)) + "\n";
  }
  const std::string path = writePoints(dir, "rings.csv", text);
  auto source = makeDataSource(pointData(path), ModelConfig{});
  EXPECT_EQ(source->size(), 90);
  EXPECT_EQ(source->describe(), "points:" + path + " (90 train / 10 held-out points)");
  EXPECT_EQ(dataLabelCount(pointData(path)), 0);
  auto gen = test::seeded(3);
  const auto test = source->heldOut(50, gen);
  ASSERT_EQ(test.sizes(), (std::vector<int64_t>{10, 2}));
  // The same split for every source of the file (training and each evaluation), in file order.
  auto other = test::seeded(99);
  EXPECT_TRUE(torch::equal(makeDataSource(pointData(path), ModelConfig{})->heldOut(10, other),
                           test));
  const auto radius = test.norm(2, 1);
  EXPECT_TRUE(((radius - 0.3).abs() < 1e-4).any().item<bool>()) << test;
  EXPECT_TRUE(((radius - 0.8).abs() < 1e-4).any().item<bool>()) << test;
  const auto angle = torch::atan2(test.select(1, 1), test.select(1, 0));
  const auto turn = torch::where(angle < 0, angle + 2 * 3.14159265358979, angle);
  EXPECT_TRUE((turn.slice(0, 1) > turn.slice(0, 0, 9)).all().item<bool>()) << turn;
  // One epoch of 3 batches of 30 serves every training point once, none held out.
  std::set<std::pair<float, float>> seen;
  for (int b = 0; b < 3; ++b) {
    const auto x = source->next(30, gen).contiguous();
    ASSERT_EQ(x.sizes(), (std::vector<int64_t>{30, 2}));
    for (int i = 0; i < 30; ++i)
      seen.insert({x[i][0].item<float>(), x[i][1].item<float>()});
  }
  EXPECT_EQ(seen.size(), 90u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(seen.count({test[i][0].item<float>(), test[i][1].item<float>()}), 0u);
  EXPECT_EQ(pointError([&] { source->next(91, gen); }),
            path + ": train.batch_size = 91 is more than its 90 training points (90 train / 10 "
                   "held-out points); use a smaller batch or more points");
  DataConfig limited = pointData(path);
  limited.limit = 20;
  limited.testFraction = 0.5;
  EXPECT_EQ(makeDataSource(limited, ModelConfig{})->size(), 20);
}

TEST(PointFile, LabelsTravelWithTheirPointsAndNameTheClasses) {
  const std::string dir = test::tempDir("points/labels");
  const std::string path = writePoints(dir, "labelled.csv", circleCsv(60, true));
  EXPECT_EQ(dataLabelCount(pointData(path)), 3);
  EXPECT_EQ(dataLabelNames(pointData(path)),
            (std::vector<std::string>{"class 0", "class 1", "class 2"}));
  auto source = makeDataSource(pointData(path), ModelConfig{});
  EXPECT_NE(source->describe().find("3 classes"), std::string::npos) << source->describe();
  auto gen = test::seeded(5);
  const auto batch = source->nextLabelled(20, gen);
  ASSERT_TRUE(batch.labels.defined());
  for (int i = 0; i < 20; ++i) {
    // Point k of the file lies at angle 2 pi k / 60 and has label k mod 3.
    double angle = std::atan2(batch.x[i][1].item<double>(), batch.x[i][0].item<double>());
    if (angle < 0)
      angle += 2 * 3.14159265358979;
    const int k = static_cast<int>(std::lround(angle / (2 * 3.14159265358979) * 60)) % 60;
    EXPECT_EQ(batch.labels[i].item<int64_t>(), k % 3) << "point " << k;
  }
  EXPECT_EQ(pointError([&] { dataLabelCount(pointData(dir + "/gone.csv")); }),
            "point file " + dir + "/gone.csv does not exist");
}

TEST(PointFile, TheLoadMessageWarnsAboutPointsFarOutsideTheSquare) {
  const std::string dir = test::tempDir("points/far");
  const std::string wide = writePoints(dir, "wide.csv", "0,0\n12.5,1\n1,1\n-3,0\n");
  EXPECT_EQ(makeDataSource(pointData(wide), ModelConfig{})->describe(),
            "points:" + wide + " (4 train / 0 held-out points); warning: coordinates reach "
            "12.5, beyond the [-1.5, 1.5] square the 2-D models and views are made for (they are "
            "used as given: scale the file to about [-1, 1])");
  auto gen = test::seeded(1);
  EXPECT_EQ(pointError([&] { makeDataSource(pointData(wide), ModelConfig{})->heldOut(4, gen); }),
            wide + " has no held-out points: 4 points are too few for data.test_fraction to "
                   "pick one");
  const std::string inside = writePoints(dir, "inside.csv", "1.5,-1.5\n0,0\n");
  EXPECT_EQ(makeDataSource(pointData(inside), ModelConfig{})->describe().find("warning"),
            std::string::npos);
}

TEST(PointFile, ConfigRefusesAPathThatToy2dWouldIgnore) {
  RunConfig c = RunConfig::fromPreset("toy2d");
  try {
    c.applyOverride("data.path=points.csv");
    ADD_FAILURE() << "toy2d accepted data.path";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "data.path = \"points.csv\" is not read by data.kind = \"toy2d\", "
                           "which draws data.toy = \"8gaussians\"; to train on a file of 2-D "
                           "points set data.kind = \"points\"");
  }
  c.applyOverride("data.kind=points");
  EXPECT_NO_THROW(c.applyOverride("data.path=points.csv"));
  EXPECT_THROW(c.applyOverride("data.flip=true"), ConfigError);
  EXPECT_THROW(c.applyOverride("model.family=conv"), ConfigError);
  EXPECT_THROW(c.applyOverride("model.data_dim=3"), ConfigError);
}

TEST(PointFile, ImageKindsRefuseAFileWhereTheirFolderBelongs) {
  const std::string dir = test::tempDir("points/idx_file");
  const std::string file = writePoints(dir, "train-images-idx3-ubyte", "not an idx file");
  RunConfig c = RunConfig::fromPreset("fmnist-small");
  c.data.path = file;
  EXPECT_EQ(pointError([&] { makeDataSource(c.data, c.model); }),
            "data.path must be the folder that holds the IDX files, not " + file +
                " (that file's folder is " + dir + ")");
}

int runPointsCli(std::vector<std::string> args) {
  args.insert(args.begin(), "ebm-lab-cli");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  return cli::run(static_cast<int>(argv.size()), argv.data());
}

TEST(PointFile, TheCliTrainsOnACsvAndEvaluatesAgainstItsHeldOutPoints) {
  const std::string dir = test::tempDir("points/cli");
  const std::string csv = writePoints(dir, "my.csv", circleCsv(400, false));
  ASSERT_EQ(runPointsCli({"train", "--preset", "toy2d", "--set", "data.kind=points", "--set",
                          "data.path=" + csv, "--set", "train.batch_size=64", "--set",
                          "dual_mcmc.x.steps=3", "--set", "dual_mcmc.z.steps=2", "--iterations",
                          "20", "--threads", "1", "--out", dir + "/run"}),
            0);
  const std::string ckpt = dir + "/run/checkpoint.safetensors";
  const CheckpointInfo info = readCheckpointInfo(ckpt);
  EXPECT_EQ(info.iteration, 20);
  EXPECT_EQ(info.config.data.kind, "points");
  EXPECT_EQ(info.config.data.path, csv);

  testing::internal::CaptureStdout();
  const int rc = runPointsCli({"eval-toy", "--checkpoint", ckpt, "--samples", "100",
                               "--x-steps", "3", "--out", dir + "/toy"});
  const std::string out = testing::internal::GetCapturedStdout();
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("against the 40 held-out points of " + csv), std::string::npos) << out;
  EXPECT_NE(out.find("no closed-form density"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir + "/toy/toy.csv"));

  testing::internal::CaptureStdout();
  ASSERT_EQ(runPointsCli({"sample", "--checkpoint", ckpt, "--steps", "3", "--chains", "8",
                          "--out", dir + "/sample"}),
            0);
  testing::internal::GetCapturedStdout();
  EXPECT_TRUE(fs::exists(dir + "/sample/trajectory.png"));

  // The same request with the toy preset alone is refused instead of training on 8 Gaussians.
  testing::internal::CaptureStderr();
  EXPECT_NE(runPointsCli({"train", "--preset", "toy2d", "--set", "data.path=" + csv,
                          "--iterations", "1", "--out", dir + "/refused"}),
            0);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("data.kind = \"points\""), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir + "/refused/checkpoint.safetensors"));
}

} // namespace
} // namespace ebm
