#include "revision_repeat.h"

namespace ebm::ui {

std::shared_ptr<const Trace> traceOf(const SessionSnapshot* snap, const std::string& chain) {
  if (!snap || chain.empty())
    return nullptr;
  auto it = snap->chains.find(chain);
  return it == snap->chains.end() ? nullptr : it->second.trace;
}

void RevisionRepeat::reset() {
  m_started = false;
  m_atPost.clear();
}

bool RevisionRepeat::firstDue(const SessionSnapshot& snap) const {
  return !m_started && snap.state == RunState::Idle;
}

std::vector<cmd::RunChain> RevisionRepeat::start(const SessionSnapshot* snap,
                                                 std::vector<cmd::RunChain> runs, int64_t nowMs) {
  m_started = true;
  m_atPost.clear();
  for (const auto& run : runs)
    m_atPost[run.chain] = traceOf(snap, run.chain);
  m_postedAtMs = nowMs;
  m_errorsAtPost = snap ? snap->errorCount : 0;
  return runs;
}

bool RevisionRepeat::allReplaced(const SessionSnapshot& snap) const {
  for (const auto& [chain, before] : m_atPost)
    if (traceOf(&snap, chain) == before)
      return false;
  return true;
}

std::vector<cmd::RunChain> RevisionRepeat::next(const SessionSnapshot& snap,
                                                std::vector<cmd::RunChain> runs,
                                                const RepeatGate& gate, int64_t nowMs) {
  if (!gate.enabled || snap.state == RunState::Training || snap.revisionRunning ||
      gate.playing || gate.cursorParked)
    return {};
  if (!m_started || nowMs - m_postedAtMs < kMinGapMs)
    return {};
  const bool failed = snap.errorCount != m_errorsAtPost && nowMs - m_postedAtMs > kErrorWaitMs;
  if (!allReplaced(snap) && !failed)
    return {};
  // A fresh seed each round shows new chains; the controls keep the user's own seed.
  ++m_rounds;
  m_postedAtMs = nowMs;
  m_errorsAtPost = snap.errorCount;
  for (auto& run : runs) {
    run.seed += m_rounds;
    m_atPost[run.chain] = traceOf(&snap, run.chain);
  }
  return runs;
}

} // namespace ebm::ui
