// The run state as a front end's status line says it: the state in words (with the chain a
// revision is revising), the training or revision rate with what it measures, the iteration
// and the resident memory. Written once for ebm-lab and ebm-viewer. Plain C++ over core/api.
#pragma once

#include "session.h"

#include <cstdint>
#include <string>

namespace ebm::ui {

/// "revising the x-chain (step 12)", or "revising" when no unfinished revision trace is shown.
std::string revisingText(const SessionSnapshot& s);
/// "ready", "training", "diverged at iteration 40", ...; `pausing` says a pause was asked for
/// and training has not stopped yet. A revision beside training or a pause is appended.
std::string runStateText(const SessionSnapshot& s, bool pausing = false);
/// Training: "2.10 it/s · 640 Langevin steps/s (last 5 s)"; else the latest revision's rate of
/// compute, or "" before the first.
std::string rateText(const SessionSnapshot& s);
/// "iteration 120 · epoch 2".
std::string iterationText(const SessionSnapshot& s);
/// "412 MiB", or "–" when unknown.
std::string memoryText(int64_t bytes);

} // namespace ebm::ui
