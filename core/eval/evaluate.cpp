#include "evaluate.h"
#include "eval/eval_data.h"

#include "methods/checkpoint.h"
#include "data/cifar10.h"
#include "data/data_source.h"
#include "methods/capabilities.h"
#include "errors.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "sampling/langevin.h"
#include "methods/method.h"
#include "eval/metrics.h"
#include "models/models.h"
#include "base/runtime.h"

#include <filesystem>
#include <limits>

namespace ebm {
namespace {

namespace fs = std::filesystem;

bool hasFile(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  return fs::exists(dir / name, ec) || fs::exists(dir / (name + ".gz"), ec);
}

bool isCifar100File(const fs::path& path) { return path.extension() == ".bin"; }

/// The images of a folder of PNG/JPEG/BMP files (its test/ folder when it has train/ and test/,
/// else every image), centre-cropped, resized to the model's side and decoded with the model's
/// channels (grey replicated to colour, colour to grey by luma).
torch::Tensor readImageFolder(const std::string& path, const std::vector<int64_t>& shape,
                              int limit) {
  ImageFolderOptions fo;
  fo.channels = static_cast<int>(shape[0]);
  fo.side = static_cast<int>(shape[1]);
  fo.convertChannels = true;
  ImageFolder folder(path, fo);
  std::vector<torch::Tensor> parts;
  int64_t left = limit > 0 ? limit : std::numeric_limits<int64_t>::max();
  const auto splits = folder.subfolderSplit()
                          ? std::vector<FolderSplit>{FolderSplit::Test}
                          : std::vector<FolderSplit>{FolderSplit::Train, FolderSplit::Test};
  for (const FolderSplit split : splits) {
    const int64_t n = std::min(left, folder.size(split));
    if (n > 0)
      parts.push_back(
          folder.load(split, torch::arange(n, torch::TensorOptions().dtype(torch::kLong))));
    left -= n;
  }
  return torch::cat(parts, 0);
}

/// Raw images of an external set in [-1, 1], (N, C, H, W), before matching; `note` tells what
/// kind of set it was read as. Image folders come out already in the model's `shape`.
torch::Tensor readForeign(const std::string& path, const std::vector<int64_t>& shape, int limit,
                          std::string& note) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    if (isCifar100File(path)) {
      note = "CIFAR-100";
      return loadCifar100(path, "test", limit).images;
    }
    const IdxArray a = readIdx(path);
    if (a.dims.size() != 3)
      throw DataError(path + ": an IDX image file must be (N, H, W) unsigned bytes; this one has " +
                      std::to_string(a.dims.size()) + " dimensions");
    const int64_t n = limit > 0 ? std::min<int64_t>(limit, a.dims[0]) : a.dims[0];
    const int64_t h = a.dims[1], w = a.dims[2];
    auto bytes = torch::from_blob(const_cast<uint8_t*>(a.data.data()), {n, 1, h, w}, torch::kUInt8);
    return bytes.to(torch::kFloat) / 127.5 - 1.0;  // copies out of the IdxArray
  }
  if (!fs::is_directory(path, ec))
    throw DataError("OOD data set " + path + " does not exist");
  const fs::path dir(path);
  if (hasFile(dir, "test_batch.bin") || fs::is_directory(dir / "cifar-10-batches-bin", ec))
    return loadCifar10(path, "test", limit).images;
  if (fs::exists(dir / "test.bin", ec) || fs::exists(dir / "train.bin", ec) ||
      fs::is_directory(dir / "cifar-100-binary", ec)) {
    note = "CIFAR-100 test split";
    return loadCifar100(path, "test", limit).images;
  }
  if (hasFile(dir, "t10k-images-idx3-ubyte"))
    return loadMnistFolder(path, "test", false, limit).images;
  try {
    auto x = readImageFolder(path, shape, limit);
    note = "image folder, centre-cropped, resized to " + std::to_string(shape[1]) + "x" +
           std::to_string(shape[1]) + " and decoded as " + (shape[0] == 1 ? "grey" : "colour");
    return x;
  } catch (const DataError& e) {
    throw DataError("OOD data set " + path + ": not an IDX image file, a CIFAR-100 record file "
                    "(.bin), an MNIST-layout folder (t10k-images-idx3-ubyte[.gz]), a binary "
                    "CIFAR-10 folder (test_batch.bin), a binary CIFAR-100 folder (test.bin) or "
                    "a folder of PNG/JPEG/BMP images (" + e.what() + ")");
  }
}

} // namespace

torch::Tensor loadForeignImages(const std::string& path, const std::vector<int64_t>& shape,
                                int limit, std::string* note) {
  if (shape.size() != 3)
    throw DataError("OOD data set " + path + ": the model does not take images");
  std::string kind, how;
  auto x = readForeign(path, shape, limit, kind);
  const int64_t c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t tc = shape[0], side = shape[1];
  const std::string given = std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w);
  const std::string wanted =
      std::to_string(tc) + "x" + std::to_string(shape[1]) + "x" + std::to_string(shape[2]);
  if (c != tc) {
    if (c == 1 && tc == 3) {
      x = x.expand({x.size(0), 3, h, w}).contiguous();
      how += "grey->colour ";
    } else if (c == 3 && tc == 1) {
      x = (0.299 * x.select(1, 0) + 0.587 * x.select(1, 1) + 0.114 * x.select(1, 2)).unsqueeze(1);
      how += "colour->grey ";
    } else {
      throw DataError(path + ": images are " + given + ", the model takes " + wanted +
                      ": cannot match " + std::to_string(c) + " channels to " +
                      std::to_string(tc));
    }
  }
  if (h != w || shape[1] != shape[2])
    throw DataError(path + ": images are " + given + ", the model takes " + wanted +
                    ": only square images can be matched");
  if (h < side) {
    const int64_t before = (side - h) / 2, after = side - h - before;
    x = torch::constant_pad_nd(x, {before, after, before, after}, -1.0);
    how += std::to_string(h) + "->" + std::to_string(side) + " padded with -1";
  } else if (h > side) {
    namespace F = torch::nn::functional;
    x = F::interpolate(x, F::InterpolateFuncOptions()
                              .size(std::vector<int64_t>{side, side})
                              .mode(torch::kBilinear)
                              .align_corners(false));
    how += std::to_string(h) + "->" + std::to_string(side) + " bilinear";
  }
  while (!how.empty() && how.back() == ' ')
    how.pop_back();
  if (note)
    *note = kind.empty() ? (how.empty() ? "as is" : how)
                         : (how.empty() ? kind : kind + ": " + how);
  return x.contiguous();
}

torch::Tensor evaluationData(const RunConfig& config, const std::string& split, int n,
                             torch::Generator& gen) {
  if (split != "test" && split != "train")
    throw Error("split '" + split + "': expected test or train");
  DataConfig d = config.data;
  d.flip = false;  // evaluations see the images as they are, in either split
  // Only the first n images are needed; image sets then load no more than that.
  if (d.kind != "toy2d")
    d.limit = d.limit > 0 ? std::min(d.limit, n) : n;
  auto source = makeDataSource(d, config.model);
  if (split == "test")
    return source->heldOut(n, gen);
  const int64_t m = source->size() > 0 ? std::min<int64_t>(n, source->size()) : n;
  return source->next(static_cast<int>(m), gen);
}

std::vector<ReconstructionRow> evaluateReconstruction(const ReconstructionOptions& o) {
  if (o.images < 2 || o.batch < 2)
    throw Error("reconstruction: images and batch must be at least 2");
  configureThreads(o.threads);
  const auto device = resolveDevice(o.device);
  const auto opened = openCheckpoint(o.checkpoint, o.device);
  const CheckpointInfo& info = opened.info;
  TrainingMethod& model = *opened.method;
  requireLatent(model, "reconstruction");
  auto cpu = makeGenerator(torch::kCPU, o.seed);
  const auto data = evaluationData(info.config, o.split, o.images, cpu);
  const int64_t n = data.size(0);
  if (n < 2)
    throw DataError("reconstruction: the " + o.split + " split has " + std::to_string(n) +
                    " image(s); at least 2 are needed (BatchNorm batch statistics)");
  // Batches of o.batch images; a lone last image (BatchNorm in training mode needs two) joins
  // the batch before it, so every image is evaluated exactly once.
  std::vector<std::pair<int64_t, int64_t>> batches;  // (start, size)
  for (int64_t start = 0; start < n; start += o.batch)
    batches.emplace_back(start, std::min<int64_t>(o.batch, n - start));
  if (batches.size() > 1 && batches.back().second == 1) {
    batches.pop_back();
    ++batches.back().second;
  }
  struct GeneratorMode {
    Generator& g;
    ~GeneratorMode() { g.train(); }  // the model's normal state
  } mode{requireLatent(model, "reconstruction").decoder()};
  if (o.generatorEval)
    mode.g.eval();

  std::vector<ReconstructionRow> rows;
  for (const auto& init : o.inits) {
    for (int k : o.steps) {
      if (k < 0)
        throw Error("reconstruction: negative step count " + std::to_string(k));
      double sse = 0, psnrSum = 0, ssimSum = 0;
      int64_t counted = 0;
      auto gen = makeGenerator(device, o.seed);  // same noise for every row
      for (const auto& [start, size] : batches) {
        const auto x = data.narrow(0, start, size);
        counted += size;
        FixedChainSettings settings(model, info.config);
        settings.set("z", "steps", k);
        auto ctx = settings.context(device, gen, o.stop);
        RevisionRequest req;
        req.chain = "z";
        req.init = init;
        req.batch = x;
        const auto recon = model.revise(req, ctx).to(torch::kCPU);
        throwIfStopped(o.stop, "reconstruction stopped at row " + init + " k=" +
                                   std::to_string(k) + " after " + std::to_string(counted - size) +
                                   " of " + std::to_string(n) + " images (" +
                                   std::to_string(rows.size()) + " rows finished)");
        sse += (recon - x).pow(2).sum().item<double>();
        psnrSum += psnr(recon, x, 2.0).sum().item<double>();
        if (x.dim() == 4)
          ssimSum += ssim((recon + 1) / 2, (x + 1) / 2, 1.0).sum().item<double>();
      }
      ReconstructionRow r;
      r.init = init;
      r.steps = k;
      const double values = static_cast<double>(data.numel() / n * counted);
      r.images = static_cast<int>(counted);
      r.mse = sse / values;
      r.mse01 = r.mse / 4.0;
      r.psnr = psnrSum / static_cast<double>(counted);
      r.ssim = data.dim() == 4 ? ssimSum / static_cast<double>(counted) : std::nan("");
      rows.push_back(r);
    }
  }
  return rows;
}

std::vector<OodRow> evaluateOod(const OodOptions& o) {
  if (o.images < 2)
    throw Error("ood: images must be at least 2");
  configureThreads(o.threads);
  const auto device = resolveDevice(o.device);
  const auto opened = openCheckpoint(o.checkpoint, o.device);
  const CheckpointInfo& info = opened.info;
  auto& energy = requireEnergy(*opened.method, "OOD detection by energy");
  auto cpu = makeGenerator(torch::kCPU, o.seed);
  const auto data = evaluationData(info.config, o.split, o.images, cpu);
  if (data.dim() != 4)
    throw Error("ood: needs an image model (got data of shape " +
                std::to_string(data.dim()) + "-D)");
  auto energies = [&](const torch::Tensor& x) {
    std::vector<double> out;
    for (int64_t s = 0; s < x.size(0); s += 256) {
      throwIfStopped(o.stop, "OOD detection stopped after " + std::to_string(s) + " of " +
                                 std::to_string(x.size(0)) + " energies of a set");
      const auto e = energy.energy(x.narrow(0, s, std::min<int64_t>(256, x.size(0) - s)))
                         .to(torch::kDouble)
                         .contiguous();
      out.insert(out.end(), e.data_ptr<double>(), e.data_ptr<double>() + e.numel());
    }
    return out;
  };
  auto negate = [](std::vector<double> v) {
    for (auto& x : v)
      x = -x;
    return v;
  };
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v)
      s += x;
    return s / static_cast<double>(v.size());
  };
  const auto eIn = energies(data);
  std::vector<OodRow> rows;
  std::vector<std::string> sets = o.sets;
  if (!o.oodPath.empty())
    sets.push_back("path:" + o.oodPath);
  for (const auto& set : sets) {
    torch::Tensor x;
    std::string note;
    if (set.rfind("path:", 0) == 0)
      x = loadForeignImages(set.substr(5), dataShape(info.config.model), o.images, &note);
    else if (set == "uniform")
      x = torch::rand(data.sizes(), cpu) * 2.0 - 1.0;
    else if (set == "vflip")
      x = data.flip({2});
    else if (set == "hflip")
      x = data.flip({3});
    else if (set == "invert")
      x = -data;
    else
      throw Error("ood: unknown set '" + set + "' (uniform, vflip, hflip, invert)");
    const auto eOut = energies(x);
    OodRow r;
    r.set = set;
    r.note = note;
    r.imagesIn = static_cast<int>(eIn.size());
    r.auroc = auroc(negate(eIn), negate(eOut));
    r.meanEnergyIn = mean(eIn);
    r.meanEnergyOut = mean(eOut);
    rows.push_back(r);
  }
  return rows;
}

} // namespace ebm
