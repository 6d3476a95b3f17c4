#include "chain_outputs.h"

#include "errors.h"
#include "image_io.h"
#include "report.h"

#include <fstream>

namespace ebm::cli {

std::vector<std::string> writeChainOutputs(const SessionSnapshot& snap, const Trace& trace,
                                           const std::string& dir, const std::string& stem) {
  return writeChainOutputs(snap, trace, dir, stem + ".csv", stem + ".png");
}

std::vector<std::string> writeChainOutputs(const SessionSnapshot& snap, const Trace& trace,
                                           const std::string& dir, const std::string& csvName,
                                           const std::string& pngName) {
  std::vector<std::string> written;
  writeTraceCsv(dir + "/" + csvName, trace);
  written.push_back(csvName);
  const auto& shape = trace.decodes() ? trace.decodedShape : trace.stateShape;
  if (!trace.decodes() && shape == std::vector<int64_t>{2}) {
    const auto points = dataPoints(snap.config.data, 2000, 3);
    if (trace.levels.empty() || trace.snapshots.empty()) {
      writePng(dir + "/" + pngName, render2dChains(&trace, snap.landscape.get(), points));
      written.push_back(pngName);
    } else {
      // A ladder's paths cross every level's scale and make a tangle: draw where the chains
      // ended, every chain, over the lowest level's energy and the data.
      Trace last = trace;
      last.snapshots = {trace.snapshots.back()};
      writePng(dir + "/samples.png",
               render2dChains(&last, snap.landscape.get(), points, 512, trace.chains));
      written.push_back("samples.png");
    }
    if (!trace.snapshots.empty()) {
      // The chains' last recorded states, one point per line, for analysis elsewhere.
      const auto& state = trace.snapshots.back().state;
      std::ofstream out(dir + "/samples.csv");
      out << "x,y\n";
      for (size_t i = 0; i + 1 < state.size(); i += 2)
        out << state[i] << ',' << state[i + 1] << '\n';
      if (!out)
        throw Error("could not write " + dir + "/samples.csv");
      written.push_back("samples.csv");
    }
  } else if (shape.size() == 3) {
    writePng(dir + "/" + pngName, renderImageTrajectory(trace));
    written.push_back(pngName);
    if (!trace.levels.empty()) {
      writePng(dir + "/levels.png", renderLevelLadder(trace));
      written.push_back("levels.png");
    }
  }
  return written;
}

} // namespace ebm::cli
