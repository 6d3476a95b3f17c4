// A value that one thread (a GUI, the CLI) may change while another (the worker)
// reads it at every Langevin step. Plain C++; any thread may call any member.
// The version counter lets a reader notice a change without comparing values.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace ebm {

template <typename T> class LiveValue {
public:
  LiveValue() = default;
  explicit LiveValue(T value) : m_value(std::move(value)) {}

  /// The reader's call: also notes when a new version was first read, i.e. first used.
  T get() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    noteRead();
    return m_value;
  }
  /// Reads without counting as a use (for reports and snapshots, not for the chain).
  T peek() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_value;
  }
  /// Returns the value together with its version, read consistently.
  T get(uint64_t& version) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    version = m_version.load(std::memory_order_relaxed);
    noteRead();
    return m_value;
  }
  void set(T value) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_value = std::move(value);
    m_setAt = Clock::now();
    m_version.fetch_add(1, std::memory_order_release);
  }
  uint64_t version() const { return m_version.load(std::memory_order_acquire); }

  /// The latest version a reader has used, and the seconds from its set() to that first use
  /// (negative while the latest version has not been read yet).
  uint64_t usedVersion(double& setToUseSeconds) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    setToUseSeconds = m_usedVersion == m_version.load(std::memory_order_relaxed)
                          ? std::chrono::duration<double>(m_usedAt - m_setAt).count()
                          : -1.0;
    return m_usedVersion;
  }

private:
  using Clock = std::chrono::steady_clock;
  void noteRead() const {
    const uint64_t v = m_version.load(std::memory_order_relaxed);
    if (v != m_usedVersion) {
      m_usedVersion = v;
      m_usedAt = Clock::now();
    }
  }

  mutable std::mutex m_mutex;
  T m_value{};
  std::atomic<uint64_t> m_version{0};
  Clock::time_point m_setAt{};
  mutable uint64_t m_usedVersion = 0;
  mutable Clock::time_point m_usedAt{};
};

} // namespace ebm
