#include "frame_bench.h"

#include "bench_report.h"
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
  ui::BenchReport r;
  r.number("seconds", m_seconds)
      .integer("iterations", snap->iteration)
      .intervals("frame_interval_ms", ui::summarise(s.poller().pollIntervals()), 33)
      .intervals("snapshot_handler_ms", ui::summarise(s.poller().handlerTimes()))
      .intervals("drawn_frame_interval_ms", ui::summarise(m_drawIntervals))
      .intervals("settings_change_to_first_use_ms", ui::summarise(m_setToUse))
      .number("langevin_steps_per_second", m_samples ? m_stepsPerSecond / m_samples : 0.0)
      .number("gui_thread_cpu_percent", 100.0 * (threadCpuSeconds() - m_cpuAtStart) / wall);
  ui::BenchReport rss;
  rss.number("end", double(snap->residentBytes) / 1048576.0)
      .number("max", double(snap->peakResidentBytes) / 1048576.0);
  r.object("rss_mib", rss);
  if (!r.publish(m_out))
    m_status = 1;
}

} // namespace ebm::viewer
