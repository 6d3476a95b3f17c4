#include "method.h"

#include "dual_mcmc.h"
#include "errors.h"
#include "safetensors.h"

#include <map>
#include <mutex>
#include <sstream>

namespace ebm {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, MethodFactory> factories;
};

// Built on first use (no static constructors), with the built-in methods already in it.
Registry& registry() {
  static Registry* r = [] {
    auto* reg = new Registry;
    reg->factories["dual-mcmc"] = [](const RunConfig& c, torch::Device d) {
      return std::unique_ptr<TrainingMethod>(new DualMcmc(c, d));
    };
    return reg;
  }();
  return *r;
}

std::string shapeString(torch::IntArrayRef s) {
  std::ostringstream os;
  os << s;
  return os.str();
}

} // namespace

void registerMethod(const std::string& name, MethodFactory factory) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.factories[name] = std::move(factory);
}

std::vector<std::string> methodNames() {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> names;
  for (auto& kv : r.factories)
    names.push_back(kv.first);
  return names;
}

std::unique_ptr<TrainingMethod> makeMethod(const RunConfig& config, torch::Device device) {
  MethodFactory factory;
  {
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(config.train.method);
    if (it != r.factories.end())
      factory = it->second;
  }
  if (!factory) {
    std::string known;
    for (auto& n : methodNames())
      known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("train.method = " + config.train.method + ": unknown method (known: " +
                      known + ")");
  }
  return factory(config, device);
}

void loadNamedTensors(const std::vector<std::pair<std::string, torch::Tensor>>& dst,
                      const SafeTensors& src) {
  // Check everything first so a bad checkpoint leaves the models untouched.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> pairs;
  for (const auto& [name, t] : dst) {
    auto s = src.find(name);
    if (!s.defined())
      throw CheckpointError("tensor '" + name +
                            "' is missing: the checkpoint belongs to another architecture");
    if (s.sizes() != t.sizes())
      throw CheckpointError("tensor '" + name + "' has shape " + shapeString(s.sizes()) +
                            " but this model needs " + shapeString(t.sizes()) +
                            ": the checkpoint belongs to another architecture");
    if (s.scalar_type() != t.scalar_type())
      throw CheckpointError("tensor '" + name + "' has dtype " +
                            std::string(c10::toString(s.scalar_type())) + " but this model needs " +
                            std::string(c10::toString(t.scalar_type())));
    pairs.emplace_back(t, s);
  }
  torch::NoGradGuard noGrad;
  for (auto& [t, s] : pairs)
    t.copy_(s);
}

} // namespace ebm
