// Dual-MCMC teaching (Cui & Han, NeurIPS 2023; METHODS §1.6, Algorithm 1): an EBM, a
// generator and an inference model learned together through x-Langevin (EBM, started
// from the generator) and z-Langevin (generator posterior, started from the inference
// model). dual_mcmc.train.mode selects the paper's ablations (§3.3, Tab. 4-5): cooperative
// learning (G and I taught by the EBM alone) and a short-run EBM (chains from noise, no G).
// Worker thread only; no Qt/GL.
#pragma once

#include "methods/capabilities.h"
#include "methods/dual_mcmc/settings.h"
#include "methods/method.h"
#include "models/models.h"
#include "methods/optim.h"

#include <array>

namespace ebm {

/// -log N(z; mu, diag exp(logvar)) without the (d/2) log 2 pi constant, per sample (B);
/// the reference adds 1e-6 to the variance (METHODS §1.6 step 4).
torch::Tensor gaussianNll(const torch::Tensor& z, const Posterior& q);

/// The registry's view of the method (registration.cpp): capabilities, chains, settings
/// tables, loss names.
MethodInfo describeDualMcmc(const RunConfig& config);
/// The networks' description: the run's data shape with the method's widths.
NetConfig netConfig(const ModelConfig& shape, const DualMcmcNets& nets);

class DualMcmc : public TrainingMethod, public EnergyModel, public LatentModel {
public:
  DualMcmc(const RunConfig& config, torch::Device device);

  // TrainingMethod
  const MethodInfo& info() const override { return m_info; }
  IterationResult iterate(const torch::Tensor& batch, MethodContext& ctx) override;
  void setEpoch(int epoch) override;
  torch::Tensor revise(const RevisionRequest& request, MethodContext& ctx) override;
  SettingValues chainSettings(const RunConfig& config, const std::string& chain) const override;
  void storeChainSettings(RunConfig& config, const std::string& chain,
                          const SettingValues& values) const override;
  double stepsPerIteration(const std::map<std::string, SettingValues>& settings) const override;
  EnergyModel* energyModel() override { return this; }
  LatentModel* latentModel() override { return this; }
  std::vector<std::pair<std::string, torch::Tensor>> stateTensors() const override;
  void loadStateTensors(const SafeTensors& st) override;

  // EnergyModel
  torch::Tensor energy(const torch::Tensor& batch) override;
  EnergyNet& energyNet() override { return *m_E; }
  torch::Tensor sampleStarts(int n, const std::string& init, torch::Generator& gen) override {
    return initialX(n, init, gen);
  }

  // LatentModel
  int latentDim() const override { return m_settings.model.nz; }
  Generator& decoder() override { return *m_G; }
  InferenceNet& encoder() override { return *m_I; }
  torch::Tensor samplePrior(int n, torch::Generator& gen) override { return sampleLatent(n, gen); }
  torch::Tensor initialLatent(const torch::Tensor& x, const std::string& init,
                              torch::Generator& gen) override {
    return initialZ(x, init, gen);
  }

  EnergyNet& ebm() { return *m_E; }
  Generator& generator() { return *m_G; }
  InferenceNet& inference() { return *m_I; }
  /// Start states of an x-chain (n, ...) on the method's device.
  torch::Tensor initialX(int n, const std::string& init, torch::Generator& gen);
  torch::Tensor sampleLatent(int n, torch::Generator& gen);
  /// Start states of z-chains (n, nz, 1, 1) for data x (n, ...), detached: "inference"
  /// (mu + sigma eps), "inference-mean" (mu), "gaussian" (the prior N(0, I)) or "uniform"
  /// (U(-1, 1)). The noise-started ones never evaluate I. `q` = I(x) when already computed.
  torch::Tensor initialZ(const torch::Tensor& x, const std::string& init, torch::Generator& gen,
                         const Posterior* q = nullptr);

private:
  enum class Mode { Dual, Cooperative, ShortRun };

  // Algorithm 1's steps (METHODS §1.6) in iterate()'s order; their results are defined in
  // dual_mcmc.cpp.
  struct XChain;
  struct ZChain;
  struct GeneratorStep;
  struct InferenceStep;
  /// Step 1: z ~ N(0, I), x0 = G(z) with its graph, x~ by x-Langevin from x0.
  XChain sampleAndReviseX(int64_t n, const LiveValue<SettingValues>& xLive, MethodContext& ctx);
  /// Step 2 (dual mode): q = I(x) with its graph, z~ by z-Langevin from z.init.
  ZChain inferAndReviseZ(const torch::Tensor& x, const LiveValue<SettingValues>& zLive,
                         MethodContext& ctx);
  /// Steps 3 and 4: one Adam step each for G and I.
  GeneratorStep updateGenerator(const torch::Tensor& x, const XChain& xs, const ZChain& zs);
  InferenceStep updateInference(const XChain& xs, const ZChain& zs);
  /// Step 5's negatives with two_chains: G(z) of the updated G, revised by x-Langevin.
  torch::Tensor reviseFromUpdatedGenerator(const torch::Tensor& z,
                                           const LiveValue<SettingValues>& xLive,
                                           MethodContext& ctx);
  /// The iteration's losses in the order of m_info.lossNames (dual or cooperative).
  std::vector<double> lossValues(const std::array<torch::Tensor, 3>& energyStep,
                                 const GeneratorStep& g, const InferenceStep& i, const XChain& xs,
                                 int64_t pixels) const;
  IterationResult iterateShortRun(const torch::Tensor& x, MethodContext& ctx, double temperature);
  /// The EBM step shared by every mode: L_E = (mean E(x) - mean E(negatives)) / T, one Adam
  /// step. Returns {L_E, mean E(x), mean E(negatives)}.
  std::array<torch::Tensor, 3> updateEnergy(const torch::Tensor& x, const torch::Tensor& negatives,
                                            double temperature);
  /// Fills result.diverged/message from the losses (NaN, or the reference's energy-gap limit).
  void checkDivergence(IterationResult& result) const;

  torch::Tensor reviseX(const RevisionRequest& request, MethodContext& ctx);
  torch::Tensor reviseZ(const RevisionRequest& request, MethodContext& ctx);

  RunConfig m_config;
  DualMcmcSettings m_settings;  // read once from m_config's method table
  MethodInfo m_info;
  Mode m_mode = Mode::Dual;
  torch::Device m_device;
  std::shared_ptr<EnergyNet> m_E;
  std::shared_ptr<Generator> m_G;
  std::shared_ptr<InferenceNet> m_I;
  std::unique_ptr<Adam> m_optE, m_optG, m_optI;
};

} // namespace ebm
