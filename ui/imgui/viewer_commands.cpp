// ViewerSession's commands: revisions, training, live settings, checkpoints and pins. Each is
// posted to the session (never waited on); a checkpoint is checked before the running model is
// given up for it.
#include "viewer_session.h"

#include "chain_bundle.h"
#include "checkpoint_info.h"
#include "landscape_frame.h"
#include "trace_frames.h"

#include <filesystem>

namespace ebm::viewer {

const SettingValues& ViewerSession::settings(const std::string& chain) const {
  static const SettingValues kNone;
  auto it = m_settings.find(chain);
  return it == m_settings.end() ? kNone : it->second;
}

void ViewerSession::setSetting(const std::string& chain, const std::string& key, double value) {
  m_lastEditMs = nowMs();
  m_settings[chain].numbers[key] = value;
  SettingValues v;
  v.numbers[key] = value;
  m_poller.setChainSettings(chain, v);  // a refusal comes back as the session's error
}

void ViewerSession::editSetting(const std::string& chain, const std::string& key, double value) {
  m_lastEditMs = nowMs();
  m_settings[chain].numbers[key] = value;
}

void ViewerSession::commitSetting(const std::string& chain, const std::string& key) {
  setSetting(chain, key, settings(chain).number(key));
}

void ViewerSession::setChoice(const std::string& chain, const std::string& key,
                              const std::string& value) {
  m_lastEditMs = nowMs();
  m_settings[chain].choices[key] = value;
  SettingValues v;
  v.choices[key] = value;
  m_poller.setChainSettings(chain, v);
}

cmd::RunChain ViewerSession::runCommand(const std::string& chain) const {
  cmd::RunChain c;
  c.chain = chain;
  auto it = m_runs.find(chain);
  const ChainRun run = it == m_runs.end() ? ChainRun{} : it->second;
  c.chains = run.chains;
  c.seed = static_cast<uint64_t>(run.seed);
  if (const ChainSpec* spec = method() ? method()->chain(chain) : nullptr)
    if (run.init >= 0 && run.init < int(spec->inits.size()))
      c.init = spec->inits[size_t(run.init)];
  return c;
}

std::vector<cmd::RunChain> ViewerSession::revisionRuns() const {
  std::vector<cmd::RunChain> runs;
  if (const MethodInfo* info = method())
    for (const auto& c : info->chains)
      runs.push_back(runCommand(c.name));
  return runs;
}

void ViewerSession::runChain(const std::string& chain) {
  if (!ready())
    return;
  m_cursor.follow();  // the views follow the new trace from its first snapshot
  m_poller.post(runCommand(chain));
}

void ViewerSession::runChain(const std::string& chain, int chains, uint64_t seed,
                             const std::string& init) {
  if (!ready())
    return;
  cmd::RunChain run = runCommand(chain);
  if (chains > 0)
    run.chains = chains;
  if (seed > 0)
    run.seed = seed;
  if (!init.empty())
    run.init = init;
  m_cursor.follow();
  m_poller.post(run);
}

std::string ViewerSession::applySettings(const std::string& chain, const SettingValues& values) {
  const MethodInfo* info = ready() ? method() : nullptr;
  if (!info)
    return "no model is loaded";
  const ChainSpec* spec = info->chain(chain);
  if (!spec) {
    std::string names;
    for (const auto& c : info->chains)
      names += (names.empty() ? "" : ", ") + c.name;
    return "the loaded model (" + info->title + ") has no chain \"" + chain + "\" (its chains: " +
           names + ")";
  }
  if (std::string e = validateSettings(*spec, values); !e.empty())
    return e;
  if (!m_poller.setChainSettings(chain, values))
    return "the session refused the settings for chain " + chain;
  m_settings[chain].merge(values);
  return {};
}

void ViewerSession::holdRevisions() {
  m_autoRevise = false;
  m_repeatOn = false;
}

void ViewerSession::runAll() {
  if (!ready())
    return;
  m_cursor.follow();
  for (const auto& run : revisionRuns())
    m_poller.post(run);
}

void ViewerSession::stopRevision() {
  m_poller.post(cmd::StopRevision{});
}

void ViewerSession::toggleTraining() {
  if (!ready())
    return;
  switch (m_snap->state) {
  case RunState::Idle: m_poller.post(cmd::StartTraining{trainIterations}); break;
  case RunState::Training:
    m_pausing = true;
    m_poller.post(cmd::Pause{});
    break;
  case RunState::Paused: m_poller.post(cmd::Resume{}); break;
  default: error("the model diverged: load a checkpoint to train again"); break;
  }
}

void ViewerSession::stepTraining() {
  if (ready())
    m_poller.post(cmd::StepOnce{});
}

void ViewerSession::stopTraining() {
  m_poller.post(cmd::StopTraining{});
}

void ViewerSession::saveCheckpoint() {
  if (!ready())
    return;
  m_poller.post(cmd::SaveCheckpoint{});
  note("saving a checkpoint in " + m_options.runDir);
}

bool ViewerSession::loadCheckpoint(const std::string& given) {
  if (given.empty()) {
    error("type the path of a checkpoint (.safetensors) to load");
    return false;
  }
  std::error_code ec;
  const std::string path = std::filesystem::absolute(given, ec).string();
  try {
    readCheckpointInfo(path);  // a missing or corrupt file is refused here
  } catch (const std::exception& e) {
    error(e.what());
    return false;
  }
  note("loading " + path);
  if (!m_snap || m_snap->state == RunState::Failed || m_snap->state == RunState::Loading) {
    RunConfig config;
    config.runtime.device = m_options.device;
    config.runtime.threads = m_options.threads;
    m_poller.open(config, sessionOptions(path));
    m_adopted = false;
    return true;
  }
  m_poller.post(cmd::LoadCheckpoint{path});
  return true;
}

void ViewerSession::exportGif() {
  const auto trace = m_dataTrace ? m_dataTrace : m_latentTrace;
  if (!trace || trace->snapshots.empty()) {
    error("no trace to export yet: run a chain first");
    return;
  }
  const auto landscape = m_snap ? m_snap->landscape : nullptr;
  ui::FrameRenderer render = ui::imageTraceRenderer(trace, false, 16);
  if (!render)
    render = ui::imageTraceRenderer(trace, true, 16);
  if (!render)
    render = ui::planeTraceRenderer(
        trace, landscape,
        ui::fitView(landscape ? ui::boundsOf(landscape->data) : std::nullopt, trace.get()));
  if (!render) {
    error("the " + trace->chain + "-chain's states are neither images nor points in the plane");
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(m_options.runDir, ec);
  const std::string path = m_options.runDir + "/trajectory-" + trace->chain + "-" +
                           std::to_string(++m_exports) + ".gif";
  const ui::GifExportResult r = ui::TrajectoryGif::write(path, *trace, render);
  if (r.ok)
    note("wrote " + path + " (" + std::to_string(r.frames) + " frames)");
  else
    error(r.error);
}

void ViewerSession::pin(const std::string& label) {
  if (!m_dataTrace && !m_latentTrace)
    return;
  m_pinned.pin(m_dataTrace, m_latentTrace);
  if (!label.empty())
    m_pinned.label = label;
  note("pinned " + m_pinned.label + ": the next traces are drawn over it");
}

void ViewerSession::clearPin() {
  m_pinned.clear();
}

void ViewerSession::applySpeed() {
  m_poller.setRevisionPace(m_speed.stepsPerSecond());
  m_cursor.setSpeed(m_speed.playbackStepsPerTick(), m_speed.playbackIntervalMs());
}

} // namespace ebm::viewer
