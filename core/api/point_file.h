// A user's own 2-D data (data.kind = "points"): a CSV file of rows `x,y` or `x,y,label`, with
// an optional header line, `#` comments and blank lines. Plain C++ (no LibTorch), any thread,
// no Qt/GL; front ends read and write a user's points with it. Bad files raise DataError
// naming the file and, for a bad row, its line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ebm {

/// The points of a file, in file order, used as given (no rescaling).
struct PointFile {
  std::vector<float> xy;          // n x 2, row-major
  std::vector<int64_t> labels;    // n class labels 0..classes-1, or empty when unlabelled
  int classes = 0;                // 1 + the largest label (0: no labels)
  double largestCoordinate = 0;   // the largest |x| or |y| (models expect about [-1, 1]^2)

  size_t size() const { return xy.size() / 2; }
  bool labelled() const { return !labels.empty(); }
};

/// Labels are class numbers 0..kMaxPointClasses-1 (a conditional model embeds each class).
constexpr int kMaxPointClasses = 1000;
/// Point files are read whole; a larger one is refused before it is read.
constexpr int64_t kMaxPointFileBytes = int64_t{256} << 20;

/// Parses CSV text. Each row holds 2 numbers (x,y) or 2 numbers and an integer label; every row
/// of a file has the same form. The first row that is not blank or a comment is a header when
/// its first value is not a number (e.g. `x,y,label`). Fields may be padded with spaces; a `#`
/// starts a comment that runs to the end of its line; a UTF-8 byte-order mark is skipped.
/// Throws DataError "<origin>:<line>: ..." for a row with a wrong number of values, a value that
/// is not a number or not finite in 32-bit floats, a label that is not an integer in
/// 0..kMaxPointClasses-1, rows with and rows without labels mixed; and "<origin> holds no
/// points" when no row is left.
PointFile parsePointCsv(std::string_view text, const std::string& origin);

/// Writes `points` as CSV with a header (`x,y` or `x,y,label`), one row per point, with the
/// precision that reads back the same floats. Throws DataError when labels are given but do not
/// match the points in number, or the file cannot be written.
void writePointFile(const std::string& path, const PointFile& points);

/// Reads and parses a point file. Throws DataError: a missing file (with the folder a relative
/// path was resolved against), a folder, a file that cannot be read or is larger than
/// kMaxPointFileBytes, or anything parsePointCsv refuses.
PointFile readPointFile(const std::string& path);

} // namespace ebm
