#!/usr/bin/env bash
# The method seam: outside a method's own folder, no core, front-end or app source names a
# concrete method (the registry, the schemas and the method's own config table describe it).
# Usage: no_method_names.sh <source dir>
set -euo pipefail
cd "$1"
status=0
# <folder under core/methods> <pattern naming it>
for entry in "dual_mcmc:dual.mcmc\|DualMcmc"; do
  folder="${entry%%:*}"
  pattern="${entry#*:}"
  hits="$(grep -rn -i "$pattern" core ui app --include=*.cpp --include=*.h |
          grep -v "^core/methods/$folder/" || true)"
  if [ -n "$hits" ]; then
    echo "files outside core/methods/$folder/ name the method:" >&2
    echo "$hits" >&2
    status=1
  fi
done
exit "$status"
