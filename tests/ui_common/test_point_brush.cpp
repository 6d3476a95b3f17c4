// The point editor's brush: dabs spray the asked number of points inside the disc, the eraser
// removes exactly the points inside its disc, and a set becomes a point file only when every
// point has a class or none does.
#include "point_brush.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace ebm::ui;

TEST(PointBrush, DabsFillTheDiscAndTheEraserEmptiesIt) {
  EditablePoints p;
  PointBrush brush(3);
  brush.dab(p, 0.5, -0.5, 0.2, 200, 1);
  ASSERT_EQ(p.size(), 200u);
  double far = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    far = std::max(far, std::hypot(p.xy[2 * i] - 0.5, p.xy[2 * i + 1] + 0.5));
    EXPECT_EQ(p.labels[i], 1);
  }
  EXPECT_LE(far, 0.2 + 1e-6);
  EXPECT_GT(far, 0.15);  // it fills the disc, not only its centre
  brush.dab(p, -1, 1, 0, 5, -1);  // radius 0: one point exactly there
  ASSERT_EQ(p.size(), 201u);
  EXPECT_EQ(p.xy[400], -1.f);
  EXPECT_EQ(p.xy[401], 1.f);
  EXPECT_EQ(PointBrush::erase(p, 0.5, -0.5, 0.3), 200);
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(PointBrush::erase(p, 0.5, -0.5, 0.3), 0);
}

TEST(PointBrush, PointFilesNeedEveryClassOrNone) {
  EditablePoints p;
  p.add(0, 0, -1);
  p.add(1, 1, -1);
  ebm::PointFile f = pointFileOf(p);
  EXPECT_FALSE(f.labelled());
  EXPECT_EQ(f.largestCoordinate, 1);
  p.add(0.5f, 0.5f, 2);
  try {
    pointFileOf(p);
    ADD_FAILURE() << "mixed classes accepted";
  } catch (const ebm::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("1 of 3 points have a class"), std::string::npos);
  }
  p.labels = {0, 1, 2};
  f = pointFileOf(p);
  EXPECT_EQ(f.classes, 3);
  EXPECT_EQ(editablePoints(f).labels, p.labels);
  EXPECT_THROW(pointFileOf(p, 20), ebm::DataError);
}

} // namespace
