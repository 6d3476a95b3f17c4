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

/// The one description of every shared field, in file order. Top-level keys come first because
/// TOML puts everything after a [table] header into that table. A method's own settings are not
/// here: they live in its table (methodSettings), described by its schemas.
std::vector<Field> fieldsOf(RunConfig& c) {
  const Rule nonNegative = atLeast(0);
  ModelConfig& m = c.model;
  TrainConfig& t = c.train;
  DataConfig& d = c.data;
  RuntimeConfig& r = c.runtime;
  return {
      {"", "name", &c.name, {}},

      {"model", "family", &m.family, oneOf({"mlp", "conv"})},
      {"model", "data_dim", &m.dataDim, atLeast(1), isMlp},
      {"model", "image_size", &m.imageSize, valuesIn({28, 32, 64}), isConv},
      {"model", "channels", &m.channels, valuesIn({1, 3}), isConv},

      {"train", "method", &t.method, nonEmpty()},
      {"train", "batch_size", &t.batchSize, between(1, 100000)},
      {"train", "iterations", &t.iterations, nonNegative},
      {"train", "iters_per_epoch", &t.itersPerEpoch, nonNegative},
      {"train", "checkpoint_every", &t.checkpointEvery, nonNegative},
      {"train", "log_every", &t.logEvery, atLeast(1)},
      {"train", "seed", &t.seed, {}},

      {"data", "kind", &d.kind, oneOf({"toy2d", "points", "fashion-mnist", "idx", "cifar10", "folder"})},
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
      {"runtime", "chain_parts", &r.chainParts, between(0, 1024)},
      {"runtime", "cuda_graphs", &r.cudaGraphs, {}},
      {"runtime", "precision", &r.precision, oneOf({"fp32", "tf32", "bf16"})},
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

const SettingSpec* findSpecIn(const std::vector<SettingSpec>& schema, const std::string& key) {
  for (const SettingSpec& s : schema)
    if (s.key == key)
      return &s;
  return nullptr;
}

/// Stores one value of the method's table under `key` (numbers, booleans as 0 / 1, strings as
/// choices). With the key's schema the TOML type must fit it (an Int an integer, a Bool a
/// boolean, a Choice a string); ranges are checked later. `name` is what an error calls it.
void storeSetting(SettingValues& v, const std::string& key, const toml::node& value,
                  const std::string& name, const std::string& origin, const SettingSpec* spec) {
  const auto wrongType = [&](std::string_view expected) {
    throw ConfigError(name + ": expected " + std::string(expected) + ", got " +
                      std::string(typeName(value)) + " (" + where(value.source(), origin) + ")");
  };
  if (spec) {
    switch (spec->type) {
    case SettingType::Int:
      if (!value.is_integer())
        wrongType("an integer");
      break;
    case SettingType::Real:
      if (!value.is_number())
        wrongType("a number");
      break;
    case SettingType::Bool:
      if (!value.is_boolean())
        wrongType("a boolean");
      break;
    case SettingType::Choice:
      if (!value.is_string())
        wrongType("a string");
      break;
    }
  }
  if (const auto* i = value.as_integer())
    v.numbers[key] = static_cast<double>(i->get());
  else if (const auto* f = value.as_floating_point())
    v.numbers[key] = f->get();
  else if (const auto* b = value.as_boolean())
    v.numbers[key] = b->get() ? 1.0 : 0.0;
  else if (const auto* str = value.as_string())
    v.choices[key] = str->get();
  else
    wrongType("a number, a boolean or a string");
}

/// The schemas of the method a document is read for (none for an unknown method): they fix the
/// TOML type of each key of its table.
class MethodSchemas {
public:
  MethodSchemas(const std::string& method, const RunConfig& cfg) {
    if (const auto registration = findMethod(method)) {
      RunConfig described = cfg;
      described.train.method = method;
      m_info = registration->describe(described);
      m_aliases = registration->aliases;
    }
  }
  const SettingSpec* spec(const std::string& table, const std::string& key) const {
    const auto* schema = m_info ? m_info->schema(table) : nullptr;
    return schema ? findSpecIn(*schema, key) : nullptr;
  }
  const std::vector<SettingAlias>& aliases() const { return m_aliases; }

private:
  std::optional<MethodInfo> m_info;
  std::vector<SettingAlias> m_aliases;
};

/// The method's own table: one sub-table of settings per chain or settings table.
void readMethodTable(RunConfig& cfg, const std::string& name, const toml::node& node,
                     const MethodSchemas& schemas, const std::string& origin) {
  const toml::table* table = node.as_table();
  if (!table)
    throw ConfigError(name + ": expected a table, got " + std::string(typeName(node)) + " (" +
                      where(node.source(), origin) + ")");
  for (auto&& [sub, values] : *table) {
    const std::string prefix = name + "." + std::string(sub.str());
    const toml::table* entries = values.as_table();
    if (!entries)
      throw ConfigError(prefix + ": expected a table of settings, e.g. [" + name +
                        ".<chain>] (" + where(values.source(), origin) + ")");
    const std::string subName(sub.str());
    SettingValues& v = cfg.methodSettings[subName];
    for (auto&& [key, value] : *entries) {
      const std::string k(key.str());
      storeSetting(v, k, value, prefix + "." + k, origin, schemas.spec(subName, k));
    }
  }
}

/// The aliases train.method declares for its settings' older places (none for an unknown method).
std::vector<SettingAlias> aliasesOf(const std::string& method) {
  const auto m = findMethod(method);
  return m ? m->aliases : std::vector<SettingAlias>{};
}

const SettingAlias* findAlias(const std::vector<SettingAlias>& aliases, std::string_view section,
                              std::string_view key) {
  for (const SettingAlias& a : aliases)
    if (a.section == section && a.key == key)
      return &a;
  return nullptr;
}

bool isAliasSection(const std::vector<SettingAlias>& aliases, std::string_view section) {
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const SettingAlias& a) { return a.section == section; });
}

/// Merges a parsed document into `cfg`; any key the registry does not know is an error, but for
/// the table of the method the document (or else `cfg`) names in train.method and the older
/// places of its settings that the method declares as aliases. A document that switches to
/// another method drops the old method's table (RunConfig::setMethod).
void applyTable(RunConfig& cfg, const toml::table& root, const std::string& origin) {
  const std::vector<Field> fields = fieldsOf(cfg);
  const std::string method = root["train"]["method"].value_or(cfg.train.method);
  if (method != cfg.train.method)
    cfg.methodSettings.clear();
  const std::string methodTable = methodTableName(method);
  const MethodSchemas schemas(method, cfg);
  const std::vector<SettingAlias>& aliases = schemas.aliases();
  for (auto&& [k, node] : root) {
    const std::string key(k.str());
    if (const Field* f = findField(fields, "", key)) {
      readField(*f, node, origin);
      continue;
    }
    if (key == methodTable) {
      readMethodTable(cfg, key, node, schemas, origin);
      continue;
    }
    const bool shared = isSection(fields, key);
    if (!shared && !isAliasSection(aliases, key))
      throw ConfigError("unknown " + std::string(node.is_table() ? "table " : "key ") + key +
                        " in " + where(k.source(), origin));
    const toml::table* table = node.as_table();
    if (!table)
      throw ConfigError(key + ": expected a table, got " + std::string(typeName(node)) + " (" +
                        where(node.source(), origin) + ")");
    for (auto&& [k2, node2] : *table) {
      const std::string name = key + "." + std::string(k2.str());
      if (const Field* f = shared ? findField(fields, key, k2.str()) : nullptr) {
        readField(*f, node2, origin);
      } else if (const SettingAlias* a = findAlias(aliases, key, k2.str())) {
        storeSetting(cfg.methodSettings[a->table], a->tableKey, node2, name, origin,
                     schemas.spec(a->table, a->tableKey));
      } else {
        throw ConfigError("unknown key " + name + " in " + where(k2.source(), origin));
      }
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

/// A number of the method's table as TOML: its schema's type when known (an Int as an integer, a
/// Bool as true / false, a Real as a float), else an integer when it is whole.
std::string settingToml(double v, const SettingSpec* spec) {
  if (spec && spec->type == SettingType::Bool)
    return v != 0.0 ? "true" : "false";
  const bool whole = v == std::floor(v) && std::fabs(v) < 1e15;
  if (whole && (!spec || spec->type == SettingType::Int))
    return std::to_string(static_cast<long long>(v));
  return tomlDouble(v);
}

/// One sub-table of the method's table: every key of its schema, in schema order, with the
/// stored value or the default; then any stored key the schema lacks.
std::string settingsToml(const std::string& header, const std::vector<SettingSpec>& schema,
                         const SettingValues& stored) {
  SettingValues v = defaultSettings(schema);
  v.merge(stored);
  std::string out = "\n[" + header + "]\n";
  for (const SettingSpec& spec : schema) {
    if (spec.type == SettingType::Choice)
      out += spec.key + " = " + quoteToml(v.choice(spec.key)) + "\n";
    else
      out += spec.key + " = " + settingToml(v.number(spec.key), &spec) + "\n";
  }
  for (const auto& [key, number] : stored.numbers)
    if (!findSpecIn(schema, key))
      out += key + " = " + settingToml(number, nullptr) + "\n";
  for (const auto& [key, choice] : stored.choices)
    if (!findSpecIn(schema, key))
      out += key + " = " + quoteToml(choice) + "\n";
  return out;
}

/// The method's table as TOML: with a registered method every settings table and chain it
/// declares, with every key (defaults filled in), so that a checkpoint's config says everything;
/// then whatever else methodSettings holds, as it is.
std::string methodTableToml(const RunConfig& cfg) {
  const std::string prefix = methodTableName(cfg.train.method) + ".";
  const auto stored = [&](const std::string& name) {
    const auto it = cfg.methodSettings.find(name);
    return it == cfg.methodSettings.end() ? SettingValues{} : it->second;
  };
  std::string out;
  std::set<std::string> written;
  if (findMethod(cfg.train.method)) {
    const auto info = describeMethod(cfg);
    for (const SettingsTable& t : info->tables) {
      out += settingsToml(prefix + t.name, t.settings, stored(t.name));
      written.insert(t.name);
    }
    for (const ChainSpec& c : info->chains) {
      out += settingsToml(prefix + c.name, c.settings, stored(c.name));
      written.insert(c.name);
    }
  }
  for (const auto& [name, values] : cfg.methodSettings)
    if (!written.count(name))
      out += settingsToml(prefix + name, {}, values);
  return out;
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
  const bool points2d = data.kind == "toy2d" || data.kind == "points";
  if (data.flip && points2d)
    throw ConfigError("data.flip = true mirrors images: it requires an image data kind (got " +
                      kind + ")");
  // toy2d draws data.toy and reads no file: a path given with it would be silently ignored.
  if (data.kind == "toy2d" && data.path != DataConfig().path)
    throw ConfigError("data.path = " + quoteToml(data.path) + " is not read by " + kind +
                      ", which draws data.toy = " + quoteToml(data.toy) +
                      "; to train on a file of 2-D points set data.kind = \"points\"");
  if (points2d) {
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
  const auto registration = findMethod(train.method);
  if (!registration) {
    if (methodSettings.empty())
      return;  // an unknown method is reported where it is built
    describeMethod(*this);  // ConfigError naming the known methods
  }
  const std::string table = methodTableName(train.method);
  const MethodInfo info = registration->describe(*this);
  for (const auto& [name, values] : methodSettings) {
    std::string problem;
    if (const ChainSpec* chain = info.chain(name)) {
      problem = validateSettings(*chain, values);
    } else if (const SettingsTable* settings = info.table(name)) {
      problem = validateSettings(*settings, values);
    } else {
      std::vector<std::string> names;
      for (const auto& c : info.chains)
        names.push_back(c.name);
      for (const auto& t : info.tables)
        names.push_back(t.name);
      throw ConfigError("[" + table + "." + name + "]: " + train.method +
                        " has no chain or settings table named '" + name + "' (it has: " +
                        join(names, ", ") + ")");
    }
    if (!problem.empty())
      throw ConfigError(table + "." + problem);
  }
  if (registration->check)
    registration->check(*this);
}

SettingValues RunConfig::methodTable(const std::string& name) const {
  const auto info = describeMethod(*this);
  const std::vector<SettingSpec>* schema = info->schema(name);
  if (!schema)
    throw ConfigError(train.method + " has no chain or settings table named '" + name + "'");
  SettingValues v = defaultSettings(*schema);
  if (const auto it = methodSettings.find(name); it != methodSettings.end())
    v.merge(it->second);
  return v;
}

void RunConfig::setMethod(const std::string& method) {
  if (method != train.method)
    methodSettings.clear();
  train.method = method;
}

TrainConfig::TrainConfig() : method(defaultMethodName()) {}

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
  return out + methodTableToml(*this);
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
  const bool ownTable = !field && key.rfind(methodTableName(train.method) + ".", 0) == 0;
  const bool alias = !field && dot != std::string::npos &&
                     findAlias(aliasesOf(train.method), std::string_view(key).substr(0, dot),
                               std::string_view(key).substr(dot + 1));
  if (ownTable || alias) {
    // The method's own table, <table>.<name>.<key>, or an older place of one of its settings
    // (e.g. x.step_size): validated against the schemas. A bare word is taken as a string.
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
  // of a trained checkpoint. Its tables name chains of the config's method.
  const auto info = describeMethod(config);
  std::vector<std::string> chains;
  for (const ChainSpec& c : info->chains)
    chains.push_back(c.name);
  RunConfig next = config;
  for (auto&& [key, node] : *doc) {
    const std::string chain(key.str());
    const toml::table* table = node.as_table();
    if (!info->chain(chain) || !table)
      throw ConfigError("sampler preset " + path + " sets " + chain + ": only tables named after " +
                        config.train.method + "'s chains are allowed ([" + join(chains, "], [") +
                        "]) (" + where(key.source(), path) + ")");
    for (auto&& [k, value] : *table) {
      const std::string key(k.str());
      storeSetting(next.methodSettings[chain], key, value, chain + "." + key, path,
                   findSpecIn(info->chain(chain)->settings, key));
    }
  }
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
