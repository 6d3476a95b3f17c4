// FrameBench: `ebm-viewer --bench SECONDS` measures the viewer as `ebm-lab --bench` measures the
// Qt app: once the model is ready it trains, and for SECONDS it records the frame interval (the
// loop's: one poll of the session each, drawn when anything changed) and the interval between
// frames actually drawn, the time spent on each new snapshot, the delay from a live
// setting change (every 3 s) to the first Langevin step that used it, the GUI thread's CPU
// share and resident memory; then it prints JSON (and writes it to --bench-out) and asks the
// window to close. GUI thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ebm::viewer {

class ViewerSession;

class FrameBench {
public:
  FrameBench(double seconds, std::string outPath) : m_seconds(seconds), m_out(std::move(outPath)) {}
  /// Once per frame; returns true when the run is over (the JSON is written).
  bool frame(ViewerSession& session);
  /// A frame was drawn (frames are drawn only when something may have changed).
  void drawn();
  /// Exit status: 1 when the session failed or the JSON could not be written.
  int status() const { return m_status; }

private:
  void start(ViewerSession& s);
  void probeSettings(ViewerSession& s);
  void finish(ViewerSession& s);

  double m_seconds;
  std::string m_out;
  bool m_started = false;
  int m_status = 0;
  std::chrono::steady_clock::time_point m_t0, m_lastProbe;
  double m_cpuAtStart = 0;
  uint64_t m_pendingVersion = 0;
  bool m_toggle = false;
  std::vector<double> m_setToUse;  // seconds
  double m_stepsPerSecond = 0;
  int m_samples = 0;
  std::vector<double> m_drawIntervals;  // ms between drawn frames
  std::chrono::steady_clock::time_point m_lastDrawn{};
};

} // namespace ebm::viewer
