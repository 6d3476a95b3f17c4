#include "sampling/step_graph.h"

#include <torch/torch.h>

#ifdef EBM_CUDA_GRAPHS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

#include <atomic>
#include <optional>

namespace ebm {
namespace {
std::atomic<int64_t> g_captures{0}, g_failures{0}, g_replays{0};
} // namespace

StepGraphCounts stepGraphCounts() {
  return {g_captures.load(), g_failures.load(), g_replays.load()};
}

#ifdef EBM_CUDA_GRAPHS

bool cudaGraphsAvailable() { return torch::cuda::is_available(); }

struct GraphStream::Impl {
  std::optional<c10::cuda::CUDAStreamGuard> guard;
};

GraphStream::GraphStream() : m(std::make_unique<Impl>()) {
  torch::cuda::synchronize();  // the caller's stream is done with the start state
  m->guard.emplace(c10::cuda::getStreamFromPool());
}

GraphStream::~GraphStream() {
  // The caller's stream may read the final state at once.
  try {
    m->guard->current_stream().synchronize();
  } catch (const std::exception&) {
    // a device error here surfaces again at the caller's next operation
  }
  m->guard.reset();
}

struct StepGraph::Impl {
  at::cuda::CUDAGraph graph;
  decltype(at::cuda::graph_pool_handle()) pool{0, 0};  // the capture's own memory pool
  bool captured = false;
};

namespace {
// After a capture that failed inside the step, LibTorch 2's capture_end stops at the stream's
// error before it ends the allocator's capture into the pool; end and release the pool here so
// that later allocations, emptyCache and out-of-memory recovery work. (LibTorch 1.13 ends the
// allocator's part before the stream's.)
void endFailedPool(const decltype(at::cuda::graph_pool_handle())& pool) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
  const auto device = c10::cuda::current_device();
  try {
    c10::cuda::CUDACachingAllocator::endAllocateToPool(device, pool);
  } catch (const std::exception&) {
  }
  try {
    c10::cuda::CUDACachingAllocator::releasePool(device, pool);
  } catch (const std::exception&) {
  }
#else
  (void)pool;
#endif
}
} // namespace

StepGraph::StepGraph() : m(std::make_unique<Impl>()) {}

StepGraph::~StepGraph() = default;

bool StepGraph::capture(const std::function<void()>& step, std::string& why) {
  // A capture cannot give cached memory back to the device, and the cache holds much of it:
  // the pools of the graphs of earlier chains (every chain captures its own) and workspaces
  // cuDNN tried. Without this, captures ran out of memory on an H200 within a minute of
  // training (133 GiB cached, 6 GiB in use). Handed back now, before the capture.
  bool ending = false;
  try {
    c10::cuda::CUDACachingAllocator::emptyCache();
    m->pool = at::cuda::graph_pool_handle();
    m->graph.capture_begin(m->pool);
    step();
    ending = true;
    m->graph.capture_end();
  } catch (const std::exception& e) {
    why = e.what();
    why = why.substr(0, why.find('\n'));
    if (!ending) {
      try {
        m->graph.capture_end();  // ends the stream's capture (and, in 1.13, the pool's)
      } catch (const std::exception&) {
      }
    }
    endFailedPool(m->pool);
    (void)cudaGetLastError();  // the capture's error must not surface at a later launch
    ++g_failures;
    return false;
  }
  m->captured = true;
  ++g_captures;
  return true;
}

void StepGraph::replay() {
  TORCH_CHECK(m->captured, "StepGraph::replay: nothing was captured");
  m->graph.replay();
  ++g_replays;
}

#else

bool cudaGraphsAvailable() { return false; }

struct GraphStream::Impl {};
GraphStream::GraphStream() = default;
GraphStream::~GraphStream() = default;

struct StepGraph::Impl {};
StepGraph::StepGraph() = default;
StepGraph::~StepGraph() = default;

bool StepGraph::capture(const std::function<void()>&, std::string& why) {
  why = "this build has no CUDA graphs";
  return false;
}

void StepGraph::replay() {
  TORCH_CHECK(false, "StepGraph::replay: this build has no CUDA graphs");
}

#endif

} // namespace ebm
