#include "session/loss_recorder.h"

#include <algorithm>

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
