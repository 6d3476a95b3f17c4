#include "point_brush.h"

#include "errors.h"

#include <algorithm>
#include <cmath>

namespace ebm::ui {

void EditablePoints::add(float x, float y, int label) {
  xy.push_back(x);
  xy.push_back(y);
  labels.push_back(label);
}

void PointBrush::dab(EditablePoints& points, double x, double y, double radius, int count,
                     int label) {
  if (radius <= 0 || count <= 1) {
    points.add(float(x), float(y), label);
    if (radius <= 0)
      return;
    count = std::max(0, count - 1);
  }
  std::uniform_real_distribution<double> u(0, 1);
  constexpr double kTwoPi = 6.283185307179586;
  for (int i = 0; i < count; ++i) {
    const double r = radius * std::sqrt(u(m_rng));  // uniform over the disc, not its centre
    const double a = kTwoPi * u(m_rng);
    points.add(float(x + r * std::cos(a)), float(y + r * std::sin(a)), label);
  }
}

int PointBrush::erase(EditablePoints& points, double x, double y, double radius) {
  EditablePoints kept;
  const double r2 = radius * radius;
  for (size_t i = 0; i < points.size(); ++i) {
    const double dx = points.xy[2 * i] - x, dy = points.xy[2 * i + 1] - y;
    if (dx * dx + dy * dy > r2)
      kept.add(points.xy[2 * i], points.xy[2 * i + 1], points.labels[i]);
  }
  const int removed = int(points.size() - kept.size());
  points = std::move(kept);
  return removed;
}

EditablePoints editablePoints(const PointFile& file) {
  EditablePoints p;
  for (size_t i = 0; i < file.size(); ++i)
    p.add(file.xy[2 * i], file.xy[2 * i + 1], file.labelled() ? int(file.labels[i]) : -1);
  return p;
}

PointFile pointFileOf(const EditablePoints& points, size_t minPoints) {
  if (points.size() < minPoints)
    throw DataError("the data set has " + std::to_string(points.size()) + " points; draw at least " +
                    std::to_string(minPoints));
  const auto labelled = std::count_if(points.labels.begin(), points.labels.end(),
                                      [](int l) { return l >= 0; });
  if (labelled != 0 && size_t(labelled) != points.size())
    throw DataError(std::to_string(labelled) + " of " + std::to_string(points.size()) +
                    " points have a class and the others none: give every point a class, or "
                    "none");
  PointFile f;
  f.xy = points.xy;
  for (size_t i = 0; i < f.size(); ++i)
    f.largestCoordinate = std::max({f.largestCoordinate, std::abs(double(f.xy[2 * i])),
                                    std::abs(double(f.xy[2 * i + 1]))});
  if (labelled) {
    f.labels.assign(points.labels.begin(), points.labels.end());
    f.classes = 1 + *std::max_element(points.labels.begin(), points.labels.end());
  }
  return f;
}

} // namespace ebm::ui
