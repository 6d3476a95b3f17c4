// A training method as one pluggable unit: it owns its models and optimisers, runs one
// iteration on a data batch, runs the revisions the GUI shows, and exports its state as
// named tensors for checkpoints. Dual-MCMC teaching is the first; DRL and CDRL register
// the same way (registerMethod) without touching the session, CLI or GUI.
// Worker thread only; no Qt/GL.
#pragma once

#include "config.h"
#include "live_settings.h"
#include "trace.h"

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ebm {

struct SafeTensors;

/// What the worker hands a method for one call.
struct MethodContext {
  torch::Device device = torch::kCPU;
  torch::Generator* gen = nullptr;               // the run's RNG (required)
  const std::atomic<bool>* stop = nullptr;       // ends chains at the next step
  LiveValue<LangevinXConfig>* xSettings = nullptr;
  LiveValue<LangevinZConfig>* zSettings = nullptr;
  Trace* xTrace = nullptr;                       // record the x-chain here when given
  Trace* zTrace = nullptr;                       // record the z-chain here when given
  std::function<void(const Trace&)> onStep;      // progress while a chain runs
};

struct IterationResult {
  std::vector<double> losses;  // in the order of lossNames()
  bool interrupted = false;    // a stop request ended a chain; no parameter was updated
  bool diverged = false;       // a NaN loss or an energy gap beyond the limit
  std::string message;
};

/// A revision the user asked for.
struct RevisionRequest {
  int chains = 16;
  std::string init;        // x: generator|gaussian|uniform|batch; z: inference|inference-mean|gaussian|uniform
  torch::Tensor batch;     // x with init "batch": the start states; z: the data to reconstruct
};

class TrainingMethod {
public:
  virtual ~TrainingMethod() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> lossNames() const = 0;

  /// One training iteration on a (B, ...) CPU batch.
  virtual IterationResult iterate(const torch::Tensor& batch, MethodContext& ctx) = 0;
  /// Called at the start of every epoch (learning-rate schedules).
  virtual void setEpoch(int epoch) = 0;

  /// x-revision: sample start states and run the x-chain; returns the final states (CPU).
  virtual torch::Tensor reviseX(const RevisionRequest& request, MethodContext& ctx) = 0;
  /// z-revision: infer latents of request.batch and run the z-chain; returns G(z~) (CPU).
  /// Methods without a latent model throw ebm::Error.
  virtual torch::Tensor reviseZ(const RevisionRequest& request, MethodContext& ctx) = 0;

  /// Energies of a (B, ...) batch (B) on the CPU, for evaluation and landscapes.
  virtual torch::Tensor energy(const torch::Tensor& batch) = 0;

  /// Every parameter, buffer and optimiser state, with stable names.
  virtual std::vector<std::pair<std::string, torch::Tensor>> stateTensors() const = 0;
  /// Restores stateTensors() output; throws CheckpointError naming the first mismatch.
  virtual void loadStateTensors(const SafeTensors& st) = 0;
};

using MethodFactory =
    std::function<std::unique_ptr<TrainingMethod>(const RunConfig&, torch::Device)>;

/// Registers a factory under `name` (the value of train.method). Call before sessions start.
void registerMethod(const std::string& name, MethodFactory factory);
/// Builds the method named by config.train.method; throws ConfigError for an unknown name.
std::unique_ptr<TrainingMethod> makeMethod(const RunConfig& config, torch::Device device);
std::vector<std::string> methodNames();

/// Copies `src` into each named tensor of `dst` after checking presence, dtype and shape.
void loadNamedTensors(const std::vector<std::pair<std::string, torch::Tensor>>& dst,
                      const SafeTensors& src);

} // namespace ebm
