// One Langevin step of a CUDA chain captured as a CUDA graph and replayed, so that a step costs
// one launch instead of one per operation. Built with a CUDA LibTorch (EBM_CUDA_GRAPHS);
// elsewhere available() is false and a GraphStream does nothing. Worker thread only; no Qt/GL.
//
// A captured step reads and writes the tensors it was captured with, at their addresses: the
// state and noise buffers must outlive the graph and be updated in place. The step may not
// synchronise with the host (no .item()): LibTorch then fails the capture, which capture()
// reports as false after ending the stream's capture and the allocator's pool. LibTorch's
// default CUDA generator may stay in capture mode after such a failure, so callers capture only
// steps that declare they never wait for the host, and stop capturing after a failure.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace ebm {

/// Whether this build can capture CUDA graphs.
bool cudaGraphsAvailable();

/// What this process has done with step graphs so far (tests and diagnostics).
struct StepGraphCounts {
  int64_t captures = 0;  // successful captures
  int64_t failures = 0;  // captures that failed
  int64_t replays = 0;
};
StepGraphCounts stepGraphCounts();

/// While alive, the current CUDA stream is a side stream (a graph cannot be captured on the
/// default one), joined to the caller's stream where it starts and ends: everything a chain does
/// between runs there in order, its eager steps too (their library workspaces are then set up
/// outside the capture).
class GraphStream {
public:
  GraphStream();
  ~GraphStream();
  GraphStream(const GraphStream&) = delete;
  GraphStream& operator=(const GraphStream&) = delete;

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

class StepGraph {
public:
  StepGraph();
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;

  /// Records `step` into the graph without running it (inside a GraphStream). False, with the
  /// reason in `why`, when the capture failed; nothing ran then and the graph stays empty.
  bool capture(const std::function<void()>& step, std::string& why);
  /// Runs the captured step once on the current stream.
  void replay();

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

} // namespace ebm
