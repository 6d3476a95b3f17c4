#include "rank_launcher.h"

#include "session_cli.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

namespace ebm::cli {
namespace {

std::vector<std::string> g_arguments;

// A TCP port free on 127.0.0.1 now (bound to port 0, read back, released) for rank 0's store.
int freeLocalPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0)
      close(fd);
    return 29500;
  }
  close(fd);
  return ntohs(a.sin_port);
}

// The kept arguments without "--nproc-per-node N" (or "--nproc-per-node=N").
std::vector<std::string> rankArguments() {
  std::vector<std::string> out;
  for (size_t i = 0; i < g_arguments.size(); ++i) {
    if (g_arguments[i] == "--nproc-per-node") {
      ++i;
      continue;
    }
    if (g_arguments[i].rfind("--nproc-per-node=", 0) == 0)
      continue;
    out.push_back(g_arguments[i]);
  }
  return out;
}

pid_t startRank(int rank, int ranks, int port, const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid != 0)
    return pid;
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  setenv("WORLD_SIZE", std::to_string(ranks).c_str(), 1);
  setenv("MASTER_ADDR", "127.0.0.1", 1);
  setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  std::vector<char*> argv;
  static const std::string self = "/proc/self/exe";
  argv.push_back(const_cast<char*>(self.c_str()));
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(self.c_str(), argv.data());
  std::perror("ebm-lab-cli: starting a rank failed");
  std::_Exit(127);
}

int exitCodeOf(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

// "rank 1 exited with code 137 (killed by signal 9, Killed)".
std::string endOf(size_t rank, int status) {
  std::string line = "rank " + std::to_string(rank) + " exited with code " +
                     std::to_string(exitCodeOf(status));
  if (WIFSIGNALED(status)) {
    const char* name = strsignal(WTERMSIG(status));
    line += " (killed by signal " + std::to_string(WTERMSIG(status)) +
            (name ? std::string(", ") + name : std::string()) + ")";
  }
  return line;
}

} // namespace

void keepArguments(int argc, char** argv) { g_arguments.assign(argv + 1, argv + argc); }

int launchLocalRanks(int ranks) {
  const int port = freeLocalPort();
  const auto args = rankArguments();
  std::cerr << "data-parallel job: " << ranks << " ranks on 127.0.0.1:" << port << "\n";
  std::vector<pid_t> pids;
  for (int r = 0; r < ranks; ++r)
    pids.push_back(startRank(r, ranks, port, args));
  std::vector<bool> done(pids.size(), false);
  int firstFailure = 0, running = ranks;
  bool forwarded = false, stopping = false;
  auto signalAll = [&](int sig) {
    for (size_t r = 0; r < pids.size(); ++r)
      if (!done[r] && pids[r] > 0)
        kill(pids[r], sig);
  };
  while (running > 0) {
    if (g_interrupted && !forwarded) {  // Ctrl-C reached this process: every rank saves
      signalAll(SIGINT);
      forwarded = true;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    for (size_t r = 0; r < pids.size(); ++r) {
      if (pids[r] != pid)
        continue;
      done[r] = true;
      --running;
      const int code = exitCodeOf(status);
      if (code == 0)
        continue;
      // Every failed rank is named: the one that ended first is often not the cause (a rank
      // killed outright makes the others' collectives fail, and they may be reaped first).
      if (firstFailure == 0)
        firstFailure = code;
      std::cerr << endOf(r, status);
      if (running > 0 && !stopping) {
        std::cerr << ": stopping the other ranks";
        signalAll(SIGTERM);  // they save and stop; their collectives fail fast without it
        stopping = true;
      }
      std::cerr << "\n";
    }
  }
  return firstFailure;
}

} // namespace ebm::cli
