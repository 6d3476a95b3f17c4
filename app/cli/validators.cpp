#include "validators.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace ebm::cli {

namespace {

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// Parses the whole string as a number; false for text, trailing junk or an empty string.
bool parseNumber(const std::string& text, double& value) {
  if (text.empty())
    return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end && *end == '\0';
}

std::string rangeText(double lo, double hi, bool loExclusive) {
  if (std::isinf(hi))
    return (loExclusive ? "> " : ">= ") + number(lo);
  return std::string("in ") + (loExclusive ? "(" : "[") + number(lo) + ", " + number(hi) + "]";
}

} // namespace

CLI::Validator realIn(double lo, double hi, bool loExclusive) {
  const std::string range = rangeText(lo, hi, loExclusive);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double v = 0;
        if (!parseNumber(text, v))
          return text + ": must be a number " + range;
        if (!std::isfinite(v))
          return text + ": must be a finite number " + range;
        if (v < lo || (loExclusive && v == lo) || v > hi)
          return text + ": must be " + range;
        return {};
      },
      "NUMBER " + range);
}

CLI::Validator wholeIn(double lo, double hi) {
  const std::string range = rangeText(lo, hi, false);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double v = 0;
        if (!parseNumber(text, v) || !std::isfinite(v) || v != std::floor(v))
          return text + ": must be a whole number " + range;
        if (v < lo || v > hi)
          return text + ": must be " + range;
        return {};
      },
      "INT " + range);
}

CLI::Validator threadCount() {
  return wholeIn(0, 1024);
}

} // namespace ebm::cli
