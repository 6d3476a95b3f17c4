// The generator's BatchNorm mode for one task call: running statistics (eval) while the guard
// lives when asked for, the model's normal training mode again after, also when the task throws.
// Calling (worker) thread; no Qt/GL.
#pragma once

#include "models/models.h"

namespace ebm {

class GeneratorModeGuard {
public:
  GeneratorModeGuard(Generator& generator, bool eval) : m_generator(generator), m_eval(eval) {
    if (m_eval)
      m_generator.eval();
  }
  ~GeneratorModeGuard() {
    if (m_eval)
      m_generator.train();
  }
  GeneratorModeGuard(const GeneratorModeGuard&) = delete;
  GeneratorModeGuard& operator=(const GeneratorModeGuard&) = delete;

private:
  Generator& m_generator;
  bool m_eval;
};

} // namespace ebm
