// What a training method tells the front ends about itself: its capabilities, its chains (each
// with a settings schema and an update rule), its loss names, how they are grouped on plots and
// its headline metrics. Front ends
// build their controls and panels from this and never name a concrete method. Plain C++; a
// MethodInfo is immutable once published and may be read from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ebm {

enum class SettingType { Int, Real, Bool, Choice };

/// One setting of a chain: enough to build, validate and explain a widget.
struct SettingSpec {
  std::string key;             // name in SettingValues and in the method's TOML section
  std::string label;           // short label, e.g. "step size s"
  SettingType type = SettingType::Real;
  double min = 0, max = 0;     // inclusive range of numbers (Int, Real)
  double defaultValue = 0;     // Int, Real, Bool (0 / 1)
  std::vector<std::string> choices;  // Choice: the allowed values
  std::string defaultChoice;   // Choice
  std::string unit;            // e.g. "px", "" when none
  std::string tooltip;         // a sentence on what it does
  bool live = true;            // takes effect at the next Langevin step of a running chain
  bool logScale = false;       // a widget should step it multiplicatively
  bool minExclusive = false;   // the range excludes min, e.g. (min, max]
  bool maxExclusive = false;   // the range excludes max, e.g. [min, max)
};

/// Values of a settings schema, by key: numbers (Int, Real, Bool as 0 / 1) and choices.
struct SettingValues {
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> choices;

  /// The number under `key`, or `fallback` when absent.
  double number(const std::string& key, double fallback = 0) const;
  int integer(const std::string& key, int fallback = 0) const;
  bool flag(const std::string& key, bool fallback = false) const;
  std::string choice(const std::string& key, const std::string& fallback = {}) const;
  /// Keys of `other` replace those here.
  void merge(const SettingValues& other);
  bool operator==(const SettingValues& o) const {
    return numbers == o.numbers && choices == o.choices;
  }
  bool operator!=(const SettingValues& o) const { return !(*this == o); }
};

/// One Markov chain a method runs (e.g. x-Langevin on the EBM, z-Langevin on the posterior).
struct ChainSpec {
  std::string name;           // "x", "z", ...: the key of its settings and its trace
  std::string title;          // group title, e.g. "x-Langevin on the EBM"
  std::string updateRule;     // one line shown under the group, e.g. "x <- x - s^2/2 dE/dx + n xi"
  std::string stateLabel;     // what a chain state is, e.g. "x" or "z"
  std::string energyLabel;    // what the trace's energy row is, e.g. "E(x)" or "U(z)"
  bool dataSpace = true;      // states are data-shaped (images, 2-D points)
  bool decodes = false;       // snapshots carry states decoded into data space
  bool hasTarget = false;     // chains condition on held-out data (revisions draw it)
  bool ladder = false;        // walks down every noise level from noise to data (its trace has
                              // levels and levelStates); the chain a level view shows
  bool hasMse = false;        // the trace records an MSE against the target
  std::vector<std::string> inits;  // start-state choices of a revision; the first is the default
  bool startsFromStates = false;   // a revision may also start from given states (RunChain's
                                   // init "batch" with `start`): placed starts, forks
  std::vector<SettingSpec> settings;
};

/// A table of a method's settings that belong to no chain (its networks, its optimisation): read
/// from the method's own TOML table `[<method>.<name>]` and checked against `settings` like a
/// chain's. Front ends show no widgets for them; they are fixed for a run.
struct SettingsTable {
  std::string name;   // "model", "train", ...: the sub-table's name
  std::string title;  // a line saying what it holds
  std::vector<SettingSpec> settings;
};

/// What a loaded model can do. Tasks, evaluations and panels ask for these, never for a method.
struct Capabilities {
  bool energy = false;            // an energy E(x) on data (OOD scores, landscapes, x-revision)
  int noiseLevels = 0;            // > 0: energies per noise level (level 0 = the data's)
  bool latentModel = false;       // encoder, decoder and a posterior chain (reconstruction,
                                  // interpolation, inpainting)
  bool samplesFromNoise = false;  // draws samples starting from noise
  bool initializer = false;       // a learned proposal starts each chain
};

/// Loss terms that belong on one plot: they share a y axis, so they should share a scale (a term
/// divided by a tiny temperature gets a group of its own). Terms are names of lossNames; a front
/// end puts terms that no group names into an "other" group of its own.
struct LossGroup {
  std::string title;               // what the plot is about, e.g. "EBM energy"
  std::vector<std::string> terms;  // loss names, in legend order
  bool headline = false;           // shown by default (the rest on request)
  std::string tooltip;             // a sentence on what the terms measure
};

struct MethodInfo {
  std::string name;                  // registered name (train.method)
  std::string title;                 // what titles and messages call the method
  Capabilities capabilities;
  std::vector<ChainSpec> chains;     // in the order the controls show them
  std::vector<SettingsTable> tables;  // its settings outside the chains, in file order
  std::vector<std::string> lossNames;
  std::vector<std::string> headlineLosses;  // the loss names a status line shows
  std::vector<LossGroup> lossGroups;        // how the loss plots group lossNames

  const ChainSpec* chain(const std::string& name) const;
  const SettingsTable* table(const std::string& name) const;
  /// The settings schema of a chain or a table called `name`, or nullptr.
  const std::vector<SettingSpec>* schema(const std::string& name) const;
};

/// Schema builders. A number (Int, Real, or Bool as 0 / 1) in [min, max] with its default.
SettingSpec numberSetting(std::string key, std::string label, SettingType type, double min,
                          double max, double defaultValue, std::string tooltip, bool live);
/// One of `choices` (`defaultChoice` empty: the first); choices are never live.
SettingSpec choiceSetting(std::string key, std::string label, std::vector<std::string> choices,
                          std::string tooltip, std::string defaultChoice = {});

/// Checks `values` against `spec`: every key must be known, numbers in range and whole for Int,
/// choices among the allowed. Returns "" or a message naming the chain, key and bad value
/// ("x.step_size = -1: must be > 0").
std::string validateSettings(const ChainSpec& spec, const SettingValues& values);

/// The settings that condition a chain on class labels (classifier-free guidance and
/// composition, for chains whose schema has them): labels[j] goes to "label", "label_2", ...,
/// weights[j] (when given) to "weight", "weight_2", ..., and guidance (when >= 0) to "guidance".
/// Throws ConfigError when the chain takes no labels, a label is negative, there are more labels
/// than slots, or the weights do not match the labels in number.
SettingValues conditioningSettings(const ChainSpec& chain, const std::vector<int>& labels,
                                   const std::vector<double>& weights, double guidance);
/// The same for a settings table ("train.lr_e = 0: must be > 0").
std::string validateSettings(const SettingsTable& table, const SettingValues& values);
/// The schema's defaults.
SettingValues defaultSettings(const ChainSpec& spec);
SettingValues defaultSettings(const std::vector<SettingSpec>& schema);
/// "step_size 0.5 -> 0.2" for every key whose value differs.
std::vector<std::string> describeChanges(const SettingValues& before, const SettingValues& after);

} // namespace ebm
