// RevisionInsight: what a revision did up to the step a front end shows, in numbers a class can
// read: per chain, how far the state moved from t = 0 (RMS over its entries) and how much its
// energy dropped; the amplification that makes the change visible; the temperature (n/s)^2 of
// the chain's settings, and a sentence when the change is tiny because the temperature is low by
// design. Computed from the one trace shown, never from another. Plain C++ over core/api.
#pragma once

#include "trace.h"

#include <string>
#include <vector>

namespace ebm::ui {

struct RevisionInsight {
  int step = -1;                     // the snapshot step the numbers are for (-1: none)
  std::vector<float> displacement;   // per chain: RMS over entries of x_t - x_0
  std::vector<float> energyDrop;     // per chain: E(x_0) - E(x_t) (positive = lower energy)
  double meanDisplacement = 0, meanEnergyDrop = 0;
  double stateScale = 0;             // RMS of x_0 over chains and entries (the yardstick)
  double maxAbsChange = 0;           // max |x_t - x_0| over every entry (for amplification)
  double stepSize = 0, noise = 0;    // in force at that step (0 when the chain has none)
  double temperature = -1;           // (n / s)^2, -1 when undefined
  bool lowTemperature = false;       // T < 0.01: the chain mostly descends the energy
  bool tiny = false;                 // the change is below 5 % of the state's scale
  std::string explanation;           // one line for the screen ("" when nothing to explain)

  /// Relative displacement (mean RMS change over the state's RMS), 0 when undefined.
  double relativeChange() const { return stateScale > 0 ? meanDisplacement / stateScale : 0; }
  /// A factor that maps the largest change to full scale, rounded to 1, 2 or 5 x 10^k.
  double amplification() const;
};

/// The insight for `trace` at `step` (the last snapshot at or before it; the latest when
/// step < 0). States are the trace's own (for latent chains, the decoded images when
/// `decoded` is true). Empty (step = -1) when the trace has no snapshot at t = 0.
RevisionInsight revisionInsight(const Trace& trace, int step, bool decoded = false);

/// The snapshot shown at `step`: the last one at or before it (the latest when step < 0);
/// nullptr when there is none.
const TraceSnapshot* snapshotUpTo(const Trace& trace, int step);

/// Formats a number for the screen with about three significant digits ("0.0123", "1.2e-05").
std::string shortNumber(double v);

} // namespace ebm::ui
