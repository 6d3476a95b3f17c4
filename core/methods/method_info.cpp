#include "method_info.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ebm {
namespace {

std::string formatNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string rangeText(const SettingSpec& s) {
  std::ostringstream os;
  os << "must be " << (s.minExclusive ? "> " : ">= ") << s.min << " and <= " << s.max;
  return os.str();
}

} // namespace

double SettingValues::number(const std::string& key, double fallback) const {
  auto it = numbers.find(key);
  return it == numbers.end() ? fallback : it->second;
}

int SettingValues::integer(const std::string& key, int fallback) const {
  return static_cast<int>(std::lround(number(key, fallback)));
}

bool SettingValues::flag(const std::string& key, bool fallback) const {
  return number(key, fallback ? 1.0 : 0.0) != 0.0;
}

std::string SettingValues::choice(const std::string& key, const std::string& fallback) const {
  auto it = choices.find(key);
  return it == choices.end() ? fallback : it->second;
}

void SettingValues::merge(const SettingValues& other) {
  for (const auto& [k, v] : other.numbers)
    numbers[k] = v;
  for (const auto& [k, v] : other.choices)
    choices[k] = v;
}

const ChainSpec* MethodInfo::chain(const std::string& name) const {
  for (const auto& c : chains)
    if (c.name == name)
      return &c;
  return nullptr;
}

std::string validateSettings(const ChainSpec& spec, const SettingValues& values) {
  const auto find = [&](const std::string& key) -> const SettingSpec* {
    for (const auto& s : spec.settings)
      if (s.key == key)
        return &s;
    return nullptr;
  };
  const std::string prefix = spec.name + ".";
  for (const auto& [key, v] : values.numbers) {
    const SettingSpec* s = find(key);
    if (!s)
      return prefix + key + ": unknown setting of the " + spec.name + "-chain";
    const std::string head = prefix + key + " = " + formatNumber(v) + ": ";
    if (s->type == SettingType::Choice)
      return head + "expects one of its choices, not a number";
    if (!std::isfinite(v))
      return head + "must be a finite number";
    if (s->type == SettingType::Bool && v != 0.0 && v != 1.0)
      return head + "must be true or false";
    if (s->type == SettingType::Int && v != std::floor(v))
      return head + "must be a whole number";
    if (s->type == SettingType::Int || s->type == SettingType::Real) {
      const bool low = s->minExclusive ? v <= s->min : v < s->min;
      if (low || v > s->max)
        return head + rangeText(*s);
    }
  }
  for (const auto& [key, v] : values.choices) {
    const SettingSpec* s = find(key);
    if (!s)
      return prefix + key + ": unknown setting of the " + spec.name + "-chain";
    if (s->type != SettingType::Choice)
      return prefix + key + " = \"" + v + "\": expects a number";
    if (std::find(s->choices.begin(), s->choices.end(), v) == s->choices.end()) {
      std::string allowed;
      for (const auto& c : s->choices)
        allowed += (allowed.empty() ? "" : " | ") + c;
      return prefix + key + " = \"" + v + "\": must be one of " + allowed;
    }
  }
  return {};
}

SettingValues defaultSettings(const ChainSpec& spec) {
  SettingValues v;
  for (const auto& s : spec.settings) {
    if (s.type == SettingType::Choice)
      v.choices[s.key] = s.defaultChoice;
    else
      v.numbers[s.key] = s.defaultValue;
  }
  return v;
}

std::vector<std::string> describeChanges(const SettingValues& before, const SettingValues& after) {
  std::vector<std::string> out;
  for (const auto& [key, v] : after.numbers) {
    auto it = before.numbers.find(key);
    if (it != before.numbers.end() && it->second != v)
      out.push_back(key + " " + formatNumber(it->second) + " -> " + formatNumber(v));
  }
  for (const auto& [key, v] : after.choices) {
    auto it = before.choices.find(key);
    if (it != before.choices.end() && it->second != v)
      out.push_back(key + " " + it->second + " -> " + v);
  }
  return out;
}

} // namespace ebm
