// The settings DRL and CDRL share (METHODS §2, §3, §4.5): their networks, noise schedule,
// optimisation and chains, as schemas for the method's own TOML table ([drl.*] / [cdrl.*]) and as
// one typed struct the method reads once. Defaults are the CPU toy configuration of §4.5; the
// presets set the image and paper configurations. Worker or calling thread; no Qt/GL.
#pragma once

#include "config.h"
#include "method_info.h"
#include "models/initializer_net.h"
#include "models/temb_ebm.h"
#include "sampling/guidance.h"
#include "sampling/noise_schedule.h"
#include "sampling/recovery_langevin.h"

#include <string>

namespace ebm {

enum class RecoveryVariant { Drl, Cdrl };

struct RecoveryTraining {
  double lrEbm = 1e-4;         // EBM Adam learning rate (DRL §2.5, CDRL §3.5)
  double lrInitializer = 1e-5; // CDRL initializer AdamW learning rate (weight decay 0)
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;                 // DRL's Keras Adam: 1e-7
  int warmup = 1000;                 // linear LR warm-up iterations (DRL 1 000, CDRL 10 000)
  int initializerWarmupOffset = 500; // CDRL: the initializer's warm-up starts this far along
  double gradClip = 0;               // global-norm clipping; 0 = off (CDRL 1.0)
  double emaDecay = 0.999;           // DRL 0.999 fixed; CDRL 0.9999 with torch_ema's warm-up
  double pCond = 0.1; // conditional CDRL: probability a training label is replaced by null
};

struct RecoverySettings {
  RecoveryVariant variant = RecoveryVariant::Cdrl;
  TembEbmOptions ebm;
  InitializerOptions initializer; // CDRL only
  DrlScheduleOptions drlSchedule;
  CdrlScheduleOptions cdrlSchedule;
  RecoveryLangevinConfig trainChain;  // chain "y": the recovery chain of training
  RecoveryLangevinConfig sampleChain; // chain "sample": progressive sampling from noise
  bool sampleWithEma = true;          // sample with the EMA weights (else the raw ones)
  int numClasses = 0;                 // conditional CDRL (labels + null, §3.8); 0 = unconditional
  RecoveryTraining train;
};

/// The method's table name for messages and TOML: "drl" or "cdrl".
const char* recoveryName(RecoveryVariant variant);
/// The typed settings of `config` (schema defaults under the method's table), for its data.
RecoverySettings recoverySettings(const RunConfig& config, RecoveryVariant variant);
/// The noise schedule the settings describe; throws ConfigError for bad settings.
NoiseSchedule makeSchedule(const RecoverySettings& settings);
/// Capabilities, chains "y" and "sample", the model/schedule/train tables and the losses.
MethodInfo describeRecovery(const RunConfig& config, RecoveryVariant variant);
/// Up to this many labels are composed by one sampling chain (label, label_2, label_3).
constexpr int kMaxComposedLabels = 3;
/// The sample chain's conditioning for n chains from its live settings (guidance, label,
/// label_2, label_3, weight, weight_2, weight_3) on `device`. Label "each" gives chain i the
/// class i mod numClasses, "none" the null label. Unconditional models: no terms.
Guidance sampleGuidance(const SettingValues& live, int n, int numClasses, torch::Device device);

/// Cross-checks the schemas cannot express (e.g. GroupNorm groups dividing the widths); throws
/// ConfigError naming the keys.
void checkRecovery(const RunConfig& config, RecoveryVariant variant);

} // namespace ebm
