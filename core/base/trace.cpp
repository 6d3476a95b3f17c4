#include "trace.h"

#include <cmath>

namespace ebm {

double Trace::mean(const std::vector<float>& row) {
  if (row.empty())
    return std::nan("");
  double s = 0;
  for (float v : row)
    s += v;
  return s / static_cast<double>(row.size());
}

} // namespace ebm
