#include "point_file.h"

#include "errors.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

namespace ebm {
namespace {

namespace fs = std::filesystem;

std::string_view trimPointField(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

/// A field as it appears in a message: quoted, cut at 40 characters, control bytes shown as '?'.
std::string shownPointField(std::string_view s) {
  std::string out(s.substr(0, 40));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = '?';
  return "\"" + out + (s.size() > 40 ? "...\"" : "\"");
}

/// The whole field as a number (a leading '+' allowed), or nothing.
std::optional<double> pointNumber(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+')
    s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

std::vector<std::string_view> splitPointRow(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    fields.push_back(trimPointField(line.substr(start, comma - start)));
    if (comma == std::string_view::npos)
      return fields;
    start = comma + 1;
  }
}

/// Reads the rows of one file, keeping the line number of the first row of each form so that a
/// row of the other form can name it.
class PointCsvReader {
public:
  explicit PointCsvReader(const std::string& origin) : m_origin(origin) {}

  void line(std::string_view text, size_t number) {
    m_line = number;
    const auto fields = splitPointRow(text);
    if (!m_sawRow && isHeader(fields)) {
      m_sawRow = true;
      columns(fields.size(), "the header has");
      m_columns = fields.size();
      m_formLine = number;
      return;
    }
    m_sawRow = true;
    columns(fields.size(), "");
    if (m_columns == 0) {
      m_columns = fields.size();
      m_formLine = number;
    } else if (fields.size() != m_columns) {
      fail(std::to_string(fields.size()) + " values (" + form(fields.size()) + ") but line " +
           std::to_string(m_formLine) + " has " + std::to_string(m_columns) + " (" +
           form(m_columns) + "): every row needs a label or none does");
    }
    coordinate(fields[0], "x");
    coordinate(fields[1], "y");
    if (fields.size() == 3)
      label(fields[2]);
  }

  PointFile finish() {
    if (m_out.size() == 0)
      throw DataError(m_origin + " holds no points: expected rows x,y or x,y,label");
    if (m_columns == 3)
      m_out.classes = static_cast<int>(*std::max_element(m_out.labels.begin(),
                                                         m_out.labels.end())) + 1;
    return std::move(m_out);
  }

private:
  /// Names such as x,y,label: at least two, none empty, none a number.
  static bool isHeader(const std::vector<std::string_view>& fields) {
    return fields.size() >= 2 && std::none_of(fields.begin(), fields.end(), [](std::string_view f) {
      return f.empty() || pointNumber(f).has_value();
    });
  }

  static std::string form(size_t columns) { return columns == 3 ? "x,y,label" : "x,y"; }

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(m_origin + ":" + std::to_string(m_line) + ": " + what);
  }

  void columns(size_t n, const std::string& subject) const {
    if (n == 2 || n == 3)
      return;
    fail((subject.empty() ? "" : subject + " ") + std::to_string(n) +
         (n == 1 ? " value" : " values") +
         ", expected 2 (x,y) or 3 (x,y,label) separated by commas");
  }

  void coordinate(std::string_view field, const char* name) {
    const auto v = pointNumber(field);
    if (!v)
      fail(std::string(name) + " = " + shownPointField(field) + " is not a number");
    if (!std::isfinite(*v))
      fail(std::string(name) + " = " + shownPointField(field) + " is not finite");
    if (std::fabs(*v) > std::numeric_limits<float>::max())
      fail(std::string(name) + " = " + shownPointField(field) +
           " is beyond the range of 32-bit floats");
    m_out.xy.push_back(static_cast<float>(*v));
    m_out.largestCoordinate = std::max(m_out.largestCoordinate, std::fabs(*v));
  }

  void label(std::string_view field) {
    const auto v = pointNumber(field);
    if (!v || !std::isfinite(*v) || *v != std::floor(*v))
      fail("label = " + shownPointField(field) + " is not an integer class number 0, 1, 2, ...");
    if (*v < 0)
      fail("label = " + shownPointField(field) + " is negative: labels are class numbers 0, 1, "
           "2, ...");
    if (*v >= kMaxPointClasses)
      fail("label = " + shownPointField(field) + ": at most " +
           std::to_string(kMaxPointClasses) + " classes (labels 0.." +
           std::to_string(kMaxPointClasses - 1) + ")");
    m_out.labels.push_back(static_cast<int64_t>(*v));
  }

  std::string m_origin;
  PointFile m_out;
  size_t m_line = 0;
  size_t m_columns = 0;   // 2 or 3 once the first row (or the header) is read
  size_t m_formLine = 0;  // the line that set m_columns
  bool m_sawRow = false;
};

std::string pointFileWhere(const std::string& path) {
  if (fs::path(path).is_absolute())
    return path;
  std::error_code ec;
  const auto cwd = fs::current_path(ec);
  return ec ? path : path + " (relative to " + cwd.string() + ")";
}

} // namespace

PointFile parsePointCsv(std::string_view text, const std::string& origin) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  PointCsvReader reader(origin);
  size_t number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    ++number;
    std::string_view line = text.substr(start, end - start);
    line = trimPointField(line.substr(0, line.find('#')));
    if (!line.empty())
      reader.line(line, number);
    start = end + 1;
  }
  return reader.finish();
}

PointFile readPointFile(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status))
    throw DataError("point file " + pointFileWhere(path) + " does not exist");
  if (fs::is_directory(status))
    throw DataError("point file " + path + " is a folder: data.path must name a CSV file of "
                    "x,y or x,y,label rows");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw DataError("cannot read point file " + path + ": " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff bytes = in.tellg();
  if (bytes > kMaxPointFileBytes)
    throw DataError("point file " + path + " has " + std::to_string(bytes >> 20) +
                    " MiB; point files are read whole, at most " +
                    std::to_string(kMaxPointFileBytes >> 20) + " MiB");
  in.seekg(0);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad() || (bytes > 0 && !text))
    throw DataError("cannot read point file " + path + ": " + std::strerror(errno));
  return parsePointCsv(text.str(), path);
}

void writePointFile(const std::string& path, const PointFile& points) {
  const size_t n = points.size();
  if (points.labelled() && points.labels.size() != n)
    throw DataError("point file " + path + ": " + std::to_string(points.labels.size()) +
                    " labels for " + std::to_string(n) + " points");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw DataError("cannot write point file " + path + ": " + std::strerror(errno));
  out << (points.labelled() ? "x,y,label\n" : "x,y\n");
  out.precision(std::numeric_limits<float>::max_digits10);
  for (size_t i = 0; i < n; ++i) {
    out << points.xy[2 * i] << ',' << points.xy[2 * i + 1];
    if (points.labelled())
      out << ',' << points.labels[i];
    out << '\n';
  }
  out.flush();
  if (!out)
    throw DataError("cannot write point file " + path + ": " + std::strerror(errno));
}

} // namespace ebm
