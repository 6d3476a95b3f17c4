#include "window_lesson_stage.h"

#include "chain_group.h"
#include "controls_panel.h"
#include "main_window.h"
#include "revision_repeat.h"

#include <QFileInfo>

namespace ebm::ui {
namespace {

// The dock a lesson's panel name raises.
QString dockOfPanel(const std::string& panel) {
  if (panel == "landscape" || panel == "samples")
    return "dock.xrevision";
  if (panel == "latent")
    return "dock.zrevision";
  return QString::fromStdString("dock." + panel);  // energy, mse, levels, compare
}

std::string chainList(const MethodInfo& info) {
  std::string names;
  for (const auto& c : info.chains)
    names += (names.empty() ? "" : ", ") + c.name;
  return names;
}

} // namespace

bool WindowLessonStage::busy() const {
  return m_progress.busy(m_window.host().current().get());
}

void WindowLessonStage::loadModel(const std::string& checkpointPath) {
  const QString path = QFileInfo(QString::fromStdString(checkpointPath)).absoluteFilePath();
  const Snapshot s = m_window.host().current();
  const bool loaded = s && s->state != RunState::Failed && s->state != RunState::Loading &&
                      QFileInfo(QString::fromStdString(s->checkpointPath)).absoluteFilePath() ==
                          path &&
                      unsavedIterations(*s) == 0;
  m_progress.clear();
  if (!loaded)
    m_progress.loadPosted(s.get());
  m_window.lessonLog(QObject::tr("lesson: load %1").arg(path));
  m_window.loadCheckpoint(path);
}

std::string WindowLessonStage::setChainSettings(const std::string& chain,
                                                const SettingValues& v) {
  const Snapshot s = m_window.host().current();
  if (!s || !s->methodInfo)
    return "no model is loaded";
  const ChainSpec* spec = s->methodInfo->chain(chain);
  if (!spec)
    return "the loaded model (" + s->methodInfo->title + ") has no chain \"" + chain +
           "\" (its chains: " + chainList(*s->methodInfo) + ")";
  if (std::string e = validateSettings(*spec, v); !e.empty())
    return e;
  if (!m_window.host().setChainSettings(chain, v))
    return "the session refused the settings for chain " + chain;
  m_window.showLessonSettings(chain, v);
  return {};
}

void WindowLessonStage::runChain(const std::string& chain, int chains, uint64_t seed,
                                 const std::string& init) {
  m_progress.runPosted(m_window.host().current().get(), chain);
  m_window.lessonRunChain(chain, chains, seed, init);
}

void WindowLessonStage::pinTrace(const std::string& label) {
  m_window.pinTraces(QString::fromStdString(label));
}

void WindowLessonStage::moveCursor(long step) {
  m_window.setCursorStep(step < 0 ? -1 : int(step));
}

void WindowLessonStage::showPanel(const std::string& panel) {
  m_window.showPanel(dockOfPanel(panel));
}

} // namespace ebm::ui
