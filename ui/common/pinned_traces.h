// PinnedTraces: the traces a front end keeps on its curves to compare the next ones with — the
// shown data-space and latent traces, labelled with the settings in force at their last step,
// or a fork's original, shifted so that both branches start at step 0. Plain C++ over core/api;
// one thread at a time (the GUI's).
#pragma once

#include "chain_bundle.h"
#include "trace.h"

#include <memory>
#include <string>

namespace ebm::ui {

struct PinnedTraces {
  std::shared_ptr<const Trace> data, latent;
  std::string label;
  int forkStep = -1;  // a fork's original is shifted by this many steps (-1: no fork)

  bool any() const { return data || latent; }
  /// Pins the shown traces (either may be null; nothing happens when both are).
  void pin(std::shared_ptr<const Trace> shownData, std::shared_ptr<const Trace> shownLatent);
  /// Pins the original of a fork made at `step`.
  void pinFork(std::shared_ptr<const Trace> original, int step);
  void clear();

  /// The pinned data trace's energy and the latent trace's MSE as curves, shifted by the fork
  /// step (empty when there is none).
  ChainBundle energy() const;
  ChainBundle mse() const;
};

} // namespace ebm::ui
