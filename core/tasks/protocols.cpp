#include "protocols.h"

#include "methods/checkpoint.h"
#include "data/data_source.h"
#include "methods/capabilities.h"
#include "methods/method.h"
#include "models/models.h"
#include "errors.h"
#include "tasks/inpainting.h"
#include "tasks/interpolation.h"
#include "base/runtime.h"

#include <algorithm>

namespace ebm {
namespace {

OpenedModel openModel(const std::string& checkpoint, const std::string& device, int threads,
                      CheckpointInfo& info) {
  configureThreads(threads);
  auto opened = openCheckpoint(checkpoint, device);
  info = opened.info;
  return opened;
}

void accumulate(InpaintScores& sum, const InpaintScores& s, double w) {
  sum.psnrHole += w * s.psnrHole;
  sum.psnrAll += w * s.psnrAll;
  sum.ssimHole += w * s.ssimHole;
  sum.ssimAll += w * s.ssimAll;
  sum.mseHole += w * s.mseHole;
}

} // namespace

InpaintTable evaluateInpainting(const InpaintTableOptions& o) {
  if (o.images < 1 || o.batch < 1)
    throw Error("inpainting table: images and batch must be at least 1");
  CheckpointInfo info;
  auto model = openModel(o.checkpoint, o.device, o.threads, info);
  if (!model.method->latentModel())
    requireLevelSampler(*model.method, "the inpainting table");
  const auto shape = dataShape(info.config.model);
  if (shape.size() != 3)
    throw Error("inpainting needs an image model; " + o.checkpoint + " models " +
                std::to_string(shape.size()) + "-D data");
  auto cpu = makeGenerator(torch::kCPU, 0);
  const auto data = makeDataSource(info.config.data, info.config.model)->heldOut(o.images, cpu)
                        .contiguous();
  const int n = static_cast<int>(data.size(0));
  const int64_t per = shape[0] * shape[1] * shape[2];
  const int h = int(shape[1]), w = int(shape[2]), c = int(shape[0]);
  InpaintTable table;
  table.split = "test split, first " + std::to_string(n) + " images";
  const int shown = std::min(o.examples, n);
  std::vector<float> tiles;
  int tileRows = 0;
  size_t stages = 0; // the model's stage count, from its first result
  for (const auto& kind : o.kinds) {
    std::vector<InpaintScores> sums;
    double fraction = 0;
    std::vector<std::string> names;
    for (int start = 0; start < n; start += o.batch) {
      const int m = std::min(o.batch, n - start);
      std::vector<float> images(data.data_ptr<float>() + start * per,
                                data.data_ptr<float>() + (start + m) * per);
      std::vector<Mask> masks;
      for (int i = 0; i < m; ++i)
        masks.push_back(makeMask(kind, h, w, o.settings.seed * 1000003ULL + start + i));
      for (const auto& mk : masks)
        fraction += mk.missingFraction();
      const std::string progress = "inpainting stopped at " + kind + " masks after " +
                                   std::to_string(start) + " of " + std::to_string(n) + " images";
      InpaintResult r;
      try {
        r = inpaint(*model.method, info.config, images, shape, masks, o.settings, {}, o.stop);
      } catch (const Interrupted&) {
        throw Interrupted(progress);
      }
      throwIfStopped(o.stop, progress);
      stages = r.stages.size();
      sums.resize(stages);
      names.resize(stages);
      for (size_t s = 0; s < stages; ++s) {
        accumulate(sums[s], r.stages[s].scores, double(m) / n);
        names[s] = r.stages[s].name;
      }
      // Example rows from the first batch: input, every stage (chain 0), the original.
      for (int i = 0; start == 0 && i < shown && i < m; ++i) {
        auto add = [&](const float* p) { tiles.insert(tiles.end(), p, p + per); };
        add(r.masked.data() + i * per);
        for (size_t s = 0; s < stages; ++s)
          add(r.stages[s].images.data() + size_t(i) * r.chains * per);
        add(r.original.data() + i * per);
        ++tileRows;
      }
    }
    for (size_t s = 0; s < stages; ++s) {
      InpaintTableRow row;
      row.kind = kind;
      row.stage = static_cast<int>(s) + 1;
      row.stageName = names[s];
      row.missingFraction = fraction / n;
      row.scores = sums[s];
      table.rows.push_back(row);
    }
  }
  if (tileRows > 0)
    table.examples = imageGrid(tiles, tileRows, static_cast<int>(stages) + 2, c, h, w);
  return table;
}

InterpolationStrips interpolationStrips(const InterpolationStripOptions& o) {
  if (o.rows < 1 || o.rows > 64)
    throw Error("interpolation: rows must be 1..64");
  CheckpointInfo info;
  auto model = openModel(o.checkpoint, o.device, o.threads, info);
  if (!model.method->latentModel())
    requireLevelSampler(*model.method, "interpolation strips");
  const auto shape = dataShape(info.config.model);
  torch::Tensor data;
  if (o.ends == "data") {
    auto cpu = makeGenerator(torch::kCPU, 0);
    data = makeDataSource(info.config.data, info.config.model)->heldOut(2 * o.rows, cpu)
               .contiguous();
    if (data.size(0) < 2 * o.rows)
      throw Error("interpolation: the test split has fewer than " + std::to_string(2 * o.rows) +
                  " images");
  }
  InterpolationStrips out;
  std::vector<float> tiles;
  int gridRows = 0;
  int64_t per = 1;
  for (auto d : shape)
    per *= d;
  for (int row = 0; row < o.rows; ++row) {
    InterpolationSettings s;
    s.ends = o.ends;
    s.points = o.points;
    s.spherical = o.spherical;
    s.xSteps = o.xSteps;
    s.zSteps = o.zSteps;
    s.seed = o.seed + row;
    if (o.ends == "data") {
      const float* a = data.data_ptr<float>() + (2 * row) * per;
      s.imageA.assign(a, a + per);
      s.imageB.assign(a + per, a + 2 * per);
    }
    const std::string progress = "interpolation stopped after " + std::to_string(row) + " of " +
                                 std::to_string(o.rows) + " rows";
    InterpolationResult r;
    try {
      r = interpolate(*model.method, info.config, s, o.stop);
    } catch (const Interrupted&) {
      throw Interrupted(progress);
    }
    throwIfStopped(o.stop, progress);
    for (int i = 0; i < r.points; ++i)
      out.energyRows.push_back({double(row), r.lambdas[i], r.energyDecoded[i],
                                r.energyRevised.empty() ? 0.0 : r.energyRevised[i]});
    for (size_t i = 0; i < r.profileLambdas.size(); ++i)
      out.profileRows.push_back({double(row), r.profileLambdas[i], r.profileEnergy[i]});
    if (shape.size() == 3) {
      // Data ends frame the reconstruction row: image A, the path, image B.
      auto addRow = [&](const std::vector<float>& v) {
        if (!r.ends.empty())
          tiles.insert(tiles.end(), r.ends.begin(), r.ends.begin() + per);
        tiles.insert(tiles.end(), v.begin(), v.end());
        if (!r.ends.empty())
          tiles.insert(tiles.end(), r.ends.begin() + per, r.ends.end());
        ++gridRows;
      };
      addRow(r.decoded);
      if (!r.revised.empty())
        addRow(r.revised);
    }
  }
  if (shape.size() == 3 && gridRows > 0) {
    const int cols = o.points + (o.ends == "data" ? 2 : 0);
    out.grid = imageGrid(tiles, gridRows, cols, int(shape[0]), int(shape[1]), int(shape[2]));
  }
  return out;
}

} // namespace ebm
