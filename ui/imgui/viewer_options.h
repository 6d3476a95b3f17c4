// ViewerOptions: what ebm-viewer's command line sets (app/viewer_main.cpp parses it). The names
// and defaults are ebm-lab's where both have the option. Plain data; GUI thread.
#pragma once

#include <string>

namespace ebm::viewer {

struct ViewerOptions {
  std::string checkpoint;      // open this checkpoint ("" = the shipped default)
  std::string preset;          // or a new model from this preset
  std::string device = "auto"; // auto, cpu or cuda
  std::string lesson;          // a lesson file to play (kept for the lesson player)
  std::string runDir;          // where checkpoints and autosaves go ("" = runs/viewer-<date>)
  int threads = 0;             // intra-op threads (0: all cores)
  long train = 0;              // > 0: train this many iterations once the model is loaded
  bool fullscreen = false;     // start full screen on the primary monitor
  double fontScale = 1.0;      // text and sizes (presenters: 1.5 - 2)
  std::string screenshot;      // write a PNG of the window after `after` seconds and quit
  double after = 8;            // seconds before the screenshot
  double benchSeconds = 0;     // > 0: measure frame intervals while training this long, quit
  std::string benchOut;        // also write the benchmark JSON here
  int width = 0, height = 0;   // the window's size (0: the screen's size)
};

} // namespace ebm::viewer
