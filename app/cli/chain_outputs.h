// Files a chain's trace turns into: its CSV (energy per step, or MSE for chains that decode) and
// a picture (2-D chains over the energy landscape, image chains as a trajectory strip). Main
// thread of the CLI only.
#pragma once

#include "session.h"

#include <string>
#include <vector>

namespace ebm::cli {

/// Writes `<dir>/<stem>.csv` and, when the chain's states can be drawn, `<dir>/<stem>.png`;
/// returns the names of the files written.
std::vector<std::string> writeChainOutputs(const SessionSnapshot& snap, const Trace& trace,
                                           const std::string& dir, const std::string& stem);
/// The same with separate names for the CSV and the picture.
std::vector<std::string> writeChainOutputs(const SessionSnapshot& snap, const Trace& trace,
                                           const std::string& dir, const std::string& csvName,
                                           const std::string& pngName);

} // namespace ebm::cli
