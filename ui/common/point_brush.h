// PointBrush: what the point editor's brush does to a user's 2-D data set, without a toolkit:
// a dab sprays points uniformly over a disc, the eraser removes the points inside one, and the
// set is checked before it becomes a point file (every point with a class or none). Plain C++
// over core/api; one thread at a time.
#pragma once

#include "point_file.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ebm::ui {

/// A user's points: (x, y) pairs and a class per point (-1: none).
struct EditablePoints {
  std::vector<float> xy;
  std::vector<int> labels;

  size_t size() const { return labels.size(); }
  void add(float x, float y, int label);
};

class PointBrush {
public:
  explicit PointBrush(uint64_t seed = 1) : m_rng(seed) {}

  /// Adds `count` points drawn uniformly over the disc of `radius` around (x, y) (radius 0: the
  /// point itself, once), each with class `label` (-1: none).
  void dab(EditablePoints& points, double x, double y, double radius, int count, int label);
  /// Removes the points within `radius` of (x, y); returns how many.
  static int erase(EditablePoints& points, double x, double y, double radius);

private:
  std::mt19937_64 m_rng;
};

/// Points from a point file (unlabelled points get class -1).
EditablePoints editablePoints(const PointFile& file);
/// The point file of a user's points; throws DataError when some points have a class and others
/// none, or when there are fewer than `minPoints` points.
PointFile pointFileOf(const EditablePoints& points, size_t minPoints = 1);

} // namespace ebm::ui
