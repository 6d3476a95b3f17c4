#include "gui_bench.h"

#include "arena_pane.h"
#include "arena_view.h"

#include "bench_report.h"
#include "curve_plot.h"
#include "frame_stats.h"
#include "loss_panel.h"
#include "main_window.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QFile>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace ebm::ui {
namespace {

constexpr int kProbeMs = 5;

/// CPU seconds the calling thread has used.
double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

} // namespace

GuiBench::GuiBench(MainWindow* window, double seconds, QString outPath, QObject* parent)
    : QObject(parent), m_window(window), m_seconds(seconds), m_outPath(std::move(outPath)) {
  m_probe.setInterval(kProbeMs);
  m_probe.setTimerType(Qt::PreciseTimer);
  connect(&m_probe, &QTimer::timeout, this, &GuiBench::probe);
  m_second.setInterval(1000);
  connect(&m_second, &QTimer::timeout, this, &GuiBench::everySecond);
}

void GuiBench::start() {
  if (m_arena) {
    ArenaView* arena = m_window->openArena();
    arena->setRepeat(true);
    arena->start();
  }
  m_clock.start();
  m_probe.start();
  m_second.start();
}

void GuiBench::probe() {
  const qint64 t = m_clock.nsecsElapsed();
  if (m_lastProbeNs && m_trainingStarted)
    m_stalls.push_back(std::max(0.0, (t - m_lastProbeNs) * 1e-6 - kProbeMs));
  m_lastProbeNs = t;
}

void GuiBench::everySecond() {
  ++m_tick;
  auto& host = m_window->host();
  auto snap = host.pollNow();
  if (!snap)
    return;
  if (!m_trainingStarted) {
    if (snap->state == RunState::Idle) {
      host.post(cmd::StartTraining{1000000});
      m_trainingStarted = true;
      m_window->host().clearTickIntervals();
      if (m_window->arena())
        for (auto* pane : m_window->arena()->panes())
          pane->host().clearTickIntervals();
      m_clock.restart();
      m_lastProbeNs = 0;
      m_cpuAtStart = threadCpuSeconds();
    } else if (snap->state == RunState::Failed) {
      std::fprintf(stderr, "bench: the session failed: %s\n", snap->lastError.c_str());
      QApplication::exit(1);
    }
    return;
  }
  const double t = m_clock.elapsed() / 1000.0;
  for (auto* p : {m_window->energyPlot(), m_window->msePlot()})
    m_replotMs.push_back(p->plot()->replotTime());
  m_replotMs.push_back(m_window->lossPanel()->plot()->replotTime());
  if (snap->state == RunState::Training && snap->langevinStepsPerSecond > 0) {
    m_stepsPerSecond += snap->langevinStepsPerSecond;
    ++m_samples;
  }
  if (m_tick % 5 == 0)
    m_rss.emplace_back(t, double(snap->residentBytes) / (1024.0 * 1024.0));
  if (m_cycleRevisions)
    cycleRevisions(t, snap->state);
  if (!m_csvPath.isEmpty() && t >= m_nextMinute) {
    m_nextMinute += 60;
    writeMinuteRow(t, double(snap->residentBytes) / (1024.0 * 1024.0), snap->iteration);
  }
  // A settings change every 3 s; its delay is read back once a Langevin step used it.
  // The probed chain is the method's first; its step size toggles between two close values.
  if (!snap->methodInfo || snap->methodInfo->chains.empty())
    return;
  const std::string chain = snap->methodInfo->chains.front().name;
  const ChainView& view = snap->chains.at(chain);
  if (m_pendingVersion && view.settingsUsed >= m_pendingVersion && view.setToUseSeconds >= 0) {
    m_setToUse.push_back(view.setToUseSeconds);
    m_pendingVersion = 0;
  }
  if (!m_pendingVersion && m_tick % 3 == 0) {
    SettingValues v;
    m_toggle = !m_toggle;
    const double base = view.settings.number("step_size");
    v.numbers["step_size"] = m_toggle ? base * 0.98 : base / 0.98;
    if (host.setChainSettings(chain, v))
      m_pendingVersion = host.pollNow() ? view.settingsVersion + 1 : 0;
  }
  if (t >= m_seconds)
    finish();
}

void GuiBench::cycleRevisions(double t, RunState state) {
  constexpr int kTrainSeconds = 45;
  const bool revisionTime = static_cast<int>(t) % 60 >= kTrainSeconds;
  if (revisionTime && !m_pausedForRevisions && state == RunState::Training) {
    m_window->host().post(cmd::StopTraining{});
    m_pausedForRevisions = true;
  } else if (!revisionTime && m_pausedForRevisions && state != RunState::Training) {
    m_window->host().post(cmd::StartTraining{1000000});
    m_pausedForRevisions = false;
  }
}

void GuiBench::writeMinuteRow(double t, double rssMib, int64_t iteration) {
  const auto& all = m_window->host().tickIntervals();
  const std::vector<double> ticks(all.begin() + std::min(m_minuteTicks, all.size()), all.end());
  const std::vector<double> stalls(m_stalls.begin() + std::min(m_minuteStalls, m_stalls.size()),
                                   m_stalls.end());
  m_minuteTicks = all.size();
  m_minuteStalls = m_stalls.size();
  const auto over100 = std::count_if(stalls.begin(), stalls.end(), [](double ms) {
    return ms > 100;
  });
  QFile f(m_csvPath);
  const bool fresh = !f.exists() || f.size() == 0;
  if (!f.open(QIODevice::Append | QIODevice::Text)) {
    std::fprintf(stderr, "bench: cannot write %s\n", qPrintable(m_csvPath));
    return;
  }
  if (fresh)
    f.write("minute,rss_mib,frame_p99_ms,frames,stalls_over_100ms,max_stall_ms,iteration,"
            "revision_rounds\n");
  f.write(QString("%1,%2,%3,%4,%5,%6,%7,%8\n")
              .arg(qRound(t / 60.0))
              .arg(rssMib, 0, 'f', 1)
              .arg(quantile(ticks, 0.99), 0, 'f', 2)
              .arg(ticks.size())
              .arg(over100)
              .arg(quantile(stalls, 1.0), 0, 'f', 1)
              .arg(iteration)
              .arg(m_window->revisionRounds())
              .toUtf8());
}

void GuiBench::finish() {
  m_probe.stop();
  m_second.stop();
  m_window->host().post(cmd::StopTraining{});
  double rssFirst = 0, rssLast = 0, rssMax = 0;
  // Memory after the first minute (allocator warm-up) against the end of the run.
  for (const auto& [t, mib] : m_rss) {
    if (rssFirst == 0 && t >= std::min(60.0, m_seconds / 4))
      rssFirst = mib;
    rssLast = mib;
    rssMax = std::max(rssMax, mib);
  }
  std::vector<double> setToUseMs;
  for (double seconds : m_setToUse)
    setToUseMs.push_back(seconds * 1000);
  const auto snap = m_window->host().pollNow();
  const double wall = std::max(1e-3, m_clock.elapsed() / 1000.0);
  BenchReport r;
  r.number("seconds", m_seconds, 0)
      .integer("iterations", snap ? snap->iteration : 0)
      .intervals("frame_interval_ms", summarise(m_window->host().tickIntervals()), 33)
      .intervals("snapshot_handler_ms", summarise(m_window->host().handlerTimes()))
      .intervals("replot_ms", summarise(m_replotMs))
      .intervals("event_loop_stall_ms", summarise(m_stalls))
      .intervals("settings_change_to_first_use_ms", summarise(setToUseMs))
      .number("langevin_steps_per_second", m_samples ? m_stepsPerSecond / m_samples : 0.0);
  BenchReport rss;
  rss.number("after_warmup", rssFirst)
      .number("end", rssLast)
      .number("max", rssMax)
      .number("growth_percent", rssFirst > 0 ? 100.0 * (rssLast - rssFirst) / rssFirst : 0.0);
  r.object("rss_mib", rss)
      .number("gui_thread_cpu_percent", 100.0 * (threadCpuSeconds() - m_cpuAtStart) / wall);
  addArena(r);
  QApplication::exit(r.publish(m_outPath.toStdString()) ? 0 : 1);
}

void GuiBench::addArena(BenchReport& r) const {
  // The arena panes' own ~30 Hz ticks: what a class watching the arena sees.
  const ArenaView* arena = m_window->arena();
  if (!m_arena || !arena) {
    r.null("arena");
    return;
  }
  std::vector<double> ticks;
  for (auto* pane : arena->panes())
    ticks.insert(ticks.end(), pane->host().tickIntervals().begin(),
                 pane->host().tickIntervals().end());
  BenchReport a;
  a.integer("panes", static_cast<long long>(arena->panes().size()))
      .integer("rounds", arena->rounds())
      .intervals("frame_interval_ms", summarise(ticks));
  r.object("arena", a);
}

} // namespace ebm::ui
