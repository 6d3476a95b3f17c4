#include "report.h"

#include "errors.h"
#include "data/data_source.h"
#include "data/toy2d.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace ebm {

void writeTraceCsv(const std::string& path, const Trace& t) {
  const bool isZ = t.decodes();
  std::vector<std::string> header{"step", "step_size", "noise"};
  const char* value = isZ ? "mse" : "energy";
  for (int c = 0; c < t.chains; ++c)
    header.push_back(std::string(value) + "_" + std::to_string(c));
  header.push_back(std::string(value) + "_mean");
  if (isZ) {
    for (int c = 0; c < t.chains; ++c)
      header.push_back("potential_" + std::to_string(c));
    header.push_back("potential_mean");
  }
  header.push_back("grad_norm_mean");
  header.push_back("drift_norm_mean");
  header.push_back("noise_norm_mean");
  std::vector<std::vector<double>> rows;
  for (size_t i = 0; i < t.steps.size(); ++i) {
    std::vector<double> row{static_cast<double>(t.steps[i]), t.stepSize[i], t.noise[i]};
    const auto& main = isZ ? t.mse[i] : t.energy[i];
    row.insert(row.end(), main.begin(), main.end());
    row.push_back(Trace::mean(main));
    if (isZ) {
      row.insert(row.end(), t.energy[i].begin(), t.energy[i].end());
      row.push_back(Trace::mean(t.energy[i]));
    }
    row.push_back(Trace::mean(t.gradNorm[i]));
    row.push_back(Trace::mean(t.driftNorm[i]));
    row.push_back(Trace::mean(t.noiseNorm[i]));
    rows.push_back(std::move(row));
  }
  writeCsv(path, header, rows);
}

void writeLossCsv(const std::string& path, const LossHistory& losses, int every) {
  std::vector<std::string> header{"iteration"};
  header.insert(header.end(), losses.names.begin(), losses.names.end());
  std::vector<std::vector<double>> rows;
  every = std::max(1, every);
  for (size_t i = 0; i < losses.rows.size(); ++i) {
    if (losses.iterations[i] % every != 0 && i + 1 != losses.rows.size())
      continue;
    std::vector<double> row{static_cast<double>(losses.iterations[i])};
    row.insert(row.end(), losses.rows[i].begin(), losses.rows[i].end());
    rows.push_back(std::move(row));
  }
  writeCsv(path, header, rows);
}

Image renderImageTrajectory(const Trace& t, int maxRows) {
  const bool isZ = t.decodes();
  const auto& shape = isZ ? t.decodedShape : t.stateShape;
  if (shape.size() != 3)
    throw Error("image trajectory needs image-shaped chains (C, H, W)");
  if (t.snapshots.empty())
    throw Error("the trace has no snapshots to draw");
  const int c = static_cast<int>(shape[0]), h = static_cast<int>(shape[1]),
            w = static_cast<int>(shape[2]);
  const int per = c * h * w;
  const int rows = std::min(t.chains, maxRows);
  const int cols = static_cast<int>(t.snapshots.size()) + (isZ ? 1 : 0);
  std::vector<float> tiles;
  tiles.reserve(static_cast<size_t>(rows) * cols * per);
  for (int r = 0; r < rows; ++r) {
    if (isZ)
      tiles.insert(tiles.end(), t.target.begin() + r * per, t.target.begin() + (r + 1) * per);
    for (const auto& s : t.snapshots) {
      const auto& src = isZ ? s.decoded : s.state;
      if (src.size() < static_cast<size_t>((r + 1) * per))
        tiles.insert(tiles.end(), per, -1.f);
      else
        tiles.insert(tiles.end(), src.begin() + r * per, src.begin() + (r + 1) * per);
    }
  }
  return imageGrid(tiles, rows, cols, c, h, w, 2, 255);
}

Image renderLevelLadder(const Trace& t, int maxRows) {
  const auto& shape = t.stateShape;
  if (shape.size() != 3 || t.levels.size() != t.steps.size() || t.levels.empty())
    throw Error("a level ladder needs image-shaped chains with a level per recorded step");
  if (t.snapshots.empty())
    throw Error("the trace has no snapshots to draw");
  // The last snapshot at each level, in the order the chain visited the levels.
  std::map<int, int> levelOfStep;
  for (size_t i = 0; i < t.steps.size(); ++i)
    levelOfStep[t.steps[i]] = t.levels[i];
  std::vector<int> order;            // levels as first visited
  std::map<int, const TraceSnapshot*> last;
  for (const auto& s : t.snapshots) {
    const auto it = levelOfStep.find(s.step);
    if (it == levelOfStep.end())
      continue;
    if (!last.count(it->second))
      order.push_back(it->second);
    last[it->second] = &s;
  }
  const int c = static_cast<int>(shape[0]), h = static_cast<int>(shape[1]),
            w = static_cast<int>(shape[2]);
  const int per = c * h * w;
  const int rows = std::min(t.chains, maxRows);
  const int cols = static_cast<int>(order.size());
  std::vector<float> tiles;
  tiles.reserve(static_cast<size_t>(rows) * cols * per);
  for (int r = 0; r < rows; ++r)
    for (int level : order) {
      const auto& src = last[level]->state;
      if (src.size() < static_cast<size_t>((r + 1) * per))
        tiles.insert(tiles.end(), per, -1.f);
      else
        tiles.insert(tiles.end(), src.begin() + r * per, src.begin() + (r + 1) * per);
    }
  return imageGrid(tiles, rows, cols, c, h, w, 2, 255);
}

Image render2dChains(const Trace* trace, const Landscape* landscape,
                     const std::vector<float>& points, int size, int maxChains) {
  Plot2d plot;
  plot.size = size;
  if (landscape) {
    plot.lo = landscape->lo;
    plot.hi = landscape->hi;
  }
  plot.begin(250, 250, 250);
  if (landscape && !landscape->energy.empty()) {
    // Show the model density exp(-E) relative to its peak (energies are only known up to a
    // constant), on a log-ish scale that keeps low-density structure visible.
    std::vector<float> field(landscape->energy.size());
    const float eMin = *std::min_element(landscape->energy.begin(), landscape->energy.end());
    for (size_t i = 0; i < field.size(); ++i)
      field[i] = -std::min(30.f, landscape->energy[i] - eMin);
    plot.heatmap(field, landscape->res);
  }
  for (size_t i = 0; i + 1 < points.size(); i += 2)
    plot.point(points[i], points[i + 1], 1, 255, 255, 255, 0.5f);
  if (trace && !trace->snapshots.empty() && trace->stateShape.size() == 1 &&
      trace->stateShape[0] == 2) {
    const int chains = std::min(trace->chains, maxChains);
    const auto& snaps = trace->snapshots;
    for (int ch = 0; ch < chains; ++ch) {
      for (size_t s = 1; s < snaps.size(); ++s) {
        const float a = 0.25f + 0.75f * static_cast<float>(s) / snaps.size();  // fading tail
        plot.line(snaps[s - 1].state[2 * ch], snaps[s - 1].state[2 * ch + 1],
                  snaps[s].state[2 * ch], snaps[s].state[2 * ch + 1], 255, 140, 0, a);
      }
      plot.point(snaps.front().state[2 * ch], snaps.front().state[2 * ch + 1], 3, 255, 255,
                 255, 0.9f);
      plot.point(snaps.back().state[2 * ch], snaps.back().state[2 * ch + 1], 3, 220, 30, 30);
    }
  }
  return plot.canvas;
}

std::vector<float> dataPoints(const DataConfig& data, int n, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  torch::Tensor p;
  if (data.kind == "toy2d") {
    p = sampleToy2d(data.toy, n, gen);
  } else if (data.kind == "points") {
    auto source = makeDataSource(data, ModelConfig{});
    p = source->next(static_cast<int>(std::min<int64_t>(n, source->size())), gen);
  } else {
    return {};
  }
  p = p.contiguous();
  return std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
}

} // namespace ebm
