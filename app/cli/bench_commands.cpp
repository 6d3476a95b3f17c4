#include "bench_commands.h"

#include "validators.h"

#include "bench.h"
#include "report.h"
#include "session_cli.h"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace ebm::cli {

struct BenchCommands {
  CLI::App* bench = nullptr;
  BenchOptions options;
  std::string out;
};

namespace {

// Time per training iteration over a k_x x k_z grid (the time rows of Tables 4 and 5).
int sweep(const BenchOptions& bench, const std::string& csvPath) {
  const auto r = runSweep(bench);
  std::printf("preset %s, mode %s, batch %d, %s, data %s, %s\n", r.preset.c_str(), r.mode.c_str(),
              r.batchSize, r.twoChains ? "two x-chains" : "one x-chain", r.data.c_str(),
              r.device.c_str());
  std::printf("%6s %6s %14s %10s\n", "k_x", "k_z", "ms/iteration", "it/s");
  std::vector<std::vector<double>> rows;
  for (const auto& row : r.rows) {
    std::printf("%6d %6d %14.1f %10.2f\n", row.kx, row.kz, row.msPerIteration,
                1000.0 / row.msPerIteration);
    rows.push_back({static_cast<double>(row.kx), static_cast<double>(row.kz), row.msPerIteration});
  }
  if (!csvPath.empty()) {
    writeCsv(csvPath, {"k_x", "k_z", "ms_per_iteration"}, rows);
    std::printf("wrote %s\n", csvPath.c_str());
  }
  return 0;
}

} // namespace

std::shared_ptr<BenchCommands> addBenchCommands(CLI::App& app) {
  auto c = std::make_shared<BenchCommands>();
  auto& o = c->options;
  auto* b = c->bench = app.add_subcommand(
      "bench", "Measure ms per x-step, z-step and training iteration for the presets (methods that sample from noise level by level: ms per iteration and per sample; prints "
               "JSON), or ms per training iteration over a k_x/k_z sweep (prints a table)");
  b->add_option("--preset", o.presets, "Presets to measure")->capture_default_str();
  b->add_option("--device", o.device, "auto | cpu | cuda")->capture_default_str();
  b->add_option("--threads", o.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());
  b->add_option("--chain-parts", o.chainParts,
                "Parts each Langevin step's chains split into, run side by side on the threads "
                "(0 = one per thread, 1 = whole batch)")
      ->check(wholeIn(0, 1024))
      ->capture_default_str();
  b->add_flag("--cuda-graphs", o.cudaGraphs,
              "On CUDA, capture each chain step once as a CUDA graph and replay it");
  b->add_option("--precision", o.precision, "tf32 | fp32 | bf16 (the arithmetic on CUDA; bf16 = the chains under bfloat16 autocast)")
      ->check(CLI::IsMember({"fp32", "tf32", "bf16"}))
      ->capture_default_str();
  b->add_option("--repeats", o.repeats, "Timed repetitions per step measurement")
      ->check(wholeIn(1, 1e9))
      ->capture_default_str();
  b->add_option("--iterations", o.iterations, "Timed training iterations")
      ->check(wholeIn(1, 1e9))
      ->capture_default_str();
  b->add_flag("--synthetic", o.synthetic, "Random images instead of Fashion-MNIST");
  b->add_option("--out,-o", c->out, "Also write the JSON (a sweep: a CSV) to this file");
  b->add_option("--sweep-kx", o.sweepKx,
                "Time a training iteration for these k_x, e.g. --sweep-kx 10,20,30,50 (the time "
                "rows of the paper's Table 5); prints a table instead of the JSON")
      ->delimiter(',');
  b->add_option("--sweep-kz", o.sweepKz,
                "... and these k_z, e.g. --sweep-kz 10,30 (Table 4); each missing list is the "
                "preset's value")
      ->delimiter(',');
  b->add_option("--sweep-preset", o.sweepPreset, "Preset of the sweep")->capture_default_str();
  return c;
}

int runBenchCommands(const BenchCommands& c) {
  if (!*c.bench)
    return -1;
  auto options = c.options;
  options.stop = &g_interrupted;
  if (!options.sweepKx.empty() || !options.sweepKz.empty())
    return sweep(options, c.out);
  const std::string json = runBenchmark(options);
  std::cout << json << "\n";
  if (!c.out.empty()) {
    std::ofstream f(c.out);
    f << json << "\n";
  }
  return 0;
}

} // namespace ebm::cli
