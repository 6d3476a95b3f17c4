#include "distributed/data_parallel.h"

#include "errors.h"

#include <cerrno>
#include <cstdlib>
#include <exception>

#if defined(USE_C10D_GLOO)
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace ebm {
namespace {

// An integer environment value in [lo, hi], or a ConfigError naming the variable.
int envInt(const char* name, const char* text, long lo, long hi) {
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi)
    throw ConfigError(std::string(name) + "=" + text + ": must be a whole number in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(v);
}

} // namespace

std::optional<DistributedRank> distributedRankFromEnvironment(
    const std::function<const char*(const char*)>& getenv) {
  const char* rank = getenv("RANK");
  const char* world = getenv("WORLD_SIZE");
  if (!rank && !world)
    return std::nullopt;
  if (!rank || !world)
    throw ConfigError(std::string(rank ? "WORLD_SIZE" : "RANK") +
                      " is not set although " + (rank ? "RANK" : "WORLD_SIZE") +
                      " is: a distributed run needs RANK, WORLD_SIZE, MASTER_ADDR and "
                      "MASTER_PORT (LOCAL_RANK optional)");
  DistributedRank env;
  env.worldSize = envInt("WORLD_SIZE", world, 1, 65536);
  env.rank = envInt("RANK", rank, 0, env.worldSize - 1);
  const char* local = getenv("LOCAL_RANK");
  env.localRank = local ? envInt("LOCAL_RANK", local, 0, 65535) : 0;
  const char* addr = getenv("MASTER_ADDR");
  const char* port = getenv("MASTER_PORT");
  if (!addr || !*addr || !port)
    throw ConfigError(std::string(!addr || !*addr ? "MASTER_ADDR" : "MASTER_PORT") +
                      " is not set: every rank must know where rank 0 listens");
  env.masterAddr = addr;
  env.masterPort = envInt("MASTER_PORT", port, 1, 65535);
  return env;
}

#if defined(USE_C10D_GLOO)

bool dataParallelAvailable() { return true; }

struct DataParallel::Impl {
  RankEnv env;
  Options options;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

  // Waits for a collective; a failure or a timeout becomes an Error naming it and this rank.
  void wait(const c10::intrusive_ptr<c10d::Work>& work, const char* what) const {
    try {
      work->wait(options.timeout);
    } catch (const std::exception& e) {
      throw Error("rank " + std::to_string(env.rank) + " of " + std::to_string(env.worldSize) +
                  ": " + what + " failed (another rank stopped or is not answering): " +
                  firstLine(e.what()));
    }
  }
  static std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
};

DataParallel::DataParallel(const RankEnv& env, Options options)
    : m(std::make_unique<Impl>()) {
  m->env = env;
  m->options = options;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(env.masterPort);
    so.isServer = env.rank == 0;
    so.numWorkers = static_cast<std::size_t>(env.worldSize);
    so.waitWorkers = false;  // the process group's own rendezvous waits (with its timeout)
    so.timeout = options.timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, so);
    auto store = c10::make_intrusive<c10d::PrefixStore>("ebm-lab", tcp);
    auto go = c10d::ProcessGroupGloo::Options::create(options.timeout);
    go->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForHostname(env.masterAddr == "localhost"
                                                            ? std::string("127.0.0.1")
                                                            : env.masterAddr));
    go->threads = 2;
    m->group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.worldSize, go);
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(env.rank) + " of " + std::to_string(env.worldSize) +
                " could not join the job at " + env.masterAddr + ":" +
                std::to_string(env.masterPort) + ": " + Impl::firstLine(e.what()));
  }
}

DataParallel::~DataParallel() = default;

int DataParallel::rank() const { return m->env.rank; }
int DataParallel::worldSize() const { return m->env.worldSize; }

void DataParallel::averageGradients(const std::vector<torch::Tensor>& params) {
  if (m->env.worldSize == 1 || params.empty())
    return;
  torch::NoGradGuard noGrad;
  const double scale = 1.0 / m->env.worldSize;
  size_t at = 0;
  while (at < params.size()) {
    // One bucket: consecutive gradients of one dtype up to bucketBytes (at least one).
    std::vector<torch::Tensor> grads;
    size_t bytes = 0;
    const auto dtype = params[at].scalar_type();
    while (at < params.size() && params[at].scalar_type() == dtype &&
           (grads.empty() || bytes + params[at].nbytes() <= m->options.bucketBytes)) {
      auto& p = params[at];
      if (!p.grad().defined())
        p.mutable_grad() = torch::zeros_like(p);
      grads.push_back(p.grad());
      bytes += p.nbytes();
      ++at;
    }
    std::vector<torch::Tensor> flat{torch::cat(
        [&] {
          std::vector<torch::Tensor> views;
          for (const auto& g : grads)
            views.push_back(g.reshape({-1}));
          return views;
        }())};
    m->wait(m->group->allreduce(flat), "averaging gradients");
    flat[0].mul_(scale);
    int64_t offset = 0;
    for (auto& g : grads) {
      g.copy_(flat[0].narrow(0, offset, g.numel()).view_as(g));
      offset += g.numel();
    }
  }
}

void DataParallel::broadcastFromRankZero(const std::vector<torch::Tensor>& tensors) {
  if (m->env.worldSize == 1)
    return;
  torch::NoGradGuard noGrad;
  for (const auto& t : tensors) {
    std::vector<torch::Tensor> one{t.detach()};
    m->wait(m->group->broadcast(one), "copying rank 0's parameters");
  }
}

double DataParallel::sum(double value) { return sum(std::vector<double>{value}).front(); }

std::vector<double> DataParallel::sum(const std::vector<double>& values) {
  if (m->env.worldSize == 1 || values.empty())
    return values;
  std::vector<torch::Tensor> one{
      torch::tensor(c10::ArrayRef<double>(values.data(), values.size()), torch::kFloat64)};
  m->wait(m->group->allreduce(one), "summing values");
  const auto t = one[0].contiguous();
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

void DataParallel::barrier() {
  if (m->env.worldSize > 1)
    m->wait(m->group->barrier(), "waiting for every rank");
}

#else  // a LibTorch without c10d's Gloo group: a clear refusal, never a silent single process

bool dataParallelAvailable() { return false; }

struct DataParallel::Impl {};

DataParallel::DataParallel(const RankEnv& env, Options) {
  throw Error("rank " + std::to_string(env.rank) + ": this build's LibTorch has no c10d Gloo "
              "process group (USE_C10D_GLOO), so it cannot train data-parallel");
}
DataParallel::~DataParallel() = default;
int DataParallel::rank() const { return 0; }
int DataParallel::worldSize() const { return 1; }
void DataParallel::averageGradients(const std::vector<torch::Tensor>&) {}
void DataParallel::broadcastFromRankZero(const std::vector<torch::Tensor>&) {}
double DataParallel::sum(double value) { return value; }
std::vector<double> DataParallel::sum(const std::vector<double>& values) { return values; }
void DataParallel::barrier() {}

#endif

} // namespace ebm
