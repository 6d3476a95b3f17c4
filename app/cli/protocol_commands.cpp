#include "protocol_commands.h"

#include "validators.h"

#include "image_io.h"
#include "protocols.h"
#include "session_cli.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace ebm::cli {

struct ProtocolCommands {
  CLI::App* inpaint = nullptr;
  CLI::App* interpolate = nullptr;
  InpaintTableOptions table;
  std::string inpaintOut = "runs/inpaint";
  InterpolationStripOptions strips;
  std::string interpOut = "runs/interpolate";
};

std::shared_ptr<ProtocolCommands> addProtocolCommands(CLI::App& app) {
  auto c = std::make_shared<ProtocolCommands>();
  c->inpaint = app.add_subcommand(
      "inpaint", "Inpainting table (A.3): N test images x mask kinds, PSNR/SSIM per stage. "
                 "Latent models: 1 inference + generator, 2 + masked z-Langevin, "
                 "3 + x-Langevin on the missing pixels. Level samplers (DRL, CDRL): the "
                 "replacement method, each level's chain holding the diffused observation "
                 "(CDRL: initializer proposals alone, then the full ladder)");
  auto* ip = c->inpaint;
  ip->add_option("--checkpoint", c->table.checkpoint,
                 "Checkpoint (.safetensors) of a model with a latent space or a level sampler")
      ->required();
  ip->add_option("--out", c->inpaintOut, "Output folder (inpaint.csv, examples.png)");
  ip->add_option("--images", c->table.images, "Test images (the first N of the test split)")
      ->check(wholeIn(1, 1e9));
  ip->add_option("--batch", c->table.batch, "Images per batch (BatchNorm batch statistics)")
      ->check(wholeIn(1, 100000));
  ip->add_option("--masks", c->table.kinds,
                 "Mask kinds: M20 M30 M40 (a centred block of 20/30/40 px of a 64-px image), "
                 "R20 R30 R40 (the paper's A.3: several 8-px-of-64 blocks at random positions "
                 "until 20/30/40 % of the pixels are missing), B20 B30 B40 (one block of the "
                 "M size at a random position), drop<p> (pixel drop p %); random masks are "
                 "drawn per image from the seed");
  ip->add_option("--z-steps", c->table.settings.zSteps, "Stage 2: masked z-Langevin steps")
      ->check(wholeIn(0, 100000));
  ip->add_option("--z-step-size", c->table.settings.zStepSize, "Stage 2: step size s_z")
      ->check(realIn(0, 100, true));
  ip->add_option("--z-noise", c->table.settings.zNoise, "Stage 2: noise n_z")->check(realIn(0, 100));
  ip->add_option("--x-steps", c->table.settings.xSteps, "Stage 3: x-Langevin steps")
      ->check(wholeIn(0, 100000));
  ip->add_option("--x-step-size", c->table.settings.xStepSize, "Stage 3: step size s_x")
      ->check(realIn(0, 100, true));
  ip->add_option("--x-noise", c->table.settings.xNoise, "Stage 3: noise n_x")->check(realIn(0, 100));
  ip->add_option("--chains", c->table.settings.chains, "Chains per image")->check(wholeIn(1, 4096));
  ip->add_option("--seed", c->table.settings.seed,
                 "Seed of the chains and of the random masks (R, B, drop)")
      ->check(wholeIn(0, 1.8e19));
  ip->add_flag("--bn-running-stats", c->table.settings.generatorEval,
               "Decode with the generator's BatchNorm running statistics (default: batch "
               "statistics, as in training)");
  ip->add_option("--examples", c->table.examples, "Example images per mask kind in examples.png")
      ->check(wholeIn(0, 64));
  ip->add_option("--device", c->table.device, "auto | cpu | cuda");
  ip->add_option("--threads", c->table.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());

  c->interpolate = app.add_subcommand(
      "interpolate", "Latent interpolation strips (Fig. 4) with the energy along each path");
  auto* it = c->interpolate;
  it->add_option("--checkpoint", c->strips.checkpoint,
                 "Checkpoint (.safetensors) of a model with a latent space")
      ->required();
  it->add_option("--out", c->interpOut,
                 "Output folder (interpolation.png, energy.csv, "
                 "profile.csv)");
  it->add_option("--ends", c->strips.ends,
                 "prior (two seeded draws per row: synthesis) | data "
                 "(test images 0-1, 2-3, ...: reconstruction)")
      ->check(CLI::IsMember({"prior", "data"}));
  it->add_option("--rows", c->strips.rows, "Paths (rows)")->check(wholeIn(1, 64));
  it->add_option("--points", c->strips.points, "Points per path, ends included")
      ->check(wholeIn(2, 1000));
  it->add_flag("--spherical", c->strips.spherical, "Spherical interpolation (slerp)");
  it->add_option("--z-steps", c->strips.zSteps,
                 "data ends: z-Langevin steps on the inferred means")
      ->check(wholeIn(0, 100000));
  it->add_option("--x-steps", c->strips.xSteps, "x-Langevin steps after decoding (adds a row)")
      ->check(wholeIn(0, 100000));
  it->add_option("--seed", c->strips.seed, "Seed of the first row")
      ->check(wholeIn(0, 1.8e19));
  it->add_option("--device", c->strips.device, "auto | cpu | cuda");
  it->add_option("--threads", c->strips.threads, "Intra-op threads (0 = all cores)")
      ->check(threadCount());
  return c;
}

int runProtocolCommands(const ProtocolCommands& c) {
  if (*c.inpaint) {
    auto options = c.table;
    options.stop = &g_interrupted;
    const auto t = evaluateInpainting(options);
    std::filesystem::create_directories(c.inpaintOut);
    const bool latentStages = std::any_of(t.rows.begin(), t.rows.end(), [](const auto& r) {
      return r.stageName.find("z-Langevin") != std::string::npos;
    });
    if (latentStages)
      std::printf("%s; %d chain(s), %d z-steps, %d x-steps\n", t.split.c_str(),
                  c.table.settings.chains, c.table.settings.zSteps, c.table.settings.xSteps);
    else
      std::printf("%s; %d chain(s), the checkpoint's sampler\n", t.split.c_str(),
                  c.table.settings.chains);
    std::printf("%-7s %-26s %8s %10s %9s %10s %9s\n", "mask", "stage", "missing", "PSNR hole",
                "PSNR all", "SSIM hole", "SSIM all");
    std::vector<std::vector<double>> csv;
    int kindIndex = -1;
    for (size_t i = 0; i < t.rows.size(); ++i) {
      const auto& r = t.rows[i];
      if (r.stage == 1)
        ++kindIndex;
      std::printf("%-7s %d %-24s %7.1f%% %10.2f %9.2f %10.4f %9.4f\n", r.kind.c_str(), r.stage,
                  r.stageName.c_str(), 100 * r.missingFraction, r.scores.psnrHole, r.scores.psnrAll,
                  r.scores.ssimHole, r.scores.ssimAll);
      csv.push_back({double(kindIndex), double(r.stage), r.missingFraction, r.scores.psnrHole,
                     r.scores.psnrAll, r.scores.ssimHole, r.scores.ssimAll, r.scores.mseHole});
    }
    std::string kinds;
    for (const auto& k : c.table.kinds)
      kinds += (kinds.empty() ? "" : ",") + k;
    writeCsv(c.inpaintOut + "/inpaint.csv",
             {"mask_index(" + kinds + ")", "stage", "missing_fraction", "psnr_hole_db",
              "psnr_all_db", "ssim_hole", "ssim_all", "mse_hole_pm1"},
             csv);
    if (t.examples.width > 0)
      writePng(c.inpaintOut + "/examples.png", t.examples);
    std::printf("wrote %s/inpaint.csv and examples.png (rows: per mask kind; columns: input, "
                "every stage in order, original)\n",
                c.inpaintOut.c_str());
    return 0;
  }
  if (*c.interpolate) {
    auto options = c.strips;
    options.stop = &g_interrupted;
    const auto s = interpolationStrips(options);
    std::filesystem::create_directories(c.interpOut);
    writeCsv(c.interpOut + "/energy.csv", {"row", "lambda", "energy_decoded", "energy_revised"},
             s.energyRows);
    writeCsv(c.interpOut + "/profile.csv", {"row", "lambda", "energy"}, s.profileRows);
    if (s.grid.width > 0)
      writePng(c.interpOut + "/interpolation.png", s.grid);
    std::printf("%-4s %7s %12s\n", "row", "lambda", "E(G(z))");
    for (const auto& r : s.energyRows)
      std::printf("%-4d %7.3f %12.5g\n", int(r[0]), r[1], r[2]);
    std::printf("wrote %s/interpolation.png, energy.csv, profile.csv\n", c.interpOut.c_str());
    return 0;
  }
  return -1;
}

} // namespace ebm::cli
