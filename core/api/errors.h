// Typed errors thrown by the core on bad input (files, configs, settings).
// Any thread may throw or catch them; the session's worker turns them into a
// message in its snapshot so a GUI never sees an exception. No Qt/GL here.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

namespace ebm {

/// Base of every error the core raises for bad input (never for programmer errors).
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// A run config field is missing, has the wrong type or an out-of-range value.
class ConfigError : public Error {
public:
  using Error::Error;
};

/// A data file is missing, truncated, has a wrong magic number or inconsistent sizes.
class DataError : public Error {
public:
  using Error::Error;
};

/// A checkpoint is unreadable, corrupt, or belongs to another architecture.
class CheckpointError : public Error {
public:
  using Error::Error;
};

/// A requested device (e.g. CUDA) is not available.
class DeviceError : public Error {
public:
  using Error::Error;
};

/// A stop request (Ctrl-C, SIGTERM, a front end's Stop) ended a long call before it finished.
/// what() says how far it got; the call returned no results and wrote nothing.
class Interrupted : public Error {
public:
  using Error::Error;
};

/// A long call's stop flag: set from any thread (or a signal handler) to end the call at its next
/// unit of work (a batch, a Langevin step). Null: the call cannot be stopped.
using StopFlag = const std::atomic<bool>*;

/// Throws Interrupted(`progress`) when `stop` is set.
inline void throwIfStopped(StopFlag stop, const std::string& progress) {
  if (stop && stop->load(std::memory_order_relaxed))
    throw Interrupted(progress);
}

} // namespace ebm
