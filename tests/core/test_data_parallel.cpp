// Data parallel on c10d (Gloo over 127.0.0.1), two ranks as two threads of this process: rank 0's
// parameters reach rank 1; after averaged gradients and the same Adam steps the two ranks hold
// bit-identical parameters at every step; two ranks with half a batch each give the gradient of
// one process with the whole batch (a model without BatchNorm); a rank whose peer never comes
// gets an error naming it within the timeout. Also the torchrun environment contract.
#include "distributed/data_parallel.h"
#include "io/safetensors.h"
#include "methods/optim.h"

#include "errors.h"
#include "session.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace ebm {
namespace {

// A port nobody listens on now (bound to port 0, read back, released).
int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

RankEnv rankOf(int rank, int world, int port) {
  RankEnv e;
  e.rank = rank;
  e.worldSize = world;
  e.masterAddr = "127.0.0.1";
  e.masterPort = port;
  return e;
}

// Runs body(rank, group) on two threads joined in one job; returns each rank's result.
template <typename R, typename F> std::vector<R> onTwoRanks(F body) {
  const int port = freePort();
  auto run = [&](int rank) {
    DataParallel::Options o;
    o.timeout = std::chrono::seconds(60);
    DataParallel group(rankOf(rank, 2, port), o);
    return body(rank, group);
  };
  auto r1 = std::async(std::launch::async, run, 1);
  R r0 = run(0);
  return {r0, r1.get()};
}

// The same seed gives the same net; the ranks build theirs at the same time from LibTorch's one
// global generator, so one at a time.
torch::nn::Sequential smallNet(uint64_t seed) {
  static std::mutex globalGenerator;
  std::lock_guard<std::mutex> lock(globalGenerator);
  torch::manual_seed(seed);
  return torch::nn::Sequential(torch::nn::Linear(4, 16), torch::nn::Tanh(),
                               torch::nn::Linear(16, 1));
}

std::vector<torch::Tensor> paramsOf(torch::nn::Sequential& net) { return net->parameters(); }

TEST(DistributedRank, ReadsTheTorchrunContractAndNamesWhatIsWrong) {
  std::map<std::string, std::string> vars;
  auto get = [&](const char* k) -> const char* {
    auto it = vars.find(k);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  EXPECT_FALSE(distributedRankFromEnvironment(get).has_value()) << "no contract: one process";
  vars = {{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "10.0.0.5"},
          {"MASTER_PORT", "29511"}};
  const auto env = distributedRankFromEnvironment(get);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->rank, 1);
  EXPECT_EQ(env->worldSize, 2);
  EXPECT_EQ(env->localRank, 1);
  EXPECT_EQ(env->masterAddr, "10.0.0.5");
  EXPECT_EQ(env->masterPort, 29511);
  auto refused = [&](const std::string& key, const std::string& value, const std::string& why) {
    auto saved = vars;
    if (value.empty())
      vars.erase(key);
    else
      vars[key] = value;
    try {
      distributedRankFromEnvironment(get);
      ADD_FAILURE() << key << "=" << value << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    vars = saved;
  };
  refused("RANK", "2", "RANK=2");
  refused("WORLD_SIZE", "two", "WORLD_SIZE=two");
  refused("MASTER_PORT", "70000", "MASTER_PORT=70000");
  refused("MASTER_ADDR", "", "MASTER_ADDR is not set");
  refused("WORLD_SIZE", "", "WORLD_SIZE is not set");
}

// The toy Dual-MCMC model at width 16, batch 64, on one CPU thread: a rank's run in a second.
RunConfig smallToyJob(int checkpointEvery) {
  RunConfig cfg = RunConfig::fromPreset("toy2d");
  for (const char* o : {"model.ebm_width=16", "model.gen_width=16", "model.inf_width=16"})
    cfg.applyOverride(o);
  cfg.train.batchSize = 64;
  cfg.train.checkpointEvery = checkpointEvery;
  cfg.runtime.device = "cpu";
  cfg.runtime.threads = 1;
  return cfg;
}

class DataParallelTwoRanks : public ::testing::Test {
protected:
  void SetUp() override {
    if (!dataParallelAvailable())
      GTEST_SKIP() << "this LibTorch has no c10d Gloo group";
  }
};

TEST_F(DataParallelTwoRanks, RankZerosParametersReachEveryRank) {
  const auto firsts = onTwoRanks<torch::Tensor>([](int rank, DataParallel& group) {
    auto net = smallNet(100 + rank);  // different starts
    group.broadcastFromRankZero(paramsOf(net));
    return paramsOf(net)[0].clone();
  });
  EXPECT_TRUE(torch::equal(firsts[0], firsts[1]));
  auto rankZeros = smallNet(100);
  EXPECT_TRUE(torch::equal(firsts[0], paramsOf(rankZeros)[0]));
}

TEST_F(DataParallelTwoRanks, AveragedStepsKeepTheRanksBitIdenticalAtEveryStep) {
  const auto histories =
      onTwoRanks<std::vector<torch::Tensor>>([](int rank, DataParallel& group) {
        auto net = smallNet(7 + rank);
        group.broadcastFromRankZero(paramsOf(net));
        std::vector<std::pair<std::string, torch::Tensor>> named;
        for (const auto& p : net->named_parameters())
          named.emplace_back(p.key(), p.value());
        AdamOptions ao;
        ao.lr = 1e-2;
        Adam adam(named, ao);
        auto gen = torch::make_generator<at::CPUGeneratorImpl>(1000 + rank);  // own shard
        std::vector<torch::Tensor> history;
        for (int step = 0; step < 5; ++step) {
          adam.zeroGrad();
          const auto x = torch::randn({32, 4}, gen);
          net->forward(x).pow(2).mean().backward();
          group.averageGradients(paramsOf(net));
          adam.step();
          history.push_back(torch::cat({paramsOf(net)[0].flatten(), paramsOf(net)[3].flatten()})
                                .clone());
        }
        return history;
      });
  ASSERT_EQ(histories[0].size(), 5u);
  for (size_t step = 0; step < 5; ++step)
    EXPECT_TRUE(torch::equal(histories[0][step], histories[1][step])) << "step " << step;
  EXPECT_FALSE(torch::equal(histories[0][0], histories[0][4])) << "the steps moved the net";
}

TEST_F(DataParallelTwoRanks, HalfABatchOnEachRankGivesTheWholeBatchsGradient) {
  torch::manual_seed(3);
  const auto batch = torch::randn({64, 4});
  auto gradOf = [&](torch::nn::Sequential& net, const torch::Tensor& x) {
    net->zero_grad();
    net->forward(x).pow(2).mean().backward();
  };
  auto whole = smallNet(11);
  gradOf(whole, batch);
  const auto expected = whole->parameters()[0].grad().clone();
  const auto grads = onTwoRanks<torch::Tensor>([&](int rank, DataParallel& group) {
    auto net = smallNet(11);
    gradOf(net, batch.narrow(0, 32 * rank, 32));
    group.averageGradients(paramsOf(net));
    return net->parameters()[0].grad().clone();
  });
  EXPECT_TRUE(torch::allclose(grads[0], expected, 1e-5, 1e-6));
  EXPECT_TRUE(torch::equal(grads[0], grads[1]));
  EXPECT_EQ(onTwoRanks<double>([](int rank, DataParallel& g) { return g.sum(rank + 1.0); }),
            (std::vector<double>{3.0, 3.0}));
}

TEST_F(DataParallelTwoRanks, ARankWhosePeerNeverComesGetsAnErrorNotAHang) {
  DataParallel::Options o;
  o.timeout = std::chrono::seconds(3);
  try {
    DataParallel alone(rankOf(1, 2, freePort()), o);  // rank 0 never starts
    ADD_FAILURE() << "joined a job without rank 0";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rank 1 of 2 could not join"), std::string::npos)
        << e.what();
  }
}

// Two sessions as the two ranks of a job, training the toy Dual-MCMC model: after the same
// iterations both hold the same weights and optimiser state (bit for bit in their explicit
// saves), report the same (averaged) losses, and only rank 0 wrote the run folder.
TEST_F(DataParallelTwoRanks, TwoSessionsTrainTheSameModelAndOnlyRankZeroWritesTheRun) {
  const int port = freePort();
  const std::string dir = test::tempDir("dp_sessions");
  struct Result {
    long iteration = 0;
    std::vector<double> lastLosses;
    std::string error;
  };
  auto rankRun = [&](int rank) {
    const RunConfig cfg = smallToyJob(2);
    SessionOptions opts;
    opts.runDir = dir + "/run-" + std::to_string(rank);
    opts.distributed = rankOf(rank, 2, port);
    Session s(cfg, opts);
    Result r;
    if (!s.waitIdle(120) || s.snapshot()->state != RunState::Idle) {
      r.error = s.snapshot()->lastError;
      return r;
    }
    s.post(cmd::StartTraining{4});
    s.waitIdle(300);
    s.post(cmd::SaveCheckpoint{dir + "/rank" + std::to_string(rank) + ".safetensors"});
    s.waitIdle(60);
    const auto snap = s.snapshot();
    r.iteration = snap->iteration;
    r.lastLosses = snap->losses->rows.back();
    r.error = snap->errorCount ? snap->lastError : "";
    return r;
  };
  auto one = std::async(std::launch::async, rankRun, 1);
  const Result r0 = rankRun(0), r1 = one.get();
  ASSERT_EQ(r0.error, "");
  ASSERT_EQ(r1.error, "");
  EXPECT_EQ(r0.iteration, 4);
  EXPECT_EQ(r1.iteration, 4);
  EXPECT_EQ(r0.lastLosses, r1.lastLosses) << "the losses are the ranks' mean";
  // Weights and optimiser state are the same bits; BatchNorm's running averages are each rank's
  // own (as PyTorch's DDP without SyncBatchNorm normalises each rank's share by itself).
  const SafeTensors a = readSafeTensors(dir + "/rank0.safetensors");
  const SafeTensors b = readSafeTensors(dir + "/rank1.safetensors");
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  int compared = 0;
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    const auto& [name, t] = a.tensors[i];
    ASSERT_EQ(name, b.tensors[i].first);
    if (name.find("running_") != std::string::npos || name.find("num_batches") != std::string::npos)
      continue;
    EXPECT_TRUE(torch::equal(t, b.tensors[i].second)) << name << " differs between the ranks";
    ++compared;
  }
  EXPECT_GT(compared, 20);
  EXPECT_TRUE(std::filesystem::exists(dir + "/run-0/checkpoint.safetensors"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/run-1/checkpoint.safetensors"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/run-1/config.toml"));
}

// A rank that leaves the job between iterations (here: its session ends after 2 of the
// iterations): rank 0's next collective fails, and rank 0 ends training with an error that says
// so and saves the model of the last iteration every rank finished (it does not terminate).
TEST_F(DataParallelTwoRanks, ARankThatLeavesEndsTrainingWithAnErrorAndRankZeroSavesItsModel) {
  const int port = freePort();
  const std::string dir = test::tempDir("dp_lost_rank");
  auto leaver = std::async(std::launch::async, [&] {
    SessionOptions opts;
    opts.runDir = dir + "/run-1";
    opts.distributed = rankOf(1, 2, port);
    Session s(smallToyJob(1000), opts);
    if (!s.waitIdle(120) || s.snapshot()->state != RunState::Idle)
      return s.snapshot()->lastError;
    s.post(cmd::StartTraining{2});
    s.waitIdle(300);
    return s.snapshot()->errorCount ? s.snapshot()->lastError : std::string();
  });  // the session ends here: its process group closes
  SessionOptions opts;
  opts.runDir = dir + "/run-0";
  opts.distributed = rankOf(0, 2, port);
  Session s(smallToyJob(1000), opts);
  ASSERT_TRUE(s.waitIdle(120));
  ASSERT_EQ(s.snapshot()->state, RunState::Idle) << s.snapshot()->lastError;
  s.post(cmd::StartTraining{1000});
  ASSERT_EQ(leaver.get(), "");
  ASSERT_TRUE(s.waitIdle(120)) << "rank 0 still trains after its peer left";
  const auto snap = s.snapshot();
  EXPECT_EQ(snap->state, RunState::Idle);
  EXPECT_EQ(snap->iteration, 2);
  EXPECT_NE(snap->lastError.find("training stopped at iteration 2"), std::string::npos)
      << snap->lastError;
  EXPECT_EQ(snap->savedIteration, 2);
  EXPECT_EQ(snap->checkpointPath, dir + "/run-0/checkpoint.safetensors");
  EXPECT_TRUE(std::filesystem::exists(snap->checkpointPath));
}

} // namespace
} // namespace ebm
