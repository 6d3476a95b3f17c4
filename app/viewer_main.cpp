// ebm-viewer: the lean front end (Dear ImGui + GLFW) for servers and lecture halls. Composes
// ui/imgui over the core's session; with no arguments it opens the shipped fmnist-small model,
// like ebm-lab, and starts revising.
#include "blas_kernels.h"
#include "viewer_app.h"

#include <CLI/CLI.hpp>

#include <cstdlib>

int main(int argc, char** argv) {
  ebm::useFastBlasKernels(argv);
  ebm::releaseSignalsHeldForRestart();  // no handlers of its own
  ebm::viewer::ViewerOptions o;
  CLI::App app{"EBM Lab viewer: one window that watches an energy-based model's Langevin chains "
               "revise samples live, driven from the keyboard (F1 lists the keys). Without "
               "options it opens the shipped fmnist-small model."};
  app.add_option("--checkpoint", o.checkpoint, "Open this checkpoint (.safetensors)");
  app.add_option("--preset", o.preset, "Start a new model from this preset (e.g. toy2d)");
  app.add_option("--device", o.device, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Intra-op threads (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--train", o.train, "Start training this many iterations once the model is loaded")
      ->check(CLI::PositiveNumber);
  app.add_option("--lesson", o.lesson,
                 "A lesson file (.toml) to play: Space / Right next step, Left back, Esc ends "
                 "(L lists the shipped ones); with --screenshot a step waiting for a key goes on "
                 "after 4 s")
      ->check(CLI::ExistingFile);
  app.add_option("--run-dir", o.runDir,
                 "Where checkpoints and autosaves are written (default runs/viewer-<date>)");
  app.add_flag("--fullscreen", o.fullscreen, "Start full screen (F11 toggles)");
  app.add_option("--font-scale", o.fontScale, "Text and sizes, e.g. 1.6 on a projector")
      ->check(CLI::Range(0.5, 4.0))
      ->capture_default_str();
  int width = 0;
  app.add_option("--size", width, "Window width in pixels, 16:9 (default: the screen's size)")
      ->check(CLI::Range(640, 7680));
  app.add_option("--screenshot", o.screenshot, "Save a PNG of the window after --after seconds "
                                               "and quit");
  app.add_option("--after", o.after, "Seconds before --screenshot")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--bench", o.benchSeconds,
                 "Train for this many seconds measuring frame intervals, print JSON and quit")
      ->check(CLI::PositiveNumber);
  app.add_option("--bench-out", o.benchOut, "Also write the benchmark JSON here");
  CLI11_PARSE(app, argc, argv);
  o.width = width;
  o.height = width * 9 / 16;
  // OpenBLAS threads would fight LibTorch's own for the cores.
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  ebm::viewer::ViewerApp viewer(o);
  return viewer.run();
}
