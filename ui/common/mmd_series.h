// MmdSeries: how far a running 2-D chain is from the data, step by step: the squared MMD between
// the chain positions of each trace snapshot and a data sample (the landscape's held-out points),
// with the sum of RBF kernels at the bandwidths `eval-toy` uses (0.02 ... 1). The unbiased
// estimator (no self-pairs), so a few dozen chains do not read as far from the data merely for
// being few; it can dip slightly below zero when a chain set matches the data. The series grows
// as a trace does, a bounded number of snapshots per update, so a front end can call it every
// frame, or on a thread of its own (measure on a copy, add the result). Plain C++ over core/api;
// one thread at a time per object.
#pragma once

#include "trace.h"

#include <cstddef>
#include <vector>

namespace ebm::ui {

/// Unbiased squared MMD between two sets of 2-D points ((x, y) pairs, row-major), each of at
/// least two finite points; non-finite points are left out. NaN when either set has fewer than
/// two finite points.
double mmdSquared(const std::vector<float>& a, const std::vector<float>& b);

struct MmdPoint {
  int step = 0;
  int level = -1;      // noise level of the step (-1: the chain has none)
  double mmd2 = 0;
};

class MmdSeries {
public:
  /// The data the chains are measured against; clears the series when it changes.
  void setData(const std::vector<float>& xy);
  bool hasData() const { return m_data.size() >= 4; }
  /// Forgets the points (a new chain begins).
  void clear();
  /// Measures up to `maxNew` snapshots of `trace` not measured yet, oldest first; returns how
  /// many it measured. Traces that are not 2-D add nothing.
  int update(const Trace& trace, int maxNew = 4);
  /// The points update() would add, without adding them. A const function of a copy, so a front
  /// end may run it on a thread of its own and add() the result on its GUI thread.
  std::vector<MmdPoint> measure(const Trace& trace, int maxNew) const;
  /// Adds measured points (steps already measured are skipped).
  void add(const std::vector<MmdPoint>& points);
  /// Snapshots of `trace` still to measure.
  int pending(const Trace& trace) const;
  /// The points so far, by step.
  const std::vector<MmdPoint>& points() const { return m_points; }

private:
  bool measured(int step) const;
  void insert(const MmdPoint& p);

  std::vector<float> m_data;
  double m_dataTerm = 0;   // the data-data kernel mean, computed once per data set
  std::vector<MmdPoint> m_points;
};

} // namespace ebm::ui
