// A test-only training method that proves the method seam: short-run Langevin on an analytic
// 2-D energy E_theta(x) = |x - theta|^2 / (2 sigma^2) with one learnable parameter (the mean
// theta, learned by contrastive divergence from chains started in noise), one chain ("walk")
// and one live setting (its step size; the noise is the step size, temperature 1). The test
// binaries register it with registerAnalyticMethod() and drive it through Session, the CLI and
// the main window without any change to them.
#pragma once

#include <string>

namespace ebm::test {

inline const std::string kAnalyticMethod = "test-analytic";
inline constexpr double kAnalyticSigma = 0.5;  // the energy's width: samples have this std

/// Registers "test-analytic" (idempotent).
void registerAnalyticMethod();

/// The same method with theta = NaN from the start: a model whose energy is NaN at the first
/// step of every chain (what a poisoned model does to the lab). Registers it (idempotent).
inline const std::string kPoisonedMethod = "test-analytic-nan";
void registerPoisonedMethod();

} // namespace ebm::test
