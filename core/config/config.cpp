// RunConfig I/O and validation. Every field is described once, in fieldsOf(): its TOML key, a
// pointer to the member and its validity rule. Reading, writing, overrides, the unknown-key check
// and validate() all walk that one table, so adding a field is a one-line change.
#include "config.h"

#include "errors.h"
#include "methods/method.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace ebm {
namespace {

namespace fs = std::filesystem;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::string_view kPresetDir = "presets";
constexpr std::string_view kSamplerDir = "samplers";

// ---------------------------------------------------------------------------------------------
// Field registry

/// The member a field reads and writes; the alternative also fixes the TOML type.
using FieldRef = std::variant<bool*, int*, long*, unsigned long long*, double*, std::string*,
                              std::vector<int>*>;

/// What values a field accepts. Numbers use an interval or a value set, strings a name set.
struct Rule {
  enum class Kind { Any, Interval, Values, Names, NonEmpty };
  Kind kind = Kind::Any;
  double lo = -kInf;
  double hi = kInf;
  bool loOpen = false;
  bool hiOpen = false;
  std::vector<double> values;
  std::vector<std::string_view> names;
};

Rule interval(double lo, bool loOpen, double hi, bool hiOpen) {
  Rule r;
  r.kind = Rule::Kind::Interval;
  r.lo = lo;
  r.loOpen = loOpen;
  r.hi = hi;
  r.hiOpen = hiOpen;
  return r;
}
Rule between(double lo, double hi) { return interval(lo, false, hi, false); }
Rule atLeast(double lo) { return interval(lo, false, kInf, false); }
Rule above(double lo) { return interval(lo, true, kInf, false); }
Rule valuesIn(std::vector<double> values) {
  Rule r;
  r.kind = Rule::Kind::Values;
  r.values = std::move(values);
  return r;
}
Rule oneOf(std::vector<std::string_view> names) {
  Rule r;
  r.kind = Rule::Kind::Names;
  r.names = std::move(names);
  return r;
}
Rule nonEmpty() {
  Rule r;
  r.kind = Rule::Kind::NonEmpty;
  return r;
}

struct Field {
  std::string_view section;  // "" for top-level keys
  std::string_view key;
  FieldRef ref;
  Rule rule;
  bool (*applies)(const RunConfig&) = nullptr;  // the rule is checked only when this is true

  std::string name() const {
    return section.empty() ? std::string(key) : std::string(section) + "." + std::string(key);
  }
};

bool isMlp(const RunConfig& c) { return c.model.family == "mlp"; }
bool isConv(const RunConfig& c) { return c.model.family == "conv"; }

/// The one description of every field, in file order. Top-level keys come first because TOML
/// puts everything after a [table] header into that table.
std::vector<Field> fieldsOf(RunConfig& c) {
  const Rule width = between(1, 4096);
  const Rule steps = between(0, 100000);
  const Rule every = between(1, 100000);
  const Rule stepSize = interval(0, true, 100, false);
  const Rule noise = between(0, 100);
  const Rule positive = above(0);
  const Rule nonNegative = atLeast(0);
  const Rule beta = interval(0, false, 1, true);
  const Rule xInit = oneOf({"generator", "gaussian", "uniform", "batch"});
  const Rule zInit = oneOf({"inference", "inference-mean", "gaussian", "uniform"});
  ModelConfig& m = c.model;
  LangevinXConfig& x = c.x;
  LangevinZConfig& z = c.z;
  TrainConfig& t = c.train;
  DataConfig& d = c.data;
  RuntimeConfig& r = c.runtime;
  return {
      {"", "name", &c.name, {}},

      {"model", "family", &m.family, oneOf({"mlp", "conv"})},
      {"model", "data_dim", &m.dataDim, atLeast(1), isMlp},
      {"model", "image_size", &m.imageSize, valuesIn({28, 32, 64}), isConv},
      {"model", "channels", &m.channels, valuesIn({1, 3}), isConv},
      {"model", "nz", &m.nz, width},
      {"model", "ebm_width", &m.ebmWidth, width},
      {"model", "gen_width", &m.genWidth, width},
      {"model", "inf_width", &m.infWidth, width},
      {"model", "gen_tanh", &m.genTanh, {}},
      {"model", "spectral_norm", &m.spectralNorm, {}},

      {"x", "steps", &x.steps, steps},
      {"x", "step_size", &x.stepSize, stepSize},
      {"x", "noise", &x.noise, noise},
      {"x", "snapshot_every", &x.snapshotEvery, every},
      {"x", "init", &x.init, xInit},

      {"z", "steps", &z.steps, steps},
      {"z", "step_size", &z.stepSize, stepSize},
      {"z", "noise", &z.noise, noise},
      {"z", "sigma", &z.sigma, positive},
      {"z", "prior_sigma", &z.priorSigma, positive},
      {"z", "half_sse", &z.halfSse, {}},
      {"z", "snapshot_every", &z.snapshotEvery, every},
      {"z", "init", &z.init, zInit},

      {"train", "method", &t.method, nonEmpty()},
      {"train", "mode", &t.mode, oneOf({"dual", "cooperative", "short-run"})},
      {"train", "batch_size", &t.batchSize, between(1, 100000)},
      {"train", "iterations", &t.iterations, nonNegative},
      {"train", "iters_per_epoch", &t.itersPerEpoch, nonNegative},
      {"train", "lr_e", &t.lrE, positive},
      {"train", "lr_g", &t.lrG, positive},
      {"train", "lr_i", &t.lrI, positive},
      {"train", "wd_e", &t.wdE, nonNegative},
      {"train", "wd_g", &t.wdG, nonNegative},
      {"train", "wd_i", &t.wdI, nonNegative},
      {"train", "beta1", &t.beta1, beta},
      {"train", "beta2", &t.beta2, beta},
      {"train", "lr_decay", &t.lrDecay, interval(0, true, 1, false)},
      {"train", "g_factor", &t.gFactor, nonNegative},
      {"train", "s_factor", &t.sFactor, nonNegative},
      {"train", "i_factor", &t.iFactor, nonNegative},
      {"train", "two_chains", &t.twoChains, {}},
      {"train", "use_temperature", &t.useTemperature, {}},
      {"train", "checkpoint_every", &t.checkpointEvery, nonNegative},
      {"train", "log_every", &t.logEvery, atLeast(1)},
      {"train", "seed", &t.seed, {}},

      {"data", "kind", &d.kind, oneOf({"toy2d", "fashion-mnist", "idx", "cifar10", "folder"})},
      {"data", "toy", &d.toy,
       oneOf({"8gaussians", "25gaussians", "rings", "moons", "swissroll", "checkerboard",
              "pinwheel"})},
      {"data", "path", &d.path, {}},
      {"data", "pad32", &d.pad32, {}},
      {"data", "limit", &d.limit, nonNegative},
      {"data", "test_fraction", &d.testFraction, interval(0, true, 1, true)},
      {"data", "crop", &d.crop, oneOf({"center", "box"})},
      {"data", "crop_box", &d.cropBox, {}},  // checked in validate(): a square box
      {"data", "flip", &d.flip, {}},

      {"runtime", "device", &r.device, oneOf({"auto", "cpu", "cuda"})},
      {"runtime", "threads", &r.threads, between(0, 1024)},
  };
}

/// Read-only view of the registry. The fields are only read through it, so the cast is safe.
std::vector<Field> fieldsOf(const RunConfig& c) { return fieldsOf(const_cast<RunConfig&>(c)); }

const Field* findField(const std::vector<Field>& fields, std::string_view section,
                       std::string_view key) {
  for (const Field& f : fields)
    if (f.section == section && f.key == key)
      return &f;
  return nullptr;
}

bool isSection(const std::vector<Field>& fields, std::string_view name) {
  return !name.empty() && std::any_of(fields.begin(), fields.end(),
                                      [&](const Field& f) { return f.section == name; });
}

// ---------------------------------------------------------------------------------------------
// Formatting

/// Shortest decimal form that parses back to the same double (std::to_chars guarantees it).
std::string formatDouble(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  // "1e-04" is valid TOML, but "1e-4" is what people write.
  const auto e = s.find('e');
  if (e != std::string::npos) {
    std::size_t digits = e + 1;
    if (digits < s.size() && (s[digits] == '-' || s[digits] == '+'))
      ++digits;
    std::size_t firstKept = digits;
    while (firstKept + 1 < s.size() && s[firstKept] == '0')
      ++firstKept;
    s.erase(digits, firstKept - digits);
  }
  return s;
}

/// A TOML float literal: an integral value needs ".0" or it would read back as an integer.
std::string tomlDouble(double v) {
  std::string s = formatDouble(v);
  if (std::isfinite(v) && s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

/// A TOML basic string with the escapes the spec requires.
std::string quoteToml(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\f': out += "\\f"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
        out += buf;
      } else {
        out += ch;
      }
    }
  }
  out += '"';
  return out;
}

template <class Range>
std::string join(const Range& items, std::string_view sep) {
  std::ostringstream out;
  bool first = true;
  for (const auto& item : items) {
    if (!first)
      out << sep;
    out << item;
    first = false;
  }
  return out.str();
}

/// The field's value as TOML source. The seed is written as the int64 with the same bits,
/// because TOML integers are signed 64-bit.
std::string tomlValue(const FieldRef& ref) {
  return std::visit(
      [](auto* p) -> std::string {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, bool>)
          return *p ? "true" : "false";
        else if constexpr (std::is_same_v<T, double>)
          return tomlDouble(*p);
        else if constexpr (std::is_same_v<T, std::string>)
          return quoteToml(*p);
        else if constexpr (std::is_same_v<T, unsigned long long>)
          return std::to_string(static_cast<std::int64_t>(*p));
        else if constexpr (std::is_same_v<T, std::vector<int>>)
          return "[" + join(*p, ", ") + "]";
        else
          return std::to_string(*p);
      },
      ref);
}

/// The field's value as shown in error messages ("-1" rather than the TOML "-1.0").
std::string displayValue(const FieldRef& ref) {
  if (const auto* d = std::get_if<double*>(&ref))
    return formatDouble(**d);
  if (const auto* u = std::get_if<unsigned long long*>(&ref))
    return std::to_string(**u);
  return tomlValue(ref);
}

// ---------------------------------------------------------------------------------------------
// Validation

std::string describeInterval(const Rule& r) {
  std::vector<std::string> parts;
  if (std::isfinite(r.lo))
    parts.push_back((r.loOpen ? "> " : ">= ") + formatDouble(r.lo));
  if (std::isfinite(r.hi))
    parts.push_back((r.hiOpen ? "< " : "<= ") + formatDouble(r.hi));
  return join(parts, " and ");
}

/// What is wrong with the field's current value, or nothing.
std::optional<std::string> violation(const Field& f) {
  const Rule& r = f.rule;
  if (const auto* s = std::get_if<std::string*>(&f.ref)) {
    const std::string& v = **s;
    if (r.kind == Rule::Kind::NonEmpty && v.empty())
      return "must not be empty";
    if (r.kind == Rule::Kind::Names &&
        std::find(r.names.begin(), r.names.end(), v) == r.names.end())
      return "must be one of " + join(r.names, ", ");
    return std::nullopt;
  }
  if (std::holds_alternative<bool*>(f.ref) || std::holds_alternative<std::vector<int>*>(f.ref))
    return std::nullopt;  // lists are checked as a whole in validate()

  const double v = std::visit(
      [](auto* p) -> double {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_arithmetic_v<T>)
          return static_cast<double>(*p);
        else
          return 0.0;  // strings were handled above
      },
      f.ref);
  // NaN fails every comparison below anyway; infinity would slip through "> 0".
  if (std::holds_alternative<double*>(f.ref) && !std::isfinite(v))
    return "must be a finite number";
  if (r.kind == Rule::Kind::Interval) {
    const bool loOk = r.loOpen ? v > r.lo : v >= r.lo;
    const bool hiOk = r.hiOpen ? v < r.hi : v <= r.hi;
    if (!loOk || !hiOk)
      return "must be " + describeInterval(r);
  }
  if (r.kind == Rule::Kind::Values &&
      std::find(r.values.begin(), r.values.end(), v) == r.values.end()) {
    std::vector<std::string> shown;
    for (const double allowed : r.values)
      shown.push_back(formatDouble(allowed));
    return "must be " + join(shown, " or ");
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Reading

std::string_view typeName(const toml::node& n) {
  switch (n.type()) {
  case toml::node_type::table: return "table";
  case toml::node_type::array: return "array";
  case toml::node_type::string: return "string";
  case toml::node_type::integer: return "integer";
  case toml::node_type::floating_point: return "float";
  case toml::node_type::boolean: return "boolean";
  case toml::node_type::date: return "date";
  case toml::node_type::time: return "time";
  case toml::node_type::date_time: return "date-time";
  default: return "nothing";
  }
}

std::string where(const toml::source_region& src, const std::string& origin) {
  return origin + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

[[noreturn]] void typeError(const Field& f, const toml::node& n, std::string_view expected,
                            const std::string& origin) {
  throw ConfigError(f.name() + ": expected " + std::string(expected) + ", got " +
                    std::string(typeName(n)) + " (" + where(n.source(), origin) + ")");
}

/// Stores a TOML value into the field, checking its type (integers are fine for floats).
void readField(const Field& f, const toml::node& n, const std::string& origin) {
  std::visit(
      [&](auto* p) {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, bool>) {
          const auto* v = n.as_boolean();
          if (!v)
            typeError(f, n, "a boolean", origin);
          *p = v->get();
        } else if constexpr (std::is_same_v<T, std::string>) {
          const auto* v = n.as_string();
          if (!v)
            typeError(f, n, "a string", origin);
          *p = v->get();
        } else if constexpr (std::is_same_v<T, std::vector<int>>) {
          const auto* a = n.as_array();
          if (!a)
            typeError(f, n, "an array of integers", origin);
          std::vector<int> values;
          for (const toml::node& e : *a) {
            const auto* i = e.as_integer();
            if (!i)
              typeError(f, e, "an array of integers", origin);
            if (i->get() < std::numeric_limits<int>::min() ||
                i->get() > std::numeric_limits<int>::max())
              throw ConfigError(f.name() + ": " + std::to_string(i->get()) + " is out of range (" +
                                where(e.source(), origin) + ")");
            values.push_back(static_cast<int>(i->get()));
          }
          *p = std::move(values);
        } else if constexpr (std::is_same_v<T, double>) {
          if (const auto* d = n.as_floating_point())
            *p = d->get();
          else if (const auto* i = n.as_integer())
            *p = static_cast<double>(i->get());
          else
            typeError(f, n, "a number", origin);
        } else {
          const auto* v = n.as_integer();
          if (!v)
            typeError(f, n, "an integer", origin);
          const std::int64_t i = v->get();
          if constexpr (std::is_same_v<T, unsigned long long>) {
            *p = static_cast<unsigned long long>(i);  // same bits as written by tomlValue()
          } else {
            if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max())
              throw ConfigError(f.name() + " = " + std::to_string(i) + ": out of range (" +
                                where(n.source(), origin) + ")");
            *p = static_cast<T>(i);
          }
        }
      },
      f.ref);
}

/// The method's own table: one sub-table of settings per chain (numbers, booleans, strings).
void readMethodTable(RunConfig& cfg, const std::string& name, const toml::node& node,
                     const std::string& origin) {
  const toml::table* table = node.as_table();
  if (!table)
    throw ConfigError(name + ": expected a table, got " + std::string(typeName(node)) + " (" +
                      where(node.source(), origin) + ")");
  for (auto&& [chain, sub] : *table) {
    const std::string prefix = name + "." + std::string(chain.str());
    const toml::table* values = sub.as_table();
    if (!values)
      throw ConfigError(prefix + ": expected a table of one chain's settings, e.g. [" + name +
                        ".<chain>] (" + where(sub.source(), origin) + ")");
    SettingValues& v = cfg.methodSettings[std::string(chain.str())];
    for (auto&& [key, value] : *values) {
      const std::string k(key.str());
      if (const auto* i = value.as_integer())
        v.numbers[k] = static_cast<double>(i->get());
      else if (const auto* f = value.as_floating_point())
        v.numbers[k] = f->get();
      else if (const auto* b = value.as_boolean())
        v.numbers[k] = b->get() ? 1.0 : 0.0;
      else if (const auto* str = value.as_string())
        v.choices[k] = str->get();
      else
        throw ConfigError(prefix + "." + k + ": expected a number, a boolean or a string, got " +
                          std::string(typeName(value)) + " (" + where(value.source(), origin) +
                          ")");
    }
  }
}

/// Merges a parsed document into `cfg`; any key the registry does not know is an error, but for
/// the table of the method the document (or else `cfg`) names in train.method.
void applyTable(RunConfig& cfg, const toml::table& root, const std::string& origin) {
  const std::vector<Field> fields = fieldsOf(cfg);
  const std::string methodTable =
      methodTableName(root["train"]["method"].value_or(cfg.train.method));
  for (auto&& [k, node] : root) {
    const std::string key(k.str());
    if (const Field* f = findField(fields, "", key)) {
      readField(*f, node, origin);
      continue;
    }
    if (key == methodTable) {
      readMethodTable(cfg, key, node, origin);
      continue;
    }
    if (!isSection(fields, key))
      throw ConfigError("unknown " + std::string(node.is_table() ? "table " : "key ") + key +
                        " in " + where(k.source(), origin));
    const toml::table* table = node.as_table();
    if (!table)
      throw ConfigError(key + ": expected a table, got " + std::string(typeName(node)) + " (" +
                        where(node.source(), origin) + ")");
    for (auto&& [k2, node2] : *table) {
      const Field* f = findField(fields, key, k2.str());
      if (!f)
        throw ConfigError("unknown key " + key + "." + std::string(k2.str()) + " in " +
                          where(k2.source(), origin));
      readField(*f, node2, origin);
    }
  }
}

/// Parses TOML without throwing toml++'s own exception type (which depends on TOML_EXCEPTIONS).
std::optional<toml::table> tryParse(const std::string& text, const std::string& origin,
                                    std::string* error) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    if (error)
      *error = where(e.source(), origin) + ": " + std::string(e.description());
    return std::nullopt;
  }
#else
  toml::parse_result result = toml::parse(text, origin);
  if (!result) {
    if (error)
      *error = where(result.error().source(), origin) + ": " +
               std::string(result.error().description());
    return std::nullopt;
  }
  return std::move(result).table();
#endif
}

std::string trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos)
    return {};
  const auto end = s.find_last_not_of(" \t");
  return std::string(s.substr(begin, end - begin + 1));
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string errnoMessage() { return std::error_code(errno, std::generic_category()).message(); }

std::string readConfigText(const std::string& path) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  // ifstream happily "opens" a directory, so check the kind too.
  if (!in || !fs::is_regular_file(path, ec))
    throw ConfigError("cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw ConfigError("cannot read config file " + path + ": " + errnoMessage());
  return text.str();
}

/// Names (without .toml) of the TOML files in `subdir` of every resource directory.
std::vector<std::string> resourceNames(std::string_view subdir) {
  std::set<std::string> names;
  for (const std::string& dir : resourceDirs()) {
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(dir) / subdir, ec), end; !ec && it != end;
         it.increment(ec)) {
      std::error_code typeEc;
      if (it->path().extension() == ".toml" && it->is_regular_file(typeEc))
        names.insert(it->path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

/// Path of `<subdir>/<name>.toml` among the resources, or `name` itself if it is a path.
std::string resourceTomlPath(std::string_view subdir, const std::string& name,
                             std::string_view what) {
  if (endsWith(name, ".toml") || name.find('/') != std::string::npos)
    return name;
  try {
    return findResource(std::string(subdir) + "/" + name + ".toml");
  } catch (const ConfigError&) {
    const std::vector<std::string> names = resourceNames(subdir);
    throw ConfigError("unknown " + std::string(what) + " '" + name + "' (available: " +
                      (names.empty() ? std::string("none found") : join(names, ", ")) + ")");
  }
}

} // namespace

// ---------------------------------------------------------------------------------------------
// RunConfig

std::string methodTableName(const std::string& method) {
  std::string name = method;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

void RunConfig::validate() const {
  for (const Field& f : fieldsOf(*this)) {
    if (f.applies && !f.applies(*this))
      continue;
    if (const auto problem = violation(f))
      throw ConfigError(f.name() + " = " + displayValue(f.ref) + ": " + *problem);
  }
  validateMethodSettings();
  // A short-run EBM has no generator to start its chains from.
  if (train.mode == "short-run" && x.init != "gaussian" && x.init != "uniform")
    throw ConfigError("train.mode = \"short-run\" starts x-chains from noise: it requires "
                      "x.init = \"gaussian\" or \"uniform\" (got " + quoteToml(x.init) + ")");
  // The 64-px topology halves its widths four times from the bottom level.
  if (model.family == "conv" && model.imageSize == 64) {
    for (const auto& [key, width] : {std::pair{"ebm_width", model.ebmWidth},
                                     std::pair{"gen_width", model.genWidth}})
      if (width % 16 != 0)
        throw ConfigError("model." + std::string(key) + " = " + std::to_string(width) +
                          ": must be a multiple of 16 with model.image_size = 64 (the widths "
                          "halve over four levels)");
  }
  // The crop box: [left, top, right, bottom], a non-empty square (PIL's box convention).
  const std::string box = "data.crop_box = [" + join(data.cropBox, ", ") + "]";
  if (data.cropBox.size() != 4)
    throw ConfigError(box + ": must be 4 integers [left, top, right, bottom] (got " +
                      std::to_string(data.cropBox.size()) + ")");
  const int left = data.cropBox[0], top = data.cropBox[1], right = data.cropBox[2],
            bottom = data.cropBox[3];
  if (left < 0 || top < 0)
    throw ConfigError(box + ": left and top must be >= 0");
  if (right <= left || bottom <= top)
    throw ConfigError(box + ": right must be > left and bottom > top (right and bottom are "
                            "exclusive)");
  if (right - left != bottom - top)
    throw ConfigError(box + ": must be a square (it is " + std::to_string(right - left) + "x" +
                      std::to_string(bottom - top) + " px); the model's images are square");
  // Combinations: the toy data sets are 2-D points for the MLPs, image sets need the conv nets.
  const std::string kind = "data.kind = " + quoteToml(data.kind);
  if (data.crop == "box" && data.kind != "folder")
    throw ConfigError("data.crop = \"box\" crops image files: it requires data.kind = "
                      "\"folder\" (got " + quoteToml(data.kind) + ")");
  if (data.flip && data.kind == "toy2d")
    throw ConfigError("data.flip = true mirrors images: it requires an image data kind (got " +
                      kind + ")");
  if (data.kind == "toy2d") {
    if (model.family != "mlp")
      throw ConfigError(kind + " requires model.family = \"mlp\" (got " +
                        quoteToml(model.family) + ")");
    if (model.dataDim != 2)
      throw ConfigError(kind + " requires model.data_dim = 2 (got " +
                        std::to_string(model.dataDim) + ")");
  } else if (model.family != "conv") {
    throw ConfigError(kind + " requires model.family = \"conv\" (got " + quoteToml(model.family) +
                      ")");
  } else if (data.kind == "folder") {
    // Images of any size are cropped and resized to the model; their channels are checked when
    // the folder is read.
  } else if (data.kind == "cifar10") {
    if (model.channels != 3 || model.imageSize != 32)
      throw ConfigError(kind + " has 32x32 colour images: it requires model.channels = 3 and "
                               "model.image_size = 32 (got " + std::to_string(model.channels) +
                        " and " + std::to_string(model.imageSize) + ")");
  } else {  // MNIST-layout IDX files: 28x28 grey, optionally padded to 32
    if (model.channels != 1)
      throw ConfigError(kind + " has grey images: it requires model.channels = 1 (got " +
                        std::to_string(model.channels) + ")");
    const int side = data.pad32 ? 32 : 28;
    if (model.imageSize != side)
      throw ConfigError(kind + " with data.pad32 = " + (data.pad32 ? "true" : "false") +
                        " gives " + std::to_string(side) + "x" + std::to_string(side) +
                        " images: it requires model.image_size = " + std::to_string(side) +
                        " (got " + std::to_string(model.imageSize) + ")");
  }
}

void RunConfig::validateMethodSettings() const {
  if (methodSettings.empty())
    return;
  const std::string table = methodTableName(train.method);
  const auto info = describeMethod(*this);  // ConfigError for an unknown method
  for (const auto& [chain, values] : methodSettings) {
    const ChainSpec* spec = info->chain(chain);
    if (!spec) {
      std::vector<std::string> names;
      for (const auto& c : info->chains)
        names.push_back(c.name);
      throw ConfigError("[" + table + "." + chain + "]: " + train.method +
                        " has no chain named '" + chain + "' (its chains: " +
                        join(names, ", ") + ")");
    }
    const std::string problem = validateSettings(*spec, values);
    if (!problem.empty())
      throw ConfigError(table + "." + problem);
  }
}

RunConfig RunConfig::fromToml(const std::string& text, const std::string& origin) {
  std::string error;
  const std::optional<toml::table> doc = tryParse(text, origin, &error);
  if (!doc)
    throw ConfigError("TOML parse error at " + error);
  RunConfig cfg;
  applyTable(cfg, *doc, origin);
  try {
    cfg.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + " (in " + origin + ")");
  }
  return cfg;
}

RunConfig RunConfig::fromFile(const std::string& path) {
  return fromToml(readConfigText(path), path);
}

RunConfig RunConfig::fromPreset(const std::string& name) {
  return fromFile(resourceTomlPath(kPresetDir, name, "preset"));
}

std::string RunConfig::toToml() const {
  std::string out;
  std::string_view section;
  for (const Field& f : fieldsOf(*this)) {
    if (f.section != section) {
      section = f.section;
      out += "\n[";
      out += section;
      out += "]\n";
    }
    out += f.key;
    out += " = ";
    out += tomlValue(f.ref);
    out += '\n';
  }
  for (const auto& [chain, values] : methodSettings) {
    out += "\n[" + methodTableName(train.method) + "." + chain + "]\n";
    for (const auto& [key, v] : values.numbers)
      out += key + " = " + (v == std::floor(v) && std::fabs(v) < 1e15
                                ? std::to_string(static_cast<long long>(v))
                                : tomlDouble(v)) + "\n";
    for (const auto& [key, v] : values.choices)
      out += key + " = " + quoteToml(v) + "\n";
  }
  return out;
}

void RunConfig::writeFile(const std::string& path) const {
  // Write next to the target and rename, so a crash never leaves a half-written config.
  const std::string tmp = path + ".tmp";
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw Error("cannot write config file " + tmp + ": " + errnoMessage());
    out << toToml();
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      throw Error("cannot write config file " + tmp);
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
  }
}

void RunConfig::applyOverride(const std::string& assignment) {
  const std::string origin = "override '" + assignment + "'";
  const auto eq = assignment.find('=');
  if (eq == std::string::npos)
    throw ConfigError("expected section.key=value in " + origin);
  const std::string key = trim(std::string_view(assignment).substr(0, eq));
  const std::string value = trim(std::string_view(assignment).substr(eq + 1));
  if (value.find_first_of("\r\n") != std::string::npos)
    throw ConfigError("the value must be a single line in " + origin);

  RunConfig next = *this;
  const std::vector<Field> fields = fieldsOf(next);
  const auto dot = key.find('.');
  const Field* field = dot == std::string::npos
                           ? findField(fields, "", key)
                           : findField(fields, std::string_view(key).substr(0, dot),
                                       std::string_view(key).substr(dot + 1));
  if (!field && key.rfind(methodTableName(train.method) + ".", 0) == 0) {
    // The method's own table: [<table>.<chain>] key, validated against the chain's schema.
    std::string error;
    std::optional<toml::table> doc = tryParse(key + " = " + value, origin, &error);
    if (!doc)
      doc = tryParse(key + " = " + quoteToml(value), origin, &error);
    if (!doc)
      throw ConfigError("cannot parse the value of " + origin + ": " + error);
    applyTable(next, *doc, origin);
    next.validate();
    *this = std::move(next);
    return;
  }
  if (!field)
    throw ConfigError("unknown key " + key + " in " + origin);

  // The key is a known registry name, so pasting it into a document is safe. A bare word such
  // as `rings` is not TOML; for a string field it (and anything not a TOML string) is taken
  // literally, so data.path=/tmp/x and name=2024 do what one means.
  const bool wantsString = std::holds_alternative<std::string*>(field->ref);
  const auto isStringAtKey = [&](const toml::table& doc) {
    return doc.at_path(key).is_string();
  };
  std::string error;
  std::optional<toml::table> doc = tryParse(key + " = " + value, origin, &error);
  if (!doc || (wantsString && !isStringAtKey(*doc))) {
    std::optional<toml::table> quoted = tryParse(key + " = " + quoteToml(value), origin, nullptr);
    if (quoted)
      doc = std::move(quoted);
  }
  if (!doc)
    throw ConfigError("cannot parse the value of " + origin + ": " + error);
  applyTable(next, *doc, origin);
  next.validate();
  *this = std::move(next);
}

// ---------------------------------------------------------------------------------------------
// Resources

std::vector<std::string> resourceDirs() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("EBM_LAB_RESOURCES"); env && *env)
    candidates.emplace_back(env);
#ifdef EBM_SOURCE_RESOURCE_DIR
  candidates.emplace_back(EBM_SOURCE_RESOURCE_DIR);
#endif
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    candidates.push_back((exe.parent_path() / ".." / "share" / "ebm-lab").lexically_normal());

  std::vector<std::string> dirs;
  for (const std::string& dir : candidates) {
    if (!fs::is_directory(dir, ec))
      continue;
    const bool seen = std::any_of(dirs.begin(), dirs.end(), [&](const std::string& d) {
      std::error_code eqEc;
      return fs::equivalent(d, dir, eqEc);
    });
    if (!seen)
      dirs.push_back(dir);
  }
  return dirs;
}

std::string findResource(const std::string& relative) {
  const std::vector<std::string> dirs = resourceDirs();
  for (const std::string& dir : dirs) {
    std::error_code ec;
    const fs::path candidate = fs::path(dir) / relative;
    if (fs::exists(candidate, ec))
      return candidate.string();
  }
  throw ConfigError("resource " + relative + " not found (searched: " +
                    (dirs.empty() ? std::string("no resource directory exists; set "
                                                "EBM_LAB_RESOURCES")
                                  : join(dirs, ", ")) +
                    ")");
}

std::vector<std::string> presetNames() { return resourceNames(kPresetDir); }

// ---------------------------------------------------------------------------------------------
// Sampler presets

void applySamplerPreset(RunConfig& config, const std::string& name) {
  const std::string path = resourceTomlPath(kSamplerDir, name, "sampler preset");
  std::string error;
  const std::optional<toml::table> doc = tryParse(readConfigText(path), path, &error);
  if (!doc)
    throw ConfigError("TOML parse error at " + error);
  // A sampler preset must not touch the model, data or training: it is applied to the config
  // of a trained checkpoint.
  for (auto&& [key, node] : *doc)
    if (key.str() != "x" && key.str() != "z")
      throw ConfigError("sampler preset " + path + " sets " + std::string(key.str()) +
                        ": only the [x] and [z] tables are allowed (" +
                        where(key.source(), path) + ")");
  RunConfig next = config;
  applyTable(next, *doc, path);
  try {
    next.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + " (in " + path + ")");
  }
  config = std::move(next);
}

std::map<std::string, SettingValues> samplerPresetSettings(const std::string& name) {
  const std::string path = resourceTomlPath(kSamplerDir, name, "sampler preset");
  std::string error;
  const std::optional<toml::table> doc = tryParse(readConfigText(path), path, &error);
  if (!doc)
    throw ConfigError("TOML parse error at " + error);
  std::map<std::string, SettingValues> out;
  for (auto&& [chain, node] : *doc) {
    const auto* table = node.as_table();
    if (!table)
      throw ConfigError("sampler preset " + path + ": " + std::string(chain.str()) +
                        " must be a [table] named after a chain (" +
                        where(chain.source(), path) + ")");
    SettingValues& v = out[std::string(chain.str())];
    for (auto&& [key, value] : *table) {
      const std::string k(key.str());
      if (auto i = value.as_integer())
        v.numbers[k] = static_cast<double>(i->get());
      else if (auto f = value.as_floating_point())
        v.numbers[k] = f->get();
      else if (auto b = value.as_boolean())
        v.numbers[k] = b->get() ? 1.0 : 0.0;
      else if (auto str = value.as_string())
        v.choices[k] = str->get();
      else
        throw ConfigError("sampler preset " + path + ": " + std::string(chain.str()) + "." + k +
                          " must be a number, a boolean or a string (" +
                          where(key.source(), path) + ")");
    }
  }
  return out;
}

std::vector<std::string> samplerPresetNames() { return resourceNames(kSamplerDir); }

} // namespace ebm
