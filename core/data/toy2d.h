// 2-D toy distributions: samplers and, where it exists in closed form, the exact
// log-density. Used for training the toy models and for measuring sample quality.
// Pure functions of their arguments; any thread. No Qt/GL.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ebm {

/// Names accepted by sampleToy2d / toyLogDensity.
const std::vector<std::string>& toy2dNames();

/// Draws n points (n, 2), float32 on CPU, roughly inside [-1, 1]^2. Throws ConfigError on an
/// unknown name.
torch::Tensor sampleToy2d(const std::string& name, int64_t n, torch::Generator& gen);

/// Classes of a toy's labelled form (conditional models; 0 = the toy has no labels):
/// 8gaussians: 8, the mode index (0 east, counter-clockwise); 25gaussians: 10, two independent
/// attributes of the 5 x 5 grid, classes 0..4 the row (bottom to top) and 5..9 the column (left
/// to right). Throws ConfigError on an unknown name.
int toyLabelCount(const std::string& name);
/// The classes' names, e.g. "row 2" or "mode 3"; empty for a toy without labels.
std::vector<std::string> toyLabelNames(const std::string& name);

/// n labelled points: (points (n, 2) float32, labels (n) int64). 25gaussians labels each point
/// by its row or by its column, each with probability 1/2. Throws ConfigError for a toy without
/// labels.
std::pair<torch::Tensor, torch::Tensor> sampleToy2dLabelled(const std::string& name, int64_t n,
                                                            torch::Generator& gen);

/// The log-density of a labelled toy given one class, (n, 2) -> (n) float64: the mixture of the
/// modes that carry the label (for the grid: the 5 modes of a row or of a column).
torch::Tensor toyLogDensityGiven(const std::string& name, int label, const torch::Tensor& points);

/// True if `name` has an exact log-density. Throws ConfigError on an unknown name.
bool toyHasLogDensity(const std::string& name);

/// Exact log-density at points (n, 2) -> (n), float64; -inf where the density is zero.
/// Throws ConfigError if the distribution has none (see toyHasLogDensity), std::invalid_argument
/// if points is not (n, 2). "rings" is the density of its sampler's model, (1/3) sum_k
/// N(|x|; r_k, s^2) / (2 pi |x|), which ignores the ~3e-24 mass of radius draws below 0 and
/// clamps |x| at 1e-12 so the origin gets a finite (very low) value.
torch::Tensor toyLogDensity(const std::string& name, const torch::Tensor& points);

/// Squared MMD between two point sets (n, d) and (m, d) with a sum of RBF kernels
/// at bandwidths {0.02, 0.05, 0.1, 0.2, 0.5, 1} (biased V-statistic, >= 0), computed in float64.
/// Costs O(n m) memory and time. Throws std::invalid_argument on empty or mismatched sets.
double mmdRbf(const torch::Tensor& a, const torch::Tensor& b);

} // namespace ebm
