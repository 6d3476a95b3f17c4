// A value that one thread (a GUI, the CLI) may change while another (the worker)
// reads it at every Langevin step. Plain C++; any thread may call any member.
// The version counter lets a reader notice a change without comparing values.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

namespace ebm {

template <typename T> class LiveValue {
public:
  LiveValue() = default;
  explicit LiveValue(T value) : m_value(std::move(value)) {}

  T get() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_value;
  }
  /// Returns the value together with its version, read consistently.
  T get(uint64_t& version) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    version = m_version.load(std::memory_order_relaxed);
    return m_value;
  }
  void set(T value) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_value = std::move(value);
    m_version.fetch_add(1, std::memory_order_release);
  }
  uint64_t version() const { return m_version.load(std::memory_order_acquire); }

private:
  mutable std::mutex m_mutex;
  T m_value{};
  std::atomic<uint64_t> m_version{0};
};

} // namespace ebm
