#include "frame_bench.h"

#include "frame_stats.h"
#include "viewer_session.h"

#include <cstdio>
#include <ctime>

namespace ebm::viewer {
namespace {

constexpr double kProbeSeconds = 3;

double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

bool FrameBench::frame(ViewerSession& s) {
  const auto& snap = s.snapshot();
  if (!snap)
    return false;
  if (!m_started) {
    if (snap->state == RunState::Failed) {
      std::fprintf(stderr, "bench: the session failed: %s\n", snap->lastError.c_str());
      m_status = 1;
      return true;
    }
    if (snap->state == RunState::Idle && snap->methodInfo)
      start(s);
    return false;
  }
  probeSettings(s);
  if (secondsSince(m_t0) < m_seconds)
    return false;
  finish(s);
  return true;
}

void FrameBench::drawn() {
  const auto now = std::chrono::steady_clock::now();
  if (m_started && m_lastDrawn.time_since_epoch().count() != 0)
    m_drawIntervals.push_back(std::chrono::duration<double, std::milli>(now - m_lastDrawn).count());
  m_lastDrawn = now;
}

void FrameBench::start(ViewerSession& s) {
  s.poller().post(cmd::StartTraining{1000000});
  s.poller().clearTimings();
  m_started = true;
  m_t0 = m_lastProbe = std::chrono::steady_clock::now();
  m_cpuAtStart = threadCpuSeconds();
}

void FrameBench::probeSettings(ViewerSession& s) {
  // The method's first chain: its step size toggles between two close values every 3 s, and the
  // delay to its first use is read back from the snapshot.
  const auto& snap = s.snapshot();
  if (secondsSince(m_lastProbe) < kProbeSeconds || snap->methodInfo->chains.empty())
    return;
  m_lastProbe = std::chrono::steady_clock::now();
  if (snap->state == RunState::Training && snap->langevinStepsPerSecond > 0) {
    m_stepsPerSecond += snap->langevinStepsPerSecond;
    ++m_samples;
  }
  const std::string chain = snap->methodInfo->chains.front().name;
  const ChainView& view = snap->chains.at(chain);
  if (m_pendingVersion && view.settingsUsed >= m_pendingVersion && view.setToUseSeconds >= 0) {
    m_setToUse.push_back(view.setToUseSeconds * 1000);
    m_pendingVersion = 0;
  }
  if (m_pendingVersion)
    return;
  m_toggle = !m_toggle;
  const double base = view.settings.number("step_size");
  SettingValues v;
  v.numbers["step_size"] = m_toggle ? base * 0.98 : base / 0.98;
  if (s.poller().setChainSettings(chain, v))
    m_pendingVersion = view.settingsVersion + 1;
}

void FrameBench::finish(ViewerSession& s) {
  s.poller().post(cmd::StopTraining{});
  const auto& snap = s.snapshot();
  const double wall = std::max(1e-3, secondsSince(m_t0));
  const ui::IntervalSummary frames = ui::summarise(s.poller().pollIntervals());
  char head[512];
  std::snprintf(head, sizeof head,
                "{\n  \"seconds\": %.1f,\n  \"iterations\": %ld,\n"
                "  \"frame_interval_ms\": {\"target\": 33, \"p50\": %.2f, \"p99\": %.2f, "
                "\"max\": %.2f, \"count\": %zu},\n",
                m_seconds, snap->iteration, frames.p50, frames.p99, frames.max, frames.count);
  char tail[256];
  std::snprintf(tail, sizeof tail,
                "  \"langevin_steps_per_second\": %.1f,\n  \"gui_thread_cpu_percent\": %.1f,\n"
                "  \"rss_mib\": {\"end\": %.1f, \"max\": %.1f}\n}\n",
                m_samples ? m_stepsPerSecond / m_samples : 0.0,
                100.0 * (threadCpuSeconds() - m_cpuAtStart) / wall,
                double(snap->residentBytes) / 1048576.0,
                double(snap->peakResidentBytes) / 1048576.0);
  const std::string json =
      std::string(head) + "  \"snapshot_handler_ms\": " +
      ui::toJson(ui::summarise(s.poller().handlerTimes())) +
      ",\n  \"drawn_frame_interval_ms\": " + ui::toJson(ui::summarise(m_drawIntervals)) +
      ",\n  \"settings_change_to_first_use_ms\": " + ui::toJson(ui::summarise(m_setToUse)) +
      ",\n" + tail;
  std::fputs(json.c_str(), stdout);
  std::fflush(stdout);
  if (m_out.empty())
    return;
  if (FILE* f = std::fopen(m_out.c_str(), "w")) {
    std::fputs(json.c_str(), f);
    std::fclose(f);
  } else {
    std::fprintf(stderr, "bench: cannot write %s\n", m_out.c_str());
    m_status = 1;
  }
}

} // namespace ebm::viewer
