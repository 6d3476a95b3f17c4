#include "bench_report.h"

#include <cmath>
#include <cstdio>
#include <fstream>

namespace ebm::ui {
namespace {

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v))
    return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

} // namespace

BenchReport& BenchReport::number(const std::string& key, double value, int decimals) {
  m_fields.emplace_back(key, fixed(value, decimals));
  return *this;
}

BenchReport& BenchReport::integer(const std::string& key, long long value) {
  m_fields.emplace_back(key, std::to_string(value));
  return *this;
}

BenchReport& BenchReport::intervals(const std::string& key, const IntervalSummary& s,
                                    int targetMs) {
  BenchReport inner;
  if (targetMs >= 0)
    inner.integer("target", targetMs);
  inner.number("p50", s.p50, 2).number("p99", s.p99, 2).number("max", s.max, 2);
  inner.integer("count", static_cast<long long>(s.count));
  return object(key, inner);
}

BenchReport& BenchReport::object(const std::string& key, const BenchReport& inner) {
  m_fields.emplace_back(key, inner.inlineJson());
  return *this;
}

BenchReport& BenchReport::null(const std::string& key) {
  m_fields.emplace_back(key, "null");
  return *this;
}

std::string BenchReport::json() const {
  std::string out = "{\n";
  for (size_t i = 0; i < m_fields.size(); ++i)
    out += "  \"" + m_fields[i].first + "\": " + m_fields[i].second +
           (i + 1 < m_fields.size() ? ",\n" : "\n");
  return out + "}\n";
}

std::string BenchReport::inlineJson() const {
  std::string out = "{";
  for (size_t i = 0; i < m_fields.size(); ++i)
    out += (i ? ", \"" : "\"") + m_fields[i].first + "\": " + m_fields[i].second;
  return out + "}";
}

bool BenchReport::publish(const std::string& path) const {
  const std::string text = json();
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  if (path.empty())
    return true;
  std::ofstream f(path);
  if (!(f << text) || !f.flush()) {
    std::fprintf(stderr, "bench: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

} // namespace ebm::ui
