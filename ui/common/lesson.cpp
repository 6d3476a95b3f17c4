#include "lesson.h"

#include "config.h"
#include "errors.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace ebm::ui {
namespace {

namespace fs = std::filesystem;
using Kind = LessonAction::Kind;

const std::vector<std::pair<std::string, Kind>>& lessonActionNames() {
  static const std::vector<std::pair<std::string, Kind>> names = {
      {"load", Kind::Load}, {"set", Kind::Set},       {"run", Kind::Run},  {"pin", Kind::Pin},
      {"cursor", Kind::Cursor}, {"panel", Kind::Panel}, {"wait", Kind::Wait}};
  return names;
}

std::string lessonJoin(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string knownActions() {
  std::vector<std::string> names;
  for (const auto& [name, kind] : lessonActionNames())
    names.push_back(name);
  return lessonJoin(names);
}

/// Where a message points: the file, a line, and the step when inside one.
struct LessonPlace {
  const std::string& source;
  int step = 0;  // 1-based; 0 = outside the steps

  [[noreturn]] void fail(int line, const std::string& message) const {
    std::string where = source;
    if (line > 0)
      where += " line " + std::to_string(line);
    if (step > 0)
      where += ": step " + std::to_string(step);
    throw Error(where + ": " + message);
  }
};

int lineOf(const toml::node& node) { return int(node.source().begin.line); }

std::string inQuotes(std::string_view key) { return "\"" + std::string(key) + "\""; }

std::string stringField(const toml::node& node, std::string_view key, const LessonPlace& at) {
  if (!node.is_string())
    at.fail(lineOf(node), inQuotes(key) + " must be a string");
  return std::string(*node.value<std::string>());
}

double numberField(const toml::node& node, std::string_view key, const LessonPlace& at) {
  if (!node.is_number())
    at.fail(lineOf(node), inQuotes(key) + " must be a number");
  const double v = *node.value<double>();
  if (!std::isfinite(v))
    at.fail(lineOf(node), inQuotes(key) + " must be a finite number");
  return v;
}

long wholeField(const toml::node& node, std::string_view key, long min, const LessonPlace& at) {
  if (!node.is_integer())
    at.fail(lineOf(node), inQuotes(key) + " must be a whole number");
  const long v = long(*node.value<int64_t>());
  if (v < min)
    at.fail(lineOf(node), inQuotes(key) + " = " + std::to_string(v) + ": must be >= " +
                              std::to_string(min));
  return v;
}

std::optional<toml::table> parseLessonToml(const std::string& text, const std::string& source,
                                           std::string* error) {
  auto describe = [&](const toml::source_region& where, std::string_view what) {
    *error = source + " line " + std::to_string(where.begin.line) + ": " + std::string(what);
  };
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    describe(e.source(), e.description());
    return std::nullopt;
  }
#else
  toml::parse_result result = toml::parse(text, source);
  if (!result) {
    describe(result.error().source(), result.error().description());
    return std::nullopt;
  }
  return std::move(result).table();
#endif
}

// --- actions ---------------------------------------------------------------------------------

void readSetting(LessonAction& a, std::string_view key, const toml::node& v,
                 const LessonPlace& at) {
  const std::string k(key);
  if (v.is_boolean())
    a.values.numbers[k] = *v.value<bool>() ? 1.0 : 0.0;
  else if (v.is_string())
    a.values.choices[k] = *v.value<std::string>();
  else if (v.is_number())
    a.values.numbers[k] = numberField(v, key, at);
  else
    at.fail(lineOf(v), inQuotes(key) + " must be a number, true/false or a choice string");
}

void readRunOption(LessonAction& a, std::string_view key, const toml::node& v,
                   const LessonPlace& at) {
  if (key == "chains")
    a.chains = int(std::min<long>(wholeField(v, key, 1, at), 1 << 20));
  else if (key == "seed")
    a.seed = uint64_t(wholeField(v, key, 1, at));  // 0 stands for "the front end's seed"
  else if (key == "init")
    a.init = stringField(v, key, at);
  else
    at.fail(lineOf(v), "run takes chains, seed and init, not " + inQuotes(key));
}

void readCursor(LessonAction& a, const toml::node& v, const LessonPlace& at) {
  if (v.is_string()) {
    const std::string s = *v.value<std::string>();
    if (s != "end" && s != "start")
      at.fail(lineOf(v), "\"cursor\" must be a step number, \"start\" or \"end\", not " +
                             inQuotes(s));
    a.step = s == "end" ? -1 : 0;
    return;
  }
  a.step = wholeField(v, "cursor", 0, at);
}

void readPanel(LessonAction& a, const toml::node& v, const LessonPlace& at) {
  a.text = stringField(v, "panel", at);
  const auto& panels = lessonPanels();
  if (std::find(panels.begin(), panels.end(), a.text) == panels.end())
    at.fail(lineOf(v), "unknown panel " + inQuotes(a.text) + " (known: " + lessonJoin(panels) +
                           ")");
}

void readWait(LessonAction& a, const toml::node& v, const LessonPlace& at) {
  if (v.is_string() && *v.value<std::string>() == "key") {
    a.seconds = -1;
    return;
  }
  if (!v.is_number())
    at.fail(lineOf(v), "\"wait\" must be a number of seconds or \"key\"");
  a.seconds = numberField(v, "wait", at);
  if (a.seconds < 0)
    at.fail(lineOf(v), "\"wait\" must be >= 0 seconds");
}

void readActionValue(LessonAction& a, const toml::node& v, const LessonPlace& at) {
  switch (a.kind) {
  case Kind::Load:
    a.text = stringField(v, "load", at);
    if (a.text.empty())
      at.fail(a.line, "\"load\" needs a checkpoint name or path");
    break;
  case Kind::Set: a.chain = stringField(v, "set", at); break;
  case Kind::Run: a.chain = stringField(v, "run", at); break;
  case Kind::Pin: a.text = stringField(v, "pin", at); break;
  case Kind::Cursor: readCursor(a, v, at); break;
  case Kind::Panel: readPanel(a, v, at); break;
  case Kind::Wait: readWait(a, v, at); break;
  }
}

/// The action's key: exactly one of the known actions.
std::string actionKey(const toml::table& t, int line, const LessonPlace& at) {
  std::vector<std::string> found;
  for (auto&& [key, value] : t)
    for (const auto& [name, kind] : lessonActionNames())
      if (key.str() == name)
        found.push_back(name);
  if (found.size() > 1)
    at.fail(line, "one action per entry, found " + lessonJoin(found));
  if (found.empty()) {
    if (t.empty())
      at.fail(line, "an empty action (known: " + knownActions() + ")");
    at.fail(line, "unknown action " + inQuotes(t.begin()->first.str()) + " (known: " +
                      knownActions() + ")");
  }
  return found.front();
}

LessonAction readAction(const toml::node& node, const LessonPlace& at) {
  const toml::table* t = node.as_table();
  if (!t)
    at.fail(lineOf(node), "each entry of \"do\" must be an inline table such as { wait = 2 }");
  LessonAction a;
  a.line = lineOf(node);
  const std::string key = actionKey(*t, a.line, at);
  for (const auto& [name, kind] : lessonActionNames())
    if (name == key)
      a.kind = kind;
  for (auto&& [k, v] : *t) {
    if (k.str() == key)
      readActionValue(a, v, at);
    else if (a.kind == Kind::Set)
      readSetting(a, k.str(), v, at);
    else if (a.kind == Kind::Run)
      readRunOption(a, k.str(), v, at);
    else
      at.fail(lineOf(v), key + " takes no other key, found " + inQuotes(k.str()));
  }
  if (a.kind == Kind::Set && a.values.numbers.empty() && a.values.choices.empty())
    at.fail(a.line, "set needs at least one setting, e.g. { set = \"" + a.chain +
                        "\", step_size = 0.1 }");
  return a;
}

// --- steps and the lesson ---------------------------------------------------------------------

void checkKeys(const toml::table& t, const std::vector<std::string>& known,
               const LessonPlace& at) {
  for (auto&& [k, v] : t)
    if (std::find(known.begin(), known.end(), std::string(k.str())) == known.end())
      at.fail(lineOf(v), "unknown key " + inQuotes(k.str()) + " (known: " + lessonJoin(known) +
                             ")");
}

std::string requiredString(const toml::table& t, std::string_view key, int line,
                           const LessonPlace& at) {
  const toml::node* n = t.get(key);
  if (!n)
    at.fail(line, inQuotes(key) + " is missing");
  return stringField(*n, key, at);
}

LessonStep readStep(const toml::table& t, int line, const LessonPlace& at) {
  checkKeys(t, {"title", "caption", "do"}, at);
  LessonStep s;
  s.line = line;
  s.title = requiredString(t, "title", line, at);
  s.caption = requiredString(t, "caption", line, at);
  if (const toml::node* actions = t.get("do")) {
    const toml::array* list = actions->as_array();
    if (!list)
      at.fail(lineOf(*actions), "\"do\" must be a list of actions, e.g. do = [ { wait = 2 } ]");
    for (const toml::node& a : *list)
      s.actions.push_back(readAction(a, at));
  }
  return s;
}

std::vector<LessonStep> readSteps(const toml::table& root, const std::string& source) {
  const LessonPlace top{source};
  const toml::node* node = root.get("step");
  const toml::array* steps = node ? node->as_array() : nullptr;
  if (!steps || steps->empty())
    top.fail(node ? lineOf(*node) : 0, "a lesson needs at least one [[step]]");
  std::vector<LessonStep> out;
  for (const toml::node& s : *steps) {
    const LessonPlace at{source, int(out.size()) + 1};
    const toml::table* t = s.as_table();
    if (!t)
      at.fail(lineOf(s), "each step must be a [[step]] table");
    out.push_back(readStep(*t, lineOf(s), at));
  }
  return out;
}

std::vector<std::string> shippedCheckpointNames() {
  std::set<std::string> names;
  for (const std::string& dir : resourceDirs()) {
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(dir) / "checkpoints", ec), end; !ec && it != end;
         it.increment(ec))
      if (it->path().extension() == ".safetensors")
        names.insert(it->path().stem().string());
  }
  return {names.begin(), names.end()};
}

} // namespace

const std::vector<std::string>& lessonPanels() {
  static const std::vector<std::string> panels = {"landscape", "samples", "energy", "mse",
                                                  "levels",    "latent",  "compare"};
  return panels;
}

Lesson parseLesson(const std::string& text, const std::string& source) {
  std::string error;
  const std::optional<toml::table> root = parseLessonToml(text, source, &error);
  if (!root)
    throw Error(error);
  const LessonPlace top{source};
  checkKeys(*root, {"title", "summary", "step"}, top);
  Lesson lesson;
  lesson.path = source;
  lesson.title = requiredString(*root, "title", 1, top);
  if (const toml::node* summary = root->get("summary"))
    lesson.summary = stringField(*summary, "summary", top);
  lesson.steps = readSteps(*root, source);
  return lesson;
}

Lesson loadLesson(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw Error("cannot read lesson " + path + ": " +
                (fs::exists(path, ec) ? "not a file" : "no such file"));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof())
    throw Error("cannot read lesson " + path);
  return parseLesson(text.str(), path);
}

std::vector<std::string> shippedLessons() {
  std::map<std::string, std::string> byName;  // file name -> path; the first dir wins
  for (const std::string& dir : resourceDirs()) {
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(dir) / "lessons", ec), end; !ec && it != end;
         it.increment(ec)) {
      std::error_code typeEc;
      if (it->path().extension() == ".toml" && it->is_regular_file(typeEc))
        byName.emplace(it->path().filename().string(), it->path().string());
    }
  }
  std::vector<std::string> paths;
  for (const auto& [name, path] : byName)
    paths.push_back(path);
  return paths;
}

std::string resolveLessonCheckpoint(const std::string& name, const std::string& lessonPath) {
  const bool isPath = name.find('/') != std::string::npos ||
                      fs::path(name).extension() == ".safetensors";
  if (!isPath) {
    try {
      return findResource("checkpoints/" + name + ".safetensors");
    } catch (const Error&) {
      throw Error("no shipped checkpoint \"" + name + "\" (shipped: " +
                  lessonJoin(shippedCheckpointNames()) + "; or give a .safetensors path)");
    }
  }
  std::error_code ec;
  const fs::path beside = fs::path(lessonPath).parent_path() / name;
  if (fs::path(name).is_relative() && fs::is_regular_file(beside, ec))
    return beside.lexically_normal().string();
  if (fs::is_regular_file(name, ec))
    return name;
  throw Error("no checkpoint " + name + " (neither beside the lesson nor from the current folder)");
}

} // namespace ebm::ui
