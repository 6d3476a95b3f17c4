// Checks of command-line numbers, with the messages the TOML fields give: a value outside its
// range, a NaN or an infinity is refused before anything runs ("--step-size -1: must be > 0").
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace ebm::cli {

/// A finite real number in [lo, hi] ((lo, hi] when `loExclusive`).
CLI::Validator realIn(double lo, double hi, bool loExclusive = false);
/// A whole number in [lo, hi].
CLI::Validator wholeIn(double lo, double hi);
/// Intra-op threads: 0 (all cores) to 1024.
CLI::Validator threadCount();

} // namespace ebm::cli
