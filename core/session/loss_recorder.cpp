#include "session/loss_recorder.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ebm {

LossRecorder::LossRecorder(int maxRows) : m_maxRows(std::max(16, maxRows)) {}

void LossRecorder::reset(std::vector<std::string> names) {
  m_rows = LossHistory{};
  m_rows.names = std::move(names);
  m_stride = 1;
  m_changed = true;
}

void LossRecorder::append(long iteration, const std::vector<double>& row) {
  if (row.empty())
    return;
  // The previous newest row stays only when it sits on the stride's grid.
  if (!m_rows.iterations.empty() && m_rows.iterations.back() % m_stride != 0) {
    m_rows.iterations.pop_back();
    m_rows.rows.pop_back();
  }
  m_rows.iterations.push_back(iteration);
  m_rows.rows.push_back(row);
  while (static_cast<int>(m_rows.rows.size()) > m_maxRows)
    thin();
  m_changed = true;
}

namespace {

std::vector<std::string> csvFields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');)
    fields.push_back(f);
  return fields;
}

/// The numbers of a row, or none when a field is not a number.
bool csvNumbers(const std::vector<std::string>& fields, std::vector<double>& out) {
  out.clear();
  for (const std::string& f : fields) {
    char* end = nullptr;
    const double v = std::strtod(f.c_str(), &end);
    if (f.empty() || end != f.c_str() + f.size())
      return false;
    out.push_back(v);
  }
  return true;
}

} // namespace

int LossRecorder::restore(const std::string& csvPath, long lastIteration) {
  std::ifstream in(csvPath);
  std::string line;
  if (!in || !std::getline(in, line))
    return 0;
  std::vector<std::string> header{"iteration"};
  header.insert(header.end(), m_rows.names.begin(), m_rows.names.end());
  if (csvFields(line) != header)
    return 0;
  std::vector<long> iterations;
  std::vector<std::vector<double>> rows;
  std::vector<double> numbers;
  while (std::getline(in, line)) {
    const auto fields = csvFields(line);
    if (fields.size() != header.size() || !csvNumbers(fields, numbers))
      return 0;
    const long it = static_cast<long>(numbers[0]);
    if (it > lastIteration)
      break;
    if (!iterations.empty() && it <= iterations.back())
      return 0;
    iterations.push_back(it);
    rows.emplace_back(numbers.begin() + 1, numbers.end());
  }
  for (size_t i = 0; i < rows.size(); ++i)
    append(iterations[i], rows[i]);
  return static_cast<int>(rows.size());
}

void LossRecorder::thin() {
  m_stride *= 2;
  const size_t n = m_rows.rows.size();
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i + 1 < n && m_rows.iterations[i] % m_stride != 0)
      continue;
    m_rows.iterations[kept] = m_rows.iterations[i];
    m_rows.rows[kept] = std::move(m_rows.rows[i]);
    ++kept;
  }
  m_rows.iterations.resize(kept);
  m_rows.rows.resize(kept);
}

std::shared_ptr<const LossHistory> LossRecorder::published(bool now) {
  const auto t = std::chrono::steady_clock::now();
  if (m_changed &&
      (now || std::chrono::duration<double>(t - m_copiedAt).count() >= kMinCopySeconds)) {
    m_copy = std::make_shared<const LossHistory>(m_rows);
    m_copiedAt = t;
    m_changed = false;
  }
  return m_copy;
}

} // namespace ebm
