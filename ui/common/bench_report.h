// BenchReport: the JSON both front ends' frame benchmarks print (ebm-lab --bench, ebm-viewer
// --bench): named fields in the order they were added, numbers with fixed decimals, interval
// summaries as {"p50", "p99", "max", "count"}, nested objects on one line. Plain C++.
#pragma once

#include "frame_stats.h"

#include <string>
#include <utility>
#include <vector>

namespace ebm::ui {

class BenchReport {
public:
  BenchReport& number(const std::string& key, double value, int decimals = 1);
  BenchReport& integer(const std::string& key, long long value);
  /// An interval summary; with a target (ms) it comes first, as {"target": 33, "p50": ...}.
  BenchReport& intervals(const std::string& key, const IntervalSummary& s, int targetMs = -1);
  BenchReport& object(const std::string& key, const BenchReport& inner);
  BenchReport& null(const std::string& key);

  /// One field a line, two spaces in, as the README quotes it.
  std::string json() const;
  /// {"a": 1, "b": 2} on one line.
  std::string inlineJson() const;
  /// Prints json() to stdout and writes it to `path` when one is given; false (said on stderr)
  /// when the file could not be written.
  bool publish(const std::string& path) const;

private:
  std::vector<std::pair<std::string, std::string>> m_fields;  // key, JSON value
};

} // namespace ebm::ui
