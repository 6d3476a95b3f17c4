#include "sampling/noise_schedule.h"

#include "errors.h"
#include "models/time_embedding.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

namespace ebm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxDrlLevels = 501; // Delta = floor(1000 / (2 (T - 1))) must stay >= 1
constexpr int kMaxCdrlLevels = 1000;

std::string show(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

void requireLevels(const std::string& key, int value, int max) {
  if (value < 1 || value > max)
    throw ConfigError(key + " = " + std::to_string(value) + ": must be between 1 and " +
                      std::to_string(max));
}

void requirePositive(const std::string& key, double value) {
  if (!std::isfinite(value) || value <= 0)
    throw ConfigError(key + " = " + show(value) + ": must be a finite number > 0");
}

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// METHODS §2.2: per-level blocks of the DDPM linear schedule (beta = linspace(1e-4, 0.02, 1000)
// with beta = 1 appended, never reached), block boundaries idx = [0, D, .., (T-1) D, 999].
DrlTables drlTables(int T) {
  std::vector<double> r(1001);
  for (int i = 0; i < 1000; ++i)
    r[i] = std::sqrt(1.0 - (1e-4 + (0.02 - 1e-4) * i / 999.0));
  r[1000] = 0.0;
  DrlTables d;
  const int delta = T > 1 ? 1000 / (2 * (T - 1)) : 0;
  for (int k = 0; k < T; ++k)
    d.boundaries.push_back(k * delta);
  d.boundaries.push_back(999);
  d.a.push_back(r[0]);
  for (int k = 1; k <= T; ++k) {
    double p = 1.0;
    for (int i = d.boundaries[k - 1] + 1; i <= d.boundaries[k]; ++i)
      p *= r[i];
    d.a.push_back(p);
  }
  double cum = 1.0;
  for (double a : d.a) {
    d.sigma.push_back(std::sqrt(1.0 - a * a));
    cum *= a;
    d.aBar.push_back(cum);
    d.sigmaBar.push_back(std::sqrt(1.0 - cum * cum));
  }
  d.aPrev = d.a;
  d.aPrev.back() = 1.0;
  d.isRecovery.assign(T + 1, 1.0);
  d.isRecovery.back() = 0.0;
  return d;
}

// What both families derive the same way once signal/noise, transition/sigma/scale and c are
// set: s^2 = b^2 c sigma^2 (§2.4, §3.3), kappa = s^2 / (2 sigma^2) (§4.1 B2), the loss weights
// sigma_first / sigma (§2.5, §3.5 item 3) and the top level's missing recovery term.
void deriveLevels(NoiseSchedule& s) {
  const int L = s.levels;
  s.stepSize.resize(L);
  s.kappa.resize(L);
  s.lossWeight.resize(L);
  s.isRecovery.assign(L, 1.0);
  s.isRecovery[L - 1] = 0.0;
  for (int l = 0; l < L; ++l) {
    const double s2 = s.bSquare * s.c[l] * s.sigma[l] * s.sigma[l];
    s.stepSize[l] = std::sqrt(s2);
    s.kappa[l] = s2 / (2.0 * s.sigma[l] * s.sigma[l]);
    s.lossWeight[l] = s.sigma[0] / s.sigma[l];
  }
}

// METHODS §3.2: lambda(t) = -2 ln tan(a t + b) at t = i / n, truncated to [lambda_min,
// lambda_max]; per transition alpha, sigma and the posterior variance betaTilde.
CdrlTables cdrlTables(int n, double lambdaMin, double lambdaMax) {
  CdrlTables t;
  const double b = std::atan(std::exp(-0.5 * lambdaMax));
  const double a = std::atan(std::exp(-0.5 * lambdaMin)) - b;
  std::vector<double> noiseVar; // 1 - alphabar, as sigmoid(-lambda) to keep its precision
  for (int i = 0; i <= n; ++i) {
    const double lambda = -2.0 * std::log(std::tan(a * i / n + b));
    t.lambda.push_back(lambda);
    t.alphaBar.push_back(sigmoid(lambda));
    noiseVar.push_back(sigmoid(-lambda));
  }
  t.alpha = t.sigma = t.betaTilde = t.alphaMul = t.proposalStd = {kNaN};
  for (int i = 1; i <= n; ++i) {
    const double alpha = t.alphaBar[i] / t.alphaBar[i - 1];
    const double oneMinus = (t.alphaBar[i - 1] - t.alphaBar[i]) / t.alphaBar[i - 1];
    t.alpha.push_back(alpha);
    t.sigma.push_back(std::sqrt(oneMinus));
    t.betaTilde.push_back(noiseVar[i - 1] / noiseVar[i] * oneMinus);
    t.alphaMul.push_back(i == n ? 1.0 : alpha);
    t.proposalStd.push_back(std::sqrt(t.betaTilde[i] * t.alphaMul[i]));
  }
  return t;
}

// A schedule whose extreme lambda under- or overflows has a zero or infinite constant somewhere.
void requireFiniteTables(const NoiseSchedule& s, const CdrlScheduleOptions& o) {
  auto ok = [](const std::vector<double>& v) {
    for (double x : v)
      if (!std::isfinite(x) || x <= 0)
        return false;
    return true;
  };
  if (!ok(s.stepSize) || !ok(s.c) || !ok(s.lossWeight) || !ok(s.noise))
    throw ConfigError("cdrl.schedule.lambda_min = " + show(o.lambdaMin) +
                      ", cdrl.schedule.lambda_max = " + show(o.lambdaMax) +
                      ": the schedule's noise levels under- or overflow double precision");
}

} // namespace

NoiseSchedule makeDrlSchedule(const DrlScheduleOptions& o) {
  requireLevels("drl.schedule.levels", o.levels, kMaxDrlLevels);
  requirePositive("drl.schedule.b_square", o.bSquare);
  NoiseSchedule s;
  s.family = ScheduleFamily::Drl;
  s.levels = o.levels;
  s.bSquare = o.bSquare;
  s.drl = drlTables(o.levels);
  const auto& d = s.drl;
  s.signal = d.aBar;
  s.noise = d.sigmaBar;
  for (int t = 0; t < o.levels; ++t) {
    s.transition.push_back(d.a[t + 1]);
    s.sigma.push_back(d.sigma[t + 1]);
    s.scale.push_back(d.aPrev[t + 1]);
    s.c.push_back(d.sigmaBar[t] / d.sigmaBar[0]); // §2.4: the un-squared ratio, as the code
    s.energyTime.push_back(t);                    // §2.6: the integer level index
  }
  deriveLevels(s);
  return s;
}

NoiseSchedule makeCdrlSchedule(const CdrlScheduleOptions& o) {
  requireLevels("cdrl.schedule.levels", o.levels, kMaxCdrlLevels);
  if (!std::isfinite(o.lambdaMin))
    throw ConfigError("cdrl.schedule.lambda_min = " + show(o.lambdaMin) + ": must be finite");
  if (!std::isfinite(o.lambdaMax))
    throw ConfigError("cdrl.schedule.lambda_max = " + show(o.lambdaMax) + ": must be finite");
  if (o.lambdaMin >= o.lambdaMax)
    throw ConfigError("cdrl.schedule.lambda_min = " + show(o.lambdaMin) +
                      ": must be below cdrl.schedule.lambda_max = " + show(o.lambdaMax));
  const double bSquare = o.bSquare.value_or(o.toy2d ? 2e-3 : 4e-4);
  requirePositive("cdrl.schedule.b_square", bSquare);

  NoiseSchedule s;
  s.family = o.toy2d ? ScheduleFamily::CdrlToy2d : ScheduleFamily::Cdrl;
  s.levels = o.levels;
  s.bSquare = bSquare;
  s.cdrl = cdrlTables(o.levels, o.lambdaMin, o.lambdaMax);
  auto& t = s.cdrl;
  for (int i = 0; i <= o.levels; ++i) {
    s.signal.push_back(std::sqrt(t.alphaBar[i]));
    s.noise.push_back(std::sqrt(sigmoid(-t.lambda[i])));
  }
  // §3.9: the toy's constant c is 1 / sigmabar at lambda_max, i.e. 1 / noise[0].
  const double toyC = 1.0 / s.noise[0];
  for (int i = 1; i <= o.levels; ++i) {
    s.transition.push_back(std::sqrt(t.alpha[i]));
    s.sigma.push_back(t.sigma[i]);
    s.scale.push_back(std::sqrt(t.alphaMul[i]));
    s.c.push_back(o.toy2d ? toyC : s.noise[i - 1] / s.noise[0]); // §3.3: c_i
    s.energyTime.push_back(logSnrTime(t.lambda[i - 1]));
    s.initializerTime.push_back(logSnrTime(t.lambda[i]));
    s.proposalStd.push_back(t.proposalStd[i]);
  }
  deriveLevels(s);
  requireFiniteTables(s, o);
  t.c = {kNaN};
  t.stepSize = {kNaN};
  t.lossWeight = {kNaN};
  for (int l = 0; l < o.levels; ++l) {
    t.c.push_back(s.c[l]);
    t.stepSize.push_back(s.stepSize[l]);
    t.lossWeight.push_back(s.lossWeight[l]);
  }
  // §3.6: divisor 2e-4 c_1 sigma_1^2 = s_1^2 / 2 for b^2 = 4e-4; the same half of s^2 for the
  // toy's b^2 (the toy code's final step is not specified in METHODS).
  s.tweedie.inputScale = s.transition[0];
  s.tweedie.divisor = 0.5 * s.stepSize[0] * s.stepSize[0];
  s.tweedie.noiseVariance = sigmoid(-t.lambda[0]);
  s.tweedie.signalScale = s.signal[0];
  s.tweedie.gradientCoef = s.tweedie.noiseVariance / s.tweedie.divisor;
  return s;
}

ScheduleTensors scheduleTensors(const NoiseSchedule& s, torch::Device device,
                                torch::ScalarType dtype) {
  const auto opts = torch::TensorOptions().dtype(dtype).device(device);
  auto t = [&](const std::vector<double>& v) {
    if (v.empty())
      return torch::Tensor();
    return torch::tensor(v, torch::kDouble).to(opts);
  };
  ScheduleTensors out;
  out.signal = t(s.signal);
  out.noise = t(s.noise);
  out.transition = t(s.transition);
  out.sigma = t(s.sigma);
  out.scale = t(s.scale);
  out.isRecovery = t(s.isRecovery);
  out.stepSize = t(s.stepSize);
  out.kappa = t(s.kappa);
  out.lossWeight = t(s.lossWeight);
  out.energyTime = t(s.energyTime);
  out.proposalStd = t(s.proposalStd);
  out.initializerTime = t(s.initializerTime);
  return out;
}

torch::Tensor perChain(const torch::Tensor& table, const torch::Tensor& levels, int64_t dims) {
  TORCH_CHECK(levels.dim() == 1, "perChain: expected (B) levels, got ", levels.sizes());
  std::vector<int64_t> shape(static_cast<size_t>(std::max<int64_t>(dims, 1)), 1);
  shape[0] = levels.size(0);
  return table.index_select(0, levels.to(torch::kLong)).view(shape);
}

} // namespace ebm
