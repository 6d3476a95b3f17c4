#include "evaluation_commands.h"

#include "validators.h"

#include "checkpoint_info.h"
#include "classifier_training.h"
#include "errors.h"
#include "evaluate.h"
#include "session_cli.h"
#include "sample_quality.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using ebm::cli::realIn;
using ebm::cli::threadCount;
using ebm::cli::wholeIn;

struct EvaluationCommands {
  CLI::App* recon = nullptr;
  CLI::App* ood = nullptr;
  CLI::App* fd = nullptr;
  CLI::App* toy = nullptr;
  CLI::App* classifier = nullptr;

  ebm::ReconstructionOptions rec;
  std::string recOut = "runs/eval-recon";
  ebm::OodOptions oodOpts;
  std::string oodOut = "runs/eval-ood";
  ebm::FdOptions fdOpts;
  bool fdPaperProtocol = false;
  std::string fdOut = "runs/eval-fd";
  ebm::SampleOptions toyOpts;
  std::string toyOut = "runs/eval-toy";
  ebm::ClassifierTrainOptions cls;
  bool noPad32 = false;
};

namespace {

std::string fmt(double v, const char* format = "%.6g") {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// A CSV of text cells (values quoted when they hold a comma or a quote).
void writeTable(const std::string& path, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path);
  if (!out)
    throw ebm::Error("cannot write " + path);
  auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos)
      return s;
    std::string q = "\"";
    for (char c : s)
      q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i)
      out << (i ? "," : "") << cell(cells[i]);
    out << "\n";
  };
  line(header);
  for (const auto& r : rows)
    line(r);
  if (!out)
    throw ebm::Error("cannot write " + path);
  std::printf("wrote %s\n", path.c_str());
}

void addSplitOption(CLI::App* cmd, std::string& split, const char* what) {
  cmd->add_option("--split", split, what)
      ->check(CLI::IsMember({"test", "train"}))
      ->capture_default_str();
}

void addSamplingOptions(CLI::App* cmd, ebm::SampleOptions& s) {
  cmd->add_option("--checkpoint", s.checkpoint, "Checkpoint (.safetensors)")
      ->required();
  cmd->add_option("--samples", s.samples, "Generated samples (and reference points)")
      ->check(wholeIn(2, 1e9))
      ->capture_default_str();
  cmd->add_option("--batch", s.batch, "Samples per generator batch (BatchNorm statistics)")
      ->check(wholeIn(2, 100000))
      ->capture_default_str();
  cmd->add_option("--x-steps", s.xSteps, "k_x of the revision (default: the checkpoint's)")
      ->check(wholeIn(0, 100000));
  cmd->add_option("--x-step-size", s.xStepSize, "s_x of the revision (default: the checkpoint's)")
      ->check(realIn(0, 100, true));
  cmd->add_option("--x-noise", s.xNoise, "n_x of the revision (default: the checkpoint's)")
      ->check(realIn(0, 100));
  cmd->add_option("--steps-per-level", s.stepsPerLevel,
                  "Models that sample level by level: K' steps per level, the step scaled by "
                  "sqrt(K/K') (--x-steps K' changes the steps alone)")
      ->check(wholeIn(1, 100000));
  cmd->add_option("--labels", s.labels,
                  "Class-conditional models: the class of every sample; several compose "
                  "(default: sample i gets class i mod K)")
      ->delimiter(',');
  cmd->add_option("--weights", s.weights, "Weights of the composed labels, one per label")
      ->delimiter(',');
  cmd->add_option("--guidance", s.guidance, "Class-conditional models: guidance weight w")
      ->check(CLI::Range(0.0, 50.0));
  cmd->add_option("--seed", s.seed, "Seed of latents and chains")
      ->check(wholeIn(0, 1.8e19))->capture_default_str();
  cmd->add_option("--device", s.device, "auto | cpu | cuda")->capture_default_str();
  cmd->add_option("--threads", s.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());
}

int runRecon(EvaluationCommands& c) {
  c.rec.stop = &ebm::cli::g_interrupted;
  const auto rows = ebm::evaluateReconstruction(c.rec);
  const int used = rows.empty() ? 0 : rows.front().images;
  if (used < c.rec.images)
    std::printf("asked for %d images; the %s split has %d: all of them were used\n", c.rec.images,
                c.rec.split.c_str(), used);
  std::printf("reconstruction on the %s split, first %d images (each counted once); G with "
              "BatchNorm %s statistics\n",
              c.rec.split.c_str(), rows.empty() ? 0 : rows.front().images,
              c.rec.generatorEval ? "running" : "batch");
  std::printf("%-16s %6s %10s %10s %8s %7s\n", "init", "steps", "MSE[-1,1]", "MSE[0,1]", "PSNR",
              "SSIM");
  std::vector<std::vector<std::string>> csv;
  for (const auto& r : rows) {
    std::printf("%-16s %6d %10.5f %10.5f %8.2f %7.4f\n", r.init.c_str(), r.steps, r.mse, r.mse01,
                r.psnr, r.ssim);
    csv.push_back({c.rec.split, r.init, std::to_string(r.steps), fmt(r.mse, "%.8g"),
                   fmt(r.mse01, "%.8g"), fmt(r.psnr), fmt(r.ssim)});
  }
  writeTable(c.recOut + "/recon.csv",
             {"split", "init", "steps", "mse_pm1", "mse_01", "psnr_db", "ssim"}, csv);
  return 0;
}

int runOod(EvaluationCommands& c) {
  c.oodOpts.stop = &ebm::cli::g_interrupted;
  const auto rows = ebm::evaluateOod(c.oodOpts);
  const int used = rows.empty() ? 0 : rows.front().imagesIn;
  if (used < c.oodOpts.images)
    std::printf("asked for %d images; the %s split has %d: all of them were used\n",
                c.oodOpts.images, c.oodOpts.split.c_str(), used);
  std::printf("in-distribution: the %s split, %d images; score -E(x)\n", c.oodOpts.split.c_str(),
              used);
  std::printf("%-24s %8s %12s %12s  %s\n", "set", "AUROC", "mean E(in)", "mean E(out)", "note");
  std::vector<std::vector<std::string>> csv;
  for (const auto& r : rows) {
    // A data set given by path shows its file or folder name; the CSV keeps the whole path.
    const std::string label =
        r.set.rfind("path:", 0) == 0
            ? "path:" + std::filesystem::path(r.set.substr(5)).filename().string()
            : r.set;
    std::printf("%-24s %8.4f %12.4g %12.4g  %s\n", label.c_str(), r.auroc, r.meanEnergyIn,
                r.meanEnergyOut, r.note.c_str());
    csv.push_back({c.oodOpts.split, r.set, fmt(r.auroc), fmt(r.meanEnergyIn),
                   fmt(r.meanEnergyOut), r.note});
  }
  writeTable(c.oodOut + "/ood.csv",
             {"split", "set", "auroc", "mean_energy_in", "mean_energy_out", "note"}, csv);
  return 0;
}

int runFd(EvaluationCommands& c) {
  if (c.fdPaperProtocol) {
    // The protocol's values, except where an option was given on the command line.
    ebm::FdOptions paper = c.fdOpts;
    ebm::applyPaperProtocol(paper);
    auto given = [&](const char* name) { return c.fd->get_option(name)->count() > 0; };
    ebm::SampleOptions& s = c.fdOpts.sampling;
    if (!given("--samples"))
      s.samples = paper.sampling.samples;
    if (!given("--batch"))
      s.batch = paper.sampling.batch;
    if (!given("--x-steps"))
      s.xSteps = paper.sampling.xSteps;
    if (!given("--x-step-size"))
      s.xStepSize = paper.sampling.xStepSize;
    if (!given("--x-noise"))
      s.xNoise = paper.sampling.xNoise;
    if (!given("--split"))
      c.fdOpts.split = paper.split;
    if (!given("--inception-range"))
      c.fdOpts.inceptionRange = paper.inceptionRange;
  }
  // Said before the (long) sampling, one line per difference, whether or not it was asked for.
  const auto info = ebm::readCheckpointInfo(c.fdOpts.sampling.checkpoint);
  ebm::SettingValues xChain;
  try {
    xChain = info.config.methodTable("x");
  } catch (const ebm::ConfigError&) {
    // The protocol is that of an x-chain sampler; a model that samples otherwise is measured
    // with its own sampler and the protocol's sample count and split.
    std::printf("this model has no x-chain: the paper protocol's sampler settings do not apply; "
                "it samples with its own chain\n");
  }
  const auto differences =
      xChain.numbers.empty() ? std::vector<std::string>{}
                             : ebm::paperProtocolDifferences(c.fdOpts, ebm::toXConfig(xChain));
  if (differences.empty() && !xChain.numbers.empty())
    std::printf("the paper's FID protocol (METHODS §1.7): 50000 samples, training-split "
                "statistics, k_x 70, s_x 0.4, n_x 0.001, Inception on (x+1)/2 in [0,1]\n");
  for (const auto& d : differences)
    std::printf("differs from the paper protocol: %s\n", d.c_str());
  std::fflush(stdout);
  c.fdOpts.sampling.stop = &ebm::cli::g_interrupted;
  const auto r = ebm::evaluateFd(c.fdOpts);
  std::printf("Fréchet distances of %lld samples to the %s split (%lld images); %s\n",
              static_cast<long long>(r.samples), r.split.c_str(),
              static_cast<long long>(r.referenceImages), r.sampler.c_str());
  if (!r.classifierName.empty())
    std::printf("%s: Fréchet distance on the penultimate features of the in-project classifier "
                "(test accuracy %.4f); not comparable to FID values in papers\n",
                r.classifierName.c_str(), r.classifierTestAccuracy);
  std::printf("%-24s %-12s %12s\n", "distance", "samples", "value");
  std::vector<std::vector<std::string>> csv;
  for (const auto& row : r.rows) {
    const std::string name = row.features == "classifier" ? r.classifierName : "FID (Inception)";
    const std::string what = row.samples == "generator"     ? "x0 = G(z)"
                             : row.samples == "revised"     ? "x~ (revised)"
                             : row.samples == "sampler"     ? "sampler"
                             : row.samples == "initializer" ? "initializer"
                             : row.samples == "no-steps"    ? "no steps"
                                                            : "real (" + row.samples + ")";
    std::printf("%-24s %-12s %12.4f\n", name.c_str(), what.c_str(), row.fd);
    csv.push_back({r.split, name, row.samples, fmt(row.fd), std::to_string(r.samples),
                   std::to_string(r.xSteps)});
  }
  writeTable(c.fdOut + "/fd.csv", {"split", "distance", "samples", "value", "n", "x_steps"}, csv);
  return 0;
}

int runToy(EvaluationCommands& c) {
  c.toyOpts.stop = &ebm::cli::g_interrupted;
  const auto r = ebm::evaluateToy(c.toyOpts);
  std::printf("%s: %d samples against %s; %s\n", r.toy.c_str(), c.toyOpts.samples,
              r.reference.c_str(), r.sampler.c_str());
  std::printf("%-12s %12s %14s %10s\n", "samples", "MMD^2", "mean log p", "p = 0");
  std::vector<std::vector<std::string>> csv;
  for (const auto& row : r.rows) {
    std::printf("%-12s %12.6f %14.4f %10.4f\n", row.samples.c_str(), row.mmd, row.meanLogDensity,
                row.fractionOutside);
    csv.push_back({r.toy, row.samples, fmt(row.mmd), fmt(row.meanLogDensity),
                   fmt(row.fractionOutside)});
  }
  writeTable(c.toyOut + "/toy.csv",
             {"toy", "samples", "mmd2", "mean_log_density", "fraction_zero_density"}, csv);
  return 0;
}

int runClassifier(EvaluationCommands& c) {
  c.cls.pad32 = !c.noPad32;
  c.cls.onProgress = [](int epoch, int b, int batches, double loss) {
    std::fprintf(stderr, "\repoch %d  batch %d/%d  cross-entropy %.4f   ", epoch + 1, b + 1,
                 batches, loss);
    std::fflush(stderr);
  };
  c.cls.stop = &ebm::cli::g_interrupted;
  const auto r = ebm::trainClassifier(c.cls);
  std::fprintf(stderr, "\n");
  std::printf("classifier: %lld training images, %d epochs in %.0f s; last-epoch loss %.4f\n",
              static_cast<long long>(r.trainImages), c.cls.epochs, r.seconds, r.trainLoss);
  std::printf("test accuracy %.4f on %lld test images\n", r.testAccuracy,
              static_cast<long long>(r.testImages));
  std::printf("wrote %s\n", c.cls.out.c_str());
  return 0;
}

void addReconCommand(CLI::App& app, EvaluationCommands& c) {
  c.recon = app.add_subcommand(
      "eval-recon", "Reconstruction error (the paper's Table 3 and Fig. 3): per-pixel MSE in the "
                    "[-1,1] and [0,1] scales, PSNR and SSIM against the number of z-Langevin "
                    "steps, for inference-started and noise-started chains on the same images "
                    "with the same noise");
  auto* r = c.recon;
  r->add_option("--checkpoint", c.rec.checkpoint, "Checkpoint (.safetensors)")->required();
  addSplitOption(r, c.rec.split, "Data split to reconstruct");
  r->add_option("--images", c.rec.images, "Images of the split (first N)")
      ->check(wholeIn(2, 1e9))
      ->capture_default_str();
  r->add_option("--batch", c.rec.batch, "Chains per batch")
      ->check(wholeIn(2, 100000))
      ->capture_default_str();
  r->add_option("--steps", c.rec.steps, "z-step counts, e.g. --steps 0 10 30")
      ->check(wholeIn(0, 100000))
      ->capture_default_str();
  r->add_option("--init", c.rec.inits, "Chain starts: inference-mean, inference, gaussian, uniform")
      ->capture_default_str();
  r->add_option("--seed", c.rec.seed, "Seed (same noise for every row)")
      ->check(wholeIn(0, 1.8e19))->capture_default_str();
  r->add_flag("--bn-running-stats", c.rec.generatorEval,
              "Run the z-chains and decode with the generator's BatchNorm running statistics "
              "(default: batch statistics, as the reference)");
  r->add_option("--device", c.rec.device, "auto | cpu | cuda")->capture_default_str();
  r->add_option("--threads", c.rec.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());
  r->add_option("--out,-o", c.recOut, "Output folder (recon.csv)")->capture_default_str();
}

void addOodCommand(CLI::App& app, EvaluationCommands& c) {
  c.ood = app.add_subcommand(
      "eval-ood", "Out-of-distribution detection: AUROC of the energy score -E(x), a data split "
                  "against noise, transformed images and optionally another data set");
  auto* o = c.ood;
  o->add_option("--checkpoint", c.oodOpts.checkpoint, "Checkpoint (.safetensors)")->required();
  addSplitOption(o, c.oodOpts.split, "In-distribution split");
  o->add_option("--images", c.oodOpts.images, "In-distribution images (and as many OOD ones)")
      ->check(wholeIn(2, 1e9))
      ->capture_default_str();
  o->add_option("--set", c.oodOpts.sets, "OOD sets: uniform, vflip, hflip, invert")
      ->capture_default_str();
  o->add_option("--ood-path", c.oodOpts.oodPath,
                "Another data set as an extra OOD set: an IDX image file (e.g. MNIST "
                "t10k-images-idx3-ubyte.gz), an MNIST-layout folder, a binary CIFAR-10 folder, "
                "a binary CIFAR-100 folder (cifar-100-binary, its test.bin) or record file "
                "(.bin), or a folder of PNG/JPEG/BMP images (its test/ folder if it has train/ "
                "and test/; centre-cropped and resized); padded/resized and grey<->colour "
                "converted to the model's shape");
  o->add_option("--seed", c.oodOpts.seed, "Seed of the noise set")
      ->check(wholeIn(0, 1.8e19))->capture_default_str();
  o->add_option("--device", c.oodOpts.device, "auto | cpu | cuda")->capture_default_str();
  o->add_option("--threads", c.oodOpts.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());
  o->add_option("--out,-o", c.oodOut, "Output folder (ood.csv)")->capture_default_str();
}

void addFdCommand(CLI::App& app, EvaluationCommands& c) {
  c.fd = app.add_subcommand(
      "eval-fd", "Sample quality as Fréchet distances of generator samples x0 and revised "
                 "samples x~ to a data split: on features of the in-project classifier "
                 "(FMNIST-FD for Fashion-MNIST; not FID) and/or, given a TorchScript InceptionV3, "
                 "FID. Also prints the distance of real images of the other split (the floor)");
  auto* f = c.fd;
  addSamplingOptions(f, c.fdOpts.sampling);
  f->add_option("--classifier", c.fdOpts.classifier,
                "Classifier file written by train-classifier (.safetensors)");
  f->add_option("--inception", c.fdOpts.inception,
                "TorchScript InceptionV3 (.pt) mapping (B,3,299,299) images to pool3 (B,2048) "
                "features; images are resized bilinearly, grey replicated to 3 channels");
  f->add_option("--inception-range", c.fdOpts.inceptionRange,
                "Pixel range the Inception module expects: 01 ([0,1], pytorch-fid), pm1 "
                "([-1,1]) or 255")
      ->check(CLI::IsMember({"01", "pm1", "255"}))
      ->capture_default_str();
  addSplitOption(f, c.fdOpts.split, "Reference split");
  f->add_flag("--paper-protocol", c.fdPaperProtocol,
              "The reference's FID protocol (METHODS §1.7): 50000 samples in batches of 100, "
              "training-split statistics, test-time sampler k_x 70, s_x 0.4, n_x 0.001, "
              "Inception input (x+1)/2 clamped to [0,1]; options given explicitly override it. "
              "Every difference from the protocol is printed, one line each");
  f->add_option("--out,-o", c.fdOut, "Output folder (fd.csv)")->capture_default_str();
}

void addToyCommand(CLI::App& app, EvaluationCommands& c) {
  c.toy = app.add_subcommand(
      "eval-toy", "Sample quality on 2-D data: squared MMD (RBF kernels at several "
                  "bandwidths) to fresh true samples and the mean true log-density, for "
                  "generator samples x0 and revised samples x~; a model of a point file "
                  "(data.kind = points) is compared with the file's held-out points");
  c.toyOpts.samples = 2000;
  c.toyOpts.batch = 500;
  addSamplingOptions(c.toy, c.toyOpts);
  c.toy->add_option("--out,-o", c.toyOut, "Output folder (toy.csv)")->capture_default_str();
}

void addClassifierCommand(CLI::App& app, EvaluationCommands& c) {
  c.classifier = app.add_subcommand(
      "train-classifier", "Train the small conv classifier whose features define the classifier "
                          "Fréchet distance of eval-fd (train split; prints test accuracy)");
  auto* k = c.classifier;
  c.cls.out = "runs/fmnist-classifier.safetensors";
  k->add_option("--out,-o", c.cls.out, "Classifier file to write (.safetensors)")
      ->capture_default_str();
  k->add_option("--data-kind", c.cls.dataKind, "fashion-mnist | idx | cifar10")
      ->check(CLI::IsMember({"fashion-mnist", "idx", "cifar10"}))
      ->capture_default_str();
  k->add_option("--data-path", c.cls.dataPath, "Data folder")->capture_default_str();
  k->add_flag("--no-pad32", c.noPad32,
              "Keep 28x28 images (default: pad to 32x32 like the fmnist presets)");
  k->add_option("--epochs", c.cls.epochs, "Passes over the train split")
      ->check(wholeIn(1, 100000))
      ->capture_default_str();
  k->add_option("--batch", c.cls.batch, "Mini-batch size")
      ->check(wholeIn(2, 100000))
      ->capture_default_str();
  k->add_option("--lr", c.cls.lr, "Adam learning rate (halved every epoch)")
      ->check(realIn(0, 1, true))
      ->capture_default_str();
  k->add_option("--width", c.cls.width, "Channels of the first conv block")
      ->check(wholeIn(1, 4096))
      ->capture_default_str();
  k->add_option("--features", c.cls.features, "Feature dimension (penultimate layer)")
      ->check(wholeIn(1, 65536))
      ->capture_default_str();
  k->add_option("--limit", c.cls.limit, "Use at most N training images (0 = all)")
      ->check(wholeIn(0, 1e9));
  k->add_option("--seed", c.cls.seed, "Seed")
      ->check(wholeIn(0, 1.8e19))->capture_default_str();
  k->add_option("--threads", c.cls.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());
}

} // namespace

std::shared_ptr<EvaluationCommands> addEvaluationCommands(CLI::App& app) {
  auto c = std::make_shared<EvaluationCommands>();
  addReconCommand(app, *c);
  addOodCommand(app, *c);
  addFdCommand(app, *c);
  addToyCommand(app, *c);
  addClassifierCommand(app, *c);
  return c;
}

int runEvaluationCommands(EvaluationCommands& c) {
  if (*c.recon)
    return runRecon(c);
  if (*c.ood)
    return runOod(c);
  if (*c.fd)
    return runFd(c);
  if (*c.toy)
    return runToy(c);
  if (*c.classifier)
    return runClassifier(c);
  return -1;
}
