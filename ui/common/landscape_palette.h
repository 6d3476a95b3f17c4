// The colours of the 2-D landscape's marks, shared by every front end's renderer and legend so
// that a chain is the same red in the Qt app and the viewer. Plain values; no toolkit.
#pragma once

#include <cstdint>

namespace ebm::ui::landscape_palette {

struct Rgb {
  uint8_t r, g, b;
  float rf() const { return r / 255.0f; }
  float gf() const { return g / 255.0f; }
  float bf() const { return b / 255.0f; }
};

inline constexpr Rgb kChain{240, 51, 31};      // chains at the cursor step (discs)
inline constexpr Rgb kTail{255, 89, 51};       // their tails
inline constexpr Rgb kStart{242, 242, 242};    // chain starts (rings)
inline constexpr Rgb kData{215, 228, 255};     // held-out data (small dots)
inline constexpr Rgb kPath{26, 230, 255};      // an interpolation path
inline constexpr Rgb kContour{255, 255, 255};  // true-density contour lines
inline constexpr Rgb kUncovered{41, 41, 46};   // where no landscape has been evaluated yet

} // namespace ebm::ui::landscape_palette
