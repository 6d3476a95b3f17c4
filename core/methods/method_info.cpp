#include "method_info.h"

#include "errors.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace ebm {
namespace {

std::string formatNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// A value in a validation message: a whole number as an integer (10000000000, not 1e+10),
// anything else in its shortest exact form.
std::string formatValue(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// "must be > 0 and <= 100"; an infinite bound is left out ("must be > 0").
std::string rangeText(const SettingSpec& s) {
  std::ostringstream os;
  os << "must be";
  if (std::isfinite(s.min))
    os << (s.minExclusive ? " > " : " >= ") << s.min;
  if (std::isfinite(s.min) && std::isfinite(s.max))
    os << " and";
  if (std::isfinite(s.max))
    os << (s.maxExclusive ? " < " : " <= ") << s.max;
  return os.str();
}

const SettingSpec* findSpec(const std::vector<SettingSpec>& schema, const std::string& key) {
  for (const auto& s : schema)
    if (s.key == key)
      return &s;
  return nullptr;
}

// Checks `values` against `schema`; `name` prefixes every key, `owner` says whose setting an
// unknown key is not ("the x-chain", "the train table").
std::string validateAgainst(const std::string& name, const std::string& owner,
                            const std::vector<SettingSpec>& schema, const SettingValues& values) {
  const std::string prefix = name + ".";
  for (const auto& [key, v] : values.numbers) {
    const SettingSpec* s = findSpec(schema, key);
    if (!s)
      return prefix + key + ": unknown setting of " + owner;
    const std::string head = prefix + key + " = " + formatValue(v) + ": ";
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
      const bool high = s->maxExclusive ? v >= s->max : v > s->max;
      if (low || high)
        return head + rangeText(*s);
    }
  }
  for (const auto& [key, v] : values.choices) {
    const SettingSpec* s = findSpec(schema, key);
    if (!s)
      return prefix + key + ": unknown setting of " + owner;
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

const SettingsTable* MethodInfo::table(const std::string& name) const {
  for (const auto& t : tables)
    if (t.name == name)
      return &t;
  return nullptr;
}

const std::vector<SettingSpec>* MethodInfo::schema(const std::string& name) const {
  if (const ChainSpec* c = chain(name))
    return &c->settings;
  if (const SettingsTable* t = table(name))
    return &t->settings;
  return nullptr;
}

std::string validateSettings(const ChainSpec& spec, const SettingValues& values) {
  return validateAgainst(spec.name, "the " + spec.name + "-chain", spec.settings, values);
}

std::string validateSettings(const SettingsTable& table, const SettingValues& values) {
  return validateAgainst(table.name, "the " + table.name + " table", table.settings, values);
}

SettingValues defaultSettings(const ChainSpec& spec) { return defaultSettings(spec.settings); }

SettingValues defaultSettings(const std::vector<SettingSpec>& schema) {
  SettingValues v;
  for (const auto& s : schema) {
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

SettingSpec numberSetting(std::string key, std::string label, SettingType type, double min,
                          double max, double defaultValue, std::string tooltip, bool live) {
  SettingSpec s;
  s.key = std::move(key);
  s.label = std::move(label);
  s.type = type;
  s.min = min;
  s.max = max;
  s.defaultValue = defaultValue;
  s.tooltip = std::move(tooltip);
  s.live = live;
  return s;
}

SettingSpec choiceSetting(std::string key, std::string label, std::vector<std::string> choices,
                          std::string tooltip, std::string defaultChoice) {
  SettingSpec s;
  s.key = std::move(key);
  s.label = std::move(label);
  s.type = SettingType::Choice;
  s.defaultChoice = defaultChoice.empty() && !choices.empty() ? choices.front() : defaultChoice;
  s.choices = std::move(choices);
  s.tooltip = std::move(tooltip);
  s.live = false;
  return s;
}

SettingValues conditioningSettings(const ChainSpec& chain, const std::vector<int>& labels,
                                   const std::vector<double>& weights, double guidance) {
  auto has = [&](const std::string& key) {
    return std::any_of(chain.settings.begin(), chain.settings.end(),
                       [&](const SettingSpec& s) { return s.key == key; });
  };
  SettingValues v;
  if (labels.empty() && weights.empty() && guidance < 0)
    return v;
  if (!has("guidance"))
    throw ConfigError("labels and guidance: the " + chain.name +
                      "-chain of this model takes no labels (train a class-conditional model)");
  if (!weights.empty() && weights.size() != labels.size())
    throw ConfigError("give one weight per label (" + std::to_string(labels.size()) +
                      " labels, " + std::to_string(weights.size()) + " weights)");
  for (size_t j = 0; j < labels.size(); ++j) {
    const std::string suffix = j == 0 ? "" : "_" + std::to_string(j + 1);
    if (!has("label" + suffix))
      throw ConfigError("labels: at most " + std::to_string(j) + " compose in the " + chain.name +
                        "-chain");
    if (labels[j] < 0)
      throw ConfigError("labels: class indices are >= 0, not " + std::to_string(labels[j]));
    v.choices["label" + suffix] = std::to_string(labels[j]);
    if (!weights.empty())
      v.numbers["weight" + suffix] = weights[j];
  }
  if (guidance >= 0)
    v.numbers["guidance"] = guidance;
  return v;
}

} // namespace ebm
