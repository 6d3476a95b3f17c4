// Data-parallel training across processes on PyTorch's own distributed engine, c10d: a process
// group (Gloo over TCP on the CPU; the rendezvous is c10d's TCPStore, hosted by rank 0) that
// averages gradients with bucketed all-reduces, copies rank 0's parameters to every rank and
// sums scalars. Ranks find each other through the torchrun environment contract (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), whoever set it. Every collective has a
// timeout: a rank that died or hangs ends the others' wait with an error naming the operation,
// never a hang. Worker thread only (the thread that trains).
#pragma once

#include "distributed.h"

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <vector>

namespace ebm {

using RankEnv = DistributedRank;

class DataParallel {
public:
  struct Options {
    std::chrono::milliseconds timeout{std::chrono::seconds(120)};  // rendezvous and collectives
    size_t bucketBytes = size_t(25) << 20;  // gradients are flattened into buckets this large
  };

  /// Joins the job: rank 0 hosts the store on MASTER_PORT, every rank connects to
  /// MASTER_ADDR:MASTER_PORT. Throws Error (naming the rank, address and cause) when the
  /// rendezvous fails or times out.
  DataParallel(const RankEnv& env, Options options);
  explicit DataParallel(const RankEnv& env) : DataParallel(env, Options{}) {}
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  int rank() const;
  int worldSize() const;

  /// Replaces every parameter's gradient by its mean over the ranks (summed in buckets of
  /// flattened gradients, then divided by the world size). A parameter without a gradient on
  /// this rank counts as a zero gradient, so every rank reduces the same buckets.
  void averageGradients(const std::vector<torch::Tensor>& params);
  /// Copies rank 0's values into the tensors of every rank (parameters, buffers).
  void broadcastFromRankZero(const std::vector<torch::Tensor>& tensors);
  /// The sum of `value` over the ranks.
  double sum(double value);
  /// Element-wise sums over the ranks (one collective for all of them).
  std::vector<double> sum(const std::vector<double>& values);
  void barrier();

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

} // namespace ebm
