// Diffusion Recovery Likelihood and Cooperative DRL as one training method with two variants
// (METHODS §2, §3, §4.3): a sequence of EBMs f(y, level) on increasingly noisy data, learned by
// maximising recovery likelihoods, sampled level by level from noise. DRL pairs each state with a
// Markov-noised one and starts its chain at the noisier state; CDRL pairs them by shared noise and
// starts each chain at a learned initializer's proposal, which then learns to absorb the chain's
// revision. Registered twice (core/methods/drl, core/methods/cdrl). Worker thread only; no Qt/GL.
#pragma once

#include "methods/capabilities.h"
#include "methods/ema.h"
#include "methods/method.h"
#include "methods/optim.h"
#include "methods/recovery/recovery_settings.h"

#include <memory>

namespace ebm {

class RecoveryMethod : public TrainingMethod, public EnergyModel, public LevelSampler {
public:
  /// `info` is what the variant's registration describes (describeRecovery and its loss groups).
  RecoveryMethod(const RunConfig& config, torch::Device device, RecoveryVariant variant,
                 MethodInfo info);
  ~RecoveryMethod() override;

  // TrainingMethod
  const MethodInfo& info() const override { return m_info; }
  IterationResult iterate(const torch::Tensor& batch, MethodContext& ctx) override;
  void setEpoch(int) override {}
  torch::Tensor revise(const RevisionRequest& request, MethodContext& ctx) override;
  SettingValues chainSettings(const RunConfig& config, const std::string& chain) const override;
  void storeChainSettings(RunConfig& config, const std::string& chain,
                          const SettingValues& values) const override;
  double stepsPerIteration(const std::map<std::string, SettingValues>& settings) const override;
  EnergyModel* energyModel() override { return this; }
  LevelSampler* levelSampler() override { return this; }
  std::vector<std::pair<std::string, torch::Tensor>> stateTensors() const override;
  void loadStateTensors(const SafeTensors& st) override;

  // EnergyModel: the lowest level's energy, E(x) = -f(scale_0 x, 0) (METHODS §4.4).
  torch::Tensor energy(const torch::Tensor& x) override;
  /// -f(y, level) with the EMA weights and the null label (a conditional model's marginal).
  torch::Tensor energyAtLevel(const torch::Tensor& y, int level) override;
  EnergyNet& energyNet() override;
  torch::Tensor sampleStarts(int n, const std::string& init, torch::Generator& gen) override;

  // LevelSampler: progressive sampling through every level (METHODS §2.7, §3.6) with the sample
  // chain's live settings, recorded as the chain "sample" with a level axis; known pixels by
  // the replacement method (§4.4); a long run at level 0 when the chain's long_run says so.
  torch::Tensor sampleNoise(int n, torch::Generator& gen) override;
  torch::Tensor sampleFrom(const torch::Tensor& start, MethodContext& ctx,
                           const KnownPixels& known = {}) override;

  /// sampleFrom(sampleNoise(n)). Returns x_0 (n, ...) on the method's device.
  torch::Tensor sampleFromNoise(int n, MethodContext& ctx);
  const NoiseSchedule& schedule() const { return m_schedule; }
  const RecoverySettings& settings() const { return m_settings; }
  TembEbm& ebm() { return m_ebm; }

private:
  struct Pair;
  Pair drawPair(const torch::Tensor& x, torch::Generator& gen) const;
  IterationResult iterateDrl(const torch::Tensor& x, MethodContext& ctx);
  IterationResult iterateCdrl(const torch::Tensor& x, MethodContext& ctx);
  /// f(y, levels, labels), the time context computed in this call (with gradients for the
  /// weights). Undefined labels: the null label of a conditional model.
  torch::Tensor levelEnergy(const torch::Tensor& y, const torch::Tensor& levels,
                            const torch::Tensor& labels = {});
  /// f(y, levels) for a chain whose levels stay fixed: the time context is computed once, here,
  /// and every step reuses it (METHODS §4.1 B3). With guidance: the guided or composed energy
  /// (sampling/guidance.h), one context per term.
  LevelEnergy chainEnergy(const torch::Tensor& levels, const Guidance& guidance = {});
  /// chainEnergy by parts of the batch, for a chain split across threads.
  LevelEnergyParts chainEnergyParts(const torch::Tensor& levels, const Guidance& guidance);
  /// recoveryLangevin from y0 on chainEnergy(chain.levels, guidance), split by its parts.
  torch::Tensor recover(RecoveryChain chain, const torch::Tensor& y0, const Guidance& guidance,
                        const LiveValue<SettingValues>& live, const ChainControl& control);
  /// The initializer's proposal mean for x_{l+1} at levels (CDRL), guided like the energy.
  torch::Tensor proposalMean(const torch::Tensor& xNext, const torch::Tensor& levels,
                             const Guidance& guidance = {});
  /// A conditional model's null labels for n rows; undefined for an unconditional one.
  torch::Tensor nullLabels(int64_t n) const;
  /// The time context of the EBM for these levels and labels, one row when all rows agree.
  TembContext energyContext(const torch::Tensor& levels, const torch::Tensor& labels);
  torch::Tensor reviseAtLevel(const RevisionRequest& request, MethodContext& ctx);
  /// One level of progressive sampling: x_{l+1} -> x_l.
  /// With `states`: what the level starts from (x~, the proposal, the pull), for the trace.
  torch::Tensor sampleLevel(const torch::Tensor& x, int level, const LiveValue<SettingValues>& live,
                            const ChainControl& control, const KnownPixels& known,
                            LevelStates* states = nullptr);
  /// DRL's long-run check: `steps` more Langevin steps at level 0 on f(y, 0) alone.
  torch::Tensor longRun(const torch::Tensor& x, int steps, const LiveValue<SettingValues>& live,
                        const ChainControl& control, const KnownPixels& known);
  /// The observation diffused to level l's marginal: signal_l x + noise_l eps.
  torch::Tensor diffused(const KnownPixels& known, int level, torch::Generator& gen) const;
  /// CDRL's final denoising (Tweedie) step at level 0 (§3.6) under the chain's guidance.
  torch::Tensor tweedie(const torch::Tensor& x, const Guidance& guidance);
  double warmupFactor(int64_t step, int offset) const;
  void stepEbm(const torch::Tensor& loss);
  void checkDivergence(IterationResult& result) const;

  RunConfig m_config;
  torch::Device m_device;
  RecoverySettings m_settings;
  NoiseSchedule m_schedule;
  ScheduleTensors m_tables;
  MethodInfo m_info;
  std::vector<int64_t> m_shape; // one data sample
  TembEbm m_ebm{nullptr};
  InitializerNet m_init{nullptr};
  std::unique_ptr<Adam> m_optEbm, m_optInit;
  std::unique_ptr<Ema> m_emaEbm, m_emaInit;
  std::shared_ptr<EnergyNet> m_levelZero; // energyNet(): -f(scale_0 x, 0)
};

} // namespace ebm
