// A process's place in a data-parallel training job, as the torchrun environment contract states
// it (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), whoever set it: torchrun, SLURM or
// mpirun through a wrapper, a shell loop, or `ebm-lab-cli train --nproc-per-node N`. Plain C++.
#pragma once

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

namespace ebm {

struct DistributedRank {
  int rank = 0;
  int worldSize = 1;
  int localRank = 0;
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
};

/// The contract from the environment, or nothing when RANK and WORLD_SIZE are both unset (a
/// single process). Throws ConfigError naming the variable when one is malformed (not a number,
/// RANK outside [0, WORLD_SIZE), a port outside 1..65535) or when only part of it is set.
/// `getenv` is a parameter for the tests.
std::optional<DistributedRank> distributedRankFromEnvironment(
    const std::function<const char*(const char*)>& getenv = [](const char* k) {
      return std::getenv(k);
    });

/// Whether this build of LibTorch carries c10d's Gloo process group (data-parallel training).
bool dataParallelAvailable();

} // namespace ebm
