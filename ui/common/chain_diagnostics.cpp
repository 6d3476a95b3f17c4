#include "chain_diagnostics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ebm::ui {
namespace {

constexpr int kMinRows = 8;
constexpr double kMixedRhat = 1.1;
constexpr double kDriftDominates = 1.0;

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v)
    s += x;
  return v.empty() ? 0 : s / double(v.size());
}

double variance(const std::vector<double>& v) {  // unbiased
  if (v.size() < 2)
    return 0;
  const double m = mean(v);
  double s = 0;
  for (double x : v)
    s += (x - m) * (x - m);
  return s / double(v.size() - 1);
}

double chainEss(const std::vector<double>& x) {
  const size_t n = x.size();
  const double m = mean(x), var = variance(x);
  if (!(var > 0))
    return double(n);  // a constant series: every value is the same sample
  auto rho = [&](size_t k) {
    double s = 0;
    for (size_t t = 0; t + k < n; ++t)
      s += (x[t] - m) * (x[t + k] - m);
    return s / (double(n - 1) * var);
  };
  double tau = -1;  // 1 + 2 sum rho_k, summed in pairs while a pair stays positive (Geyer)
  for (size_t k = 0; k + 1 < n; k += 2) {
    const double pair = rho(k) + rho(k + 1);
    if (pair <= 0)
      break;
    tau += 2 * pair;
  }
  return double(n) / std::max(tau, 1.0 / double(n));
}

// Per-chain energy series over rows [from, to).
std::vector<std::vector<double>> energySeries(const Trace& t, int from, int to) {
  std::vector<std::vector<double>> s(size_t(t.chains));
  for (int r = from; r < to; ++r)
    for (int c = 0; c < t.chains && c < int(t.energy[r].size()); ++c)
      s[size_t(c)].push_back(t.energy[r][c]);
  return s;
}

void fillNorms(ChainDiagnostics& d, const Trace& t) {
  double ratio = 0, grad = 0;
  int nRatio = 0, nGrad = 0;
  for (int r = 0; r < d.rows; ++r) {
    for (int c = 0; c < t.chains; ++c) {
      const float dr = r < int(t.driftNorm.size()) ? t.driftNorm[r][c] : NAN;
      const float no = r < int(t.noiseNorm.size()) ? t.noiseNorm[r][c] : NAN;
      if (std::isfinite(dr) && std::isfinite(no) && no > 0) {
        ratio += dr / no;
        ++nRatio;
      }
    }
  }
  for (int r = d.rows - 1; r >= 0 && nGrad == 0; --r)
    for (int c = 0; r < int(t.gradNorm.size()) && c < t.chains; ++c)
      if (std::isfinite(t.gradNorm[r][c])) {
        grad += t.gradNorm[r][c];
        ++nGrad;
      }
  d.driftToNoise = nRatio ? ratio / nRatio : -1;
  d.gradNorm = nGrad ? grad / nGrad : -1;
}

std::string format(const char* fmt, double a, double b = 0) {
  char buf[240];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

void fillAcceptance(ChainDiagnostics& d, const Trace& t) {
  const TraceRow* row = t.extra(Trace::kMalaAccept);
  if (!row)
    return;
  double sum = 0;
  int n = 0;
  for (int r = 0; r < d.rows && r < int(row->values.size()); ++r) {
    double rowSum = 0;
    int rowN = 0;
    for (float v : row->values[size_t(r)])
      if (std::isfinite(v)) {
        rowSum += v;
        ++rowN;
      }
    if (rowN) {
      sum += rowSum / rowN;
      ++n;
    }
  }
  d.malaMoves = n;
  d.malaAccept = n ? sum / n : -1;
}

void judge(ChainDiagnostics& d, const Trace& t) {
  if (t.diverged) {
    d.verdict = ChainDiagnostics::Verdict::TooLarge;
    d.reason = "step too large: the chain diverged (" + t.message + ")";
    return;
  }
  if (d.malaAccept >= 0 && d.malaAccept < kLowAcceptance) {
    d.verdict = ChainDiagnostics::Verdict::TooLarge;
    d.reason = format("step too large: a MALA correction would accept only %.0f %% of the moves "
                      "(under %.0f %%): each step overshoots what exp(-E/T) allows",
                      100 * d.malaAccept, 100 * kLowAcceptance);
    return;
  }
  if (d.rows < kMinRows)
    return;
  const auto first = energySeries(t, 0, 1), last = energySeries(t, d.rows - 1, d.rows);
  std::vector<double> e0, e1;
  for (const auto& s : first)
    e0.insert(e0.end(), s.begin(), s.end());
  for (const auto& s : last)
    e1.insert(e1.end(), s.begin(), s.end());
  const double rise = mean(e1) - mean(e0), spread = std::sqrt(variance(e0));
  if (rise > std::max(spread, 1e-12) && d.driftToNoise > kDriftDominates) {
    d.verdict = ChainDiagnostics::Verdict::TooLarge;
    d.reason = format("step too large: the energy rose by %.3g although the drift dominates "
                      "the noise (%.3g x): the steps overshoot",
                      rise, d.driftToNoise);
    return;
  }
  if (d.rhat > kMixedRhat && d.driftToNoise >= 0 && d.driftToNoise < kDriftDominates) {
    d.verdict = ChainDiagnostics::Verdict::TooSmall;
    d.reason = format("step too small or too few steps: R-hat %.3g, the chains have not mixed "
                      "and the drift is %.3g x the noise",
                      d.rhat, d.driftToNoise);
    return;
  }
  if (d.rhat > kMixedRhat) {
    // The drift dominates and no step overshoots, yet the chains disagree: they are still on
    // their way (a short run from fixed starts at low temperature is built this way).
    d.verdict = ChainDiagnostics::Verdict::TooSmall;
    d.reason = format("too few steps: R-hat %.3g, the chains have not mixed yet although the "
                      "drift dominates (%.3g x the noise); more steps or a larger step",
                      d.rhat, d.driftToNoise);
    return;
  }
  d.verdict = ChainDiagnostics::Verdict::Fine;
  d.reason = "no sign of a bad step size";
}

} // namespace

double splitRhat(const std::vector<std::vector<double>>& series) {
  std::vector<std::vector<double>> halves;
  for (const auto& s : series) {
    if (s.size() < 4)
      return -1;
    const size_t h = s.size() / 2;
    halves.emplace_back(s.begin(), s.begin() + long(h));
    halves.emplace_back(s.end() - long(h), s.end());
  }
  if (halves.size() < 4)
    return -1;
  const double n = double(halves.front().size());
  std::vector<double> means, vars;
  for (const auto& h : halves) {
    means.push_back(mean(h));
    vars.push_back(variance(h));
  }
  const double w = mean(vars), b = n * variance(means);
  if (!(w > 0))
    return -1;
  return std::sqrt(((n - 1) / n * w + b / n) / w);
}

double effectiveSampleSize(const std::vector<std::vector<double>>& series) {
  double total = 0;
  for (const auto& s : series) {
    if (s.size() < 4)
      return -1;
    total += chainEss(s);
  }
  return series.empty() ? -1 : total;
}

std::vector<double> autocorrelation(const std::vector<std::vector<double>>& series, int maxLag) {
  size_t shortest = series.empty() ? 0 : series.front().size();
  for (const auto& s : series)
    shortest = std::min(shortest, s.size());
  if (shortest < 2)
    return {};
  const int lags = std::min(maxLag, int(shortest) - 1);
  std::vector<double> rho(size_t(lags + 1), 0.0);
  for (const auto& x : series) {
    const double m = mean(x), var = variance(x);
    for (int k = 0; k <= lags; ++k) {
      if (!(var > 0)) {
        rho[size_t(k)] += 1;
        continue;
      }
      double s = 0;
      for (size_t i = 0; i + size_t(k) < x.size(); ++i)
        s += (x[i] - m) * (x[i + size_t(k)] - m);
      rho[size_t(k)] += s / (double(x.size() - 1) * var);
    }
  }
  for (double& r : rho)
    r /= double(series.size());
  return rho;
}

ChainDiagnostics chainDiagnostics(const Trace& t, int step) {
  ChainDiagnostics d;
  const auto end = step < 0 ? t.steps.end() : std::upper_bound(t.steps.begin(), t.steps.end(), step);
  d.rows = std::min<int>(int(end - t.steps.begin()), int(t.energy.size()));
  if (d.rows == 0 || t.chains <= 0)
    return d;
  fillNorms(d, t);
  fillAcceptance(d, t);
  if (d.rows >= kMinRows) {
    const auto window = energySeries(t, d.rows / 2, d.rows);
    d.rhat = splitRhat(window);
    d.ess = effectiveSampleSize(window);
    d.autocorrelation = autocorrelation(window, kMaxAutocorrelationLag);
  }
  judge(d, t);
  return d;
}

} // namespace ebm::ui
