// KeyMap: every action of the viewer on a key, in one table that both handles the keys and
// lists them in the F1 window, so the list cannot drift from what the keys do. Keys are ignored
// while a text field has the keyboard. GUI thread; ImGui (1.86 key indices, GLFW key codes).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ebm::viewer {

struct KeyBinding {
  int key = 0;         // a GLFW_KEY_* code
  bool ctrl = false;
  bool shift = false;
  bool repeats = false;  // held down, the action repeats
  std::string label;   // what the help shows, e.g. "Ctrl+S"
  std::string what;    // e.g. "save a checkpoint"
  std::function<void()> action;
  /// Set: the binding applies only while this holds (a lesson plays), and then wins over the
  /// other bindings of its key.
  std::function<bool()> when;
};

class KeyMap {
public:
  void add(KeyBinding binding) { m_bindings.push_back(std::move(binding)); }
  /// Runs the actions of the keys pressed this frame.
  void handle() const;
  /// The F1 window listing every key; `open` is cleared when it is closed.
  void drawHelp(bool* open) const;
  const std::vector<KeyBinding>& bindings() const { return m_bindings; }

private:
  std::vector<KeyBinding> m_bindings;
};

} // namespace ebm::viewer
