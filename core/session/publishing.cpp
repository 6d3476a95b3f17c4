// Snapshots: the worker copies what front ends may read into an immutable SessionSnapshot and
// swaps the published pointer; readers on any thread keep theirs alive as long as they like.
#include "session/session_impl.h"

#include "base/runtime.h"
#include "models/models.h"

namespace ebm {

void Session::Impl::publish() {
  auto s = std::make_shared<SessionSnapshot>();
  s->sequence = ++sequence;
  s->state = state;
  s->iteration = iteration;
  s->epoch = epoch;
  s->targetIterations = target;
  s->itersPerSecond = state == RunState::Training ? iterationRate.rate() : 0.0;
  s->langevinStepsPerSecond = state == RunState::Training ? stepsPerSecond : 0.0;
  s->revisionStepsPerSecond = revisionStepsPerSecond;
  s->revisionPace = revisionPace.load();
  s->revisionWaiting = revisionWaiting;
  s->device = method ? describeDevice(device) : std::string();
  s->threads = threads;
  s->residentBytes = residentBytes();
  s->peakResidentBytes = peakResidentBytes();
  s->config = effectiveConfig();
  s->method = method ? method->name() : std::string();
  s->methodInfo = method ? chainSet->info : nullptr;
  for (const auto& [name, live] : chainSet->live) {
    ChainView& v = s->chains[name];
    v.settings = live->peek();
    v.settingsVersion = live->version();
    v.settingsUsed = live->usedVersion(v.setToUseSeconds);
    auto t = traces.find(name);
    if (t != traces.end()) {
      v.trace = t->second.trace;
      v.fromRevision = t->second.fromRevision;
    }
  }
  s->data = data ? data->describe() : std::string();
  s->dataShape = dataShape(config.model);
  s->losses = losses.published(state != RunState::Training);
  s->revisionRunning = revisionRunning;
  s->landscape = landscape;
  s->interpolation = interpolation;
  s->inpainting = inpainting;
  s->comparison = comparison;
  s->grid = grid;
  s->inpaintStage = inpaintStage;
  s->testImages = testImages;
  s->testImagesFirst = testImagesFirst;
  {
    std::lock_guard<std::mutex> lock(errorMutex);
    if (!pendingError.empty()) {
      lastError = pendingError;
      ++errorCount;
      pendingError.clear();
    }
  }
  s->lastError = lastError;
  s->errorCount = errorCount;
  s->lastMessage = lastMessage;
  s->checkpointPath = checkpointPath;
  s->savedIteration = savedIteration;
  s->autosavedIteration = autosavedIteration;
  s->divergedAt = divergedAt;
  s->modelVersion = modelVersion;
  lastPublish = SessionClock::now();
  std::lock_guard<std::mutex> lock(snapMutex);
  published = std::move(s);
}

} // namespace ebm
