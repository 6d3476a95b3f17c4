#!/usr/bin/env bash
# Checks that scripts/setup.sh installs every Debian package a configured, built tree uses.
#
# Usage:  tests/packaging/check_setup_packages.sh BUILD_DIR REPO_DIR        (Linux, Debian 12)
#
# What the build uses, file by file:
#   * CMake:   every <Name>_DIR cache entry of BUILD_DIR/CMakeCache.txt that holds a
#              <Name>Config.cmake / <name>-config.cmake (the package configuration file), every
#              other cache entry naming an absolute file (compilers and tools, *_LIBRARY,
#              STB_LIBRARY, XVFB_RUN, ...), every *_INCLUDE_DIR under /usr, and cmake/ctest;
#   * runtime: every shared library `ldd` lists for the executables in BUILD_DIR/app and
#              BUILD_DIR/tests (ebm-lab, ebm-lab-cli, ebm_core_tests, ebm_ui_tests, ...);
#   * ctest:   the program each test runs (the command of every add_test in the
#              CTestTestfile.cmake files, the program behind `cmake -E env`, the interpreter of
#              a script, and the helpers xvfb-run calls: Xvfb and xauth).
# Each file (symlinks resolved; Debian 12 has merged /usr, so /lib/x and /usr/lib/x are both
# tried) is mapped to its package with one batched `dpkg -S`. Each such package must be in
#   * the packages=( ... ) array of REPO_DIR/scripts/setup.sh and their Depends/Pre-Depends
#     (setup installs with --no-install-recommends, so Recommends do not count), or
#   * the base system every Debian 12 has: the Essential and Priority "required" packages, a
#     few libraries named below, and their Depends.
# Dependencies with alternatives (a | b) or on virtual packages follow what apt picked on this
# machine (the first installed alternative), not every alternative: otherwise a dependency such
# as "libblas3 | libblas.so.3" would count all BLAS builds as installed.
# Files in no package (the build and source trees, /usr/local, /opt) are ignored; the summary
# counts them, /usr/local/cuda separately.
#
# CHECK_SETUP_VERBOSE=1 prints each file with the package that provides it.
# Exit 0 with a one-line summary; 1 naming each missing package and a file that needs it;
# 2 on a usage or environment error.
set -euo pipefail

me="check_setup_packages"
if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR REPO_DIR" >&2
  exit 2
fi
if [[ "$(uname -s)" != Linux ]]; then
  echo "$me: Linux only" >&2
  exit 2
fi
for tool in dpkg dpkg-query apt-cache ldd readlink; do
  command -v "$tool" >/dev/null || { echo "$me: needs $tool (a Debian system)" >&2; exit 2; }
done
build="$(readlink -f "$1")"
repo="$(readlink -f "$2")"
setup="$repo/scripts/setup.sh"
[[ -f "$build/CMakeCache.txt" ]] || { echo "$me: $build/CMakeCache.txt: not a configured build" >&2; exit 2; }
[[ -f "$setup" ]] || { echo "$me: $setup: no such file" >&2; exit 2; }

# Base system: installed packages that are Essential or of Priority "required" (what
# `debootstrap --variant=minbase` installs, so every Debian 12 system has them), plus:
base_extra=(
  libc6 libgcc-s1 libstdc++6 # the C/C++ runtime: Priority optional, but apt, which every
                             # Debian system has, depends on all three
)

# ------------------------------------------------------------------------- files the build uses
files=()          # absolute paths, as found
declare -A why=() # path -> what uses it

add() { # add PATH REASON
  [[ -n "${why[$1]:-}" ]] && return 0
  why[$1]="$2"
  files+=("$1")
}

# 1. CMake cache.
while IFS= read -r line; do
  [[ "$line" =~ ^([A-Za-z0-9_.+-]+):(PATH|FILEPATH|INTERNAL)=(/.*)$ ]] || continue
  name="${BASH_REMATCH[1]}" type="${BASH_REMATCH[2]}" value="${BASH_REMATCH[3]}"
  case "$name" in
    CMAKE_INSTALL_*) continue ;;                 # settings, not something found
  esac
  if [[ "$type" == INTERNAL && "$name" != CMAKE_COMMAND && "$name" != CMAKE_CTEST_COMMAND ]]; then
    continue
  fi
  IFS=';' read -r -a values <<<"$value"
  for v in "${values[@]}"; do
    [[ "$v" == /* ]] || continue
    if [[ "$name" == *_DIR && -d "$v" ]]; then
      pkg="${name%_DIR}"
      cfg=""
      for c in "$v/${pkg}Config.cmake" "$v/${pkg,,}-config.cmake" "$v"/*Config.cmake "$v"/*-config.cmake; do
        [[ -f "$c" ]] && { cfg="$c"; break; }
      done
      if [[ -n "$cfg" ]]; then
        add "$cfg" "CMakeCache $name"; continue
      fi
    fi
    if [[ -f "$v" ]]; then
      add "$v" "CMakeCache $name"
    elif [[ -d "$v" && "$name" == *INCLUDE* && "$v" == /usr/* ]]; then
      add "$v" "CMakeCache $name"
    fi
  done
done <"$build/CMakeCache.txt"

# 2. Shared libraries of the built executables.
exes=()
for d in "$build/app" "$build/tests"; do
  [[ -d "$d" ]] || continue
  while IFS= read -r -d '' f; do
    [[ "$f" == *.so || "$f" == *.so.* ]] && continue
    [[ "$(head -c 4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" == '177ELF' ]] && exes+=("$f")
  done < <(find "$d" -maxdepth 2 -path '*/CMakeFiles' -prune -o -type f -perm -u+x -print0 | sort -z)
done
if [[ ${#exes[@]} -eq 0 ]]; then
  echo "$me: no executables in $build/app or $build/tests: build the project first" >&2
  exit 2
fi
unresolved=()
re_notfound='^[[:space:]]*([^[:space:]]+) => not found'     # libfoo.so.1 => not found
re_lib='=> (/[^[:space:]]+) [(]'                             # libfoo.so.1 => /path (0x...)
re_loader='^[[:space:]]*(/[^[:space:]]+) [(]'                # /lib64/ld-linux-x86-64.so.2 (0x...)
for exe in "${exes[@]}"; do
  rel="${exe#"$build"/}"
  while IFS= read -r line; do
    if [[ "$line" =~ $re_notfound ]]; then
      unresolved+=("${BASH_REMATCH[1]} (needed by $rel)")
    elif [[ "$line" =~ $re_lib ]] || [[ "$line" =~ $re_loader ]]; then
      add "${BASH_REMATCH[1]}" "ldd $rel"
    fi
  done < <(ldd "$exe" 2>/dev/null || true)
done

# 3. Programs the ctest tests run.
declare -A helpers=(
  # xvfb-run (package xvfb) starts Xvfb and calls xauth; xauth is only a Recommends of xvfb.
  [xvfb-run]="Xvfb xauth"
)
add_program() { # add_program NAME-OR-PATH REASON
  local p="$1" path interp
  if [[ "$p" == */* ]]; then path="$p"; else path="$(command -v "$p" 2>/dev/null || true)"; fi
  if [[ -z "$path" || ! -f "$path" ]]; then
    unresolved+=("program $p (${2})")
    return 0
  fi
  add "$path" "$2"
  # a script: its interpreter too
  if [[ "$(head -c 2 "$path" 2>/dev/null)" == '#!' ]]; then
    read -r interp _ < <(head -1 "$path" | cut -c3-)
    [[ "$interp" == /* && "$interp" != /usr/bin/env ]] && add_program "$interp" "interpreter of $path"
  fi
  local h
  for h in ${helpers[$(basename "$path")]:-}; do
    add_program "$h" "$(basename "$path") runs it ($2)"
  done
}
while IFS= read -r -d '' ctf; do
  while IFS= read -r line; do
    [[ "$line" =~ ^add_test\(([^[:space:]]+)[[:space:]] ]] || continue
    test_name="${BASH_REMATCH[1]}"; test_name="${test_name#\[=[}"; test_name="${test_name%]=]}"
    args=()
    rest="$line"
    while [[ "$rest" =~ \"([^\"]*)\"(.*)$ ]]; do
      args+=("${BASH_REMATCH[1]}"); rest="${BASH_REMATCH[2]}"
    done
    [[ ${#args[@]} -gt 0 ]] || continue
    add_program "${args[0]}" "ctest $test_name"
    # `cmake -E env [VAR=value | --unset=VAR]... program args`: the program as well
    if [[ "$(basename "${args[0]}")" == cmake && "${args[1]:-}" == -E && "${args[2]:-}" == env ]]; then
      for ((i = 3; i < ${#args[@]}; i++)); do
        [[ "${args[i]}" == *=* || "${args[i]}" == -* ]] && continue
        add_program "${args[i]}" "ctest $test_name"
        break
      done
    fi
  done <"$ctf"
done < <(find "$build" -name CTestTestfile.cmake -print0)

# ------------------------------------------------------------------------- file -> package
twin() { # the same path on the other side of the merged-/usr symlinks
  case "$1" in
    /usr/bin/* | /usr/sbin/* | /usr/lib/* | /usr/lib32/* | /usr/lib64/* | /usr/libx32/*) echo "${1#/usr}" ;;
    /bin/* | /sbin/* | /lib/* | /lib32/* | /lib64/* | /libx32/*) echo "/usr$1" ;;
  esac
}
declare -A cand=() # path -> the paths to ask dpkg about, resolved ones first
queries=()
n_cuda=0 n_local=0 n_tree=0
checked=()
for f in "${files[@]}"; do
  r="$(readlink -f "$f")"
  case "$r" in
    "$build"/* | "$repo"/*) n_tree=$((n_tree + 1)); continue ;;
    /usr/local/cuda*) n_cuda=$((n_cuda + 1)); continue ;;
    /usr/local/*) n_local=$((n_local + 1)); continue ;;
  esac
  [[ "$f" == /usr/local/cuda* ]] && { n_cuda=$((n_cuda + 1)); continue; }
  c="$r $(twin "$r")"
  [[ "$f" != "$r" ]] && c="$c | $f $(twin "$f")"
  cand[$f]="$c"
  for q in $c; do [[ "$q" != "|" ]] && queries+=("$q"); done
  checked+=("$f")
done

declare -A owners=() # path -> "pkg pkg ..."
if [[ ${#queries[@]} -gt 0 ]]; then
  while IFS= read -r line; do
    [[ "$line" == "diversion by "* ]] && continue
    [[ "$line" == *": /"* ]] || continue
    pkgs="${line%%: /*}" path="/${line#*: /}"
    pkgs="$(sed -E 's/:[a-z0-9_-]+(,|$)/\1/g; s/,//g' <<<"$pkgs")"
    owners[$path]="${owners[$path]:-} $pkgs"
  done < <(printf '%s\n' "${queries[@]}" | sort -u | tr '\n' '\0' | xargs -0 dpkg -S 2>/dev/null || true)
fi

# ------------------------------------------------------------------------- what setup installs
mapfile -t setup_pkgs < <(awk '
  /^[[:space:]]*packages=\(/ { on = 1; sub(/^[[:space:]]*packages=\(/, "") }
  on { sub(/#.*/, ""); done = sub(/\).*/, ""); n = split($0, w, /[[:space:]]+/)
       for (i = 1; i <= n; i++) if (w[i] != "") print w[i]
       if (done) exit }' "$setup")
if [[ ${#setup_pkgs[@]} -eq 0 ]]; then
  echo "$me: no packages=( ... ) array in $setup" >&2
  exit 2
fi

installed_list="$(dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Essential}|${Priority}\n' 2>/dev/null)"
mapfile -t base_pkgs < <(awk -F'|' '$1 ~ /^.i/ && ($3 == "yes" || $4 == "required") { print $2 }' <<<"$installed_list")
base_pkgs+=("${base_extra[@]}")

# Walk Depends and Pre-Depends from the seeds; an a | b | <virtual> group follows its first
# installed alternative (all installed providers of a virtual one), or, when none is
# installed, its first alternative. Prints the packages reached ("?name": apt has no record),
# or with each=1 one line per seed: "seed reached...".
# shellcheck disable=SC2016  # an awk program
walk_awk='
  function norm(s) { gsub(/[<>]/, "", s); sub(/:.*/, "", s); return s }
  function walk(seeds,    q, n, head, p, g, k, j, a, pick, m, w, i, key) {
    delete in_set
    n = split(seeds, q, " "); head = 1
    for (i = 1; i <= n; i++) in_set[q[i]] = 1
    while (head <= n) {
      p = q[head++]
      for (g = 1; g <= ng[p]; g++) {
        pick = ""
        for (k = 1; k <= na[p, g] && pick == ""; k++) {
          a = name[p, g, k]
          if (a in inst) { pick = a; break }
          key = p SUBSEP g SUBSEP k
          if (virt[key]) for (j = 1; j <= np[key]; j++)
            if (prov[key, j] in inst) pick = pick " " prov[key, j]
        }
        if (pick == "") {
          key = p SUBSEP g SUBSEP 1
          pick = (virt[key] && np[key] > 0) ? prov[key, 1] : name[key]
        }
        m = split(pick, w, " ")
        for (i = 1; i <= m; i++) if (!(w[i] in in_set)) { in_set[w[i]] = 1; q[++n] = w[i] }
      }
    }
  }
  FNR == NR { split($0, f, "|"); if (f[1] ~ /^.i/) inst[f[2]] = 1; next }
  /^[^ ]/ { cur = norm($0); known[cur] = 1; ng[cur] += 0; prev_or = 0; next }
  /^ [ |](Pre)?Depends: / {
    alt = $2; if (!prev_or) { ng[cur]++; na[cur, ng[cur]] = 0 }
    g = ng[cur]; k = ++na[cur, g]; last = cur SUBSEP g SUBSEP k
    name[last] = norm(alt); virt[last] = (alt ~ /^</); np[last] = 0
    prev_or = ($0 ~ /^ \|/); next }
  /^    [^ ]/ { prov[last, ++np[last]] = norm($1); next }
  END {
    if (each) {
      n = split(seeds, s, " ")
      for (i = 1; i <= n; i++) {
        walk(s[i]); line = s[i]
        for (p in in_set) if (p != s[i]) line = line " " p
        print line
      }
    } else {
      walk(seeds)
      for (p in in_set) print (p in known ? "" : "?") p
    }
  }'
depends() { # depends PACKAGE...: apt-cache's Depends/Pre-Depends closure, every alternative
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "$@" 2>/dev/null || true
}
closure="$(awk -v each=0 -v seeds="${setup_pkgs[*]} ${base_pkgs[*]}" "$walk_awk" \
  <(printf '%s\n' "$installed_list") <(depends "${setup_pkgs[@]}" "${base_pkgs[@]}"))"

declare -A allowed=()
unknown=()
for p in $closure; do
  if [[ "$p" == \?* ]]; then unknown+=("${p#\?}"); else allowed[$p]=1; fi
done
for p in "${setup_pkgs[@]}"; do
  for u in "${unknown[@]}"; do
    [[ "$u" == "$p" ]] && unresolved+=("package $p in $setup: apt knows no such package")
  done
done

# ------------------------------------------------------------------------- verdict
declare -A missing_files=() # "pkg pkg" -> files
missing_order=()
n_unowned=0
declare -A pkgs_seen=()
for f in "${checked[@]}"; do
  # The file itself and, when it is a symlink, the path as found: both must come from an
  # installed package where dpkg knows them (libEGL.so -> libEGL.so.1.1.0: libegl-dev and
  # libegl1; /usr/bin/c++ -> /etc/alternatives/c++ -> g++-12: only the latter is in a package).
  IFS='|' read -r -a sides <<<"${cand[$f]}"
  any=0
  for side in "${sides[@]}"; do
    own=""
    for q in $side; do own="$own ${owners[$q]:-}"; done
    [[ -n "${own// /}" ]] || continue
    any=1
    ok=""
    for p in $own; do
      [[ -n "${allowed[$p]:-}" ]] && { ok="$p"; break; }
    done
    if [[ -n "${CHECK_SETUP_VERBOSE:-}" ]]; then
      read -r -a ownl <<<"$own"
      echo "${ok:-MISSING(${ownl[*]})}  $f  (${why[$f]})"
    fi
    if [[ -n "$ok" ]]; then
      pkgs_seen[$ok]=1
    else
      key="$(tr ' ' '\n' <<<"$own" | sed '/^$/d' | sort -u | paste -sd' ')"
      [[ -n "${missing_files[$key]:-}" ]] || missing_order+=("$key")
      [[ "${missing_files[$key]:-}" == *"$f ("* ]] ||
        missing_files[$key]="${missing_files[$key]:-}$f (${why[$f]})"$'\n'
    fi
  done
  [[ $any -eq 1 ]] || n_unowned=$((n_unowned + 1))
done

n_cache=0 n_libs=0 n_progs=0
for f in "${files[@]}"; do
  case "${why[$f]}" in
    CMakeCache*) n_cache=$((n_cache + 1)) ;;
    ldd*) n_libs=$((n_libs + 1)) ;;
    *) n_progs=$((n_progs + 1)) ;;
  esac
done
summary="${#files[@]} files (${n_cache} from CMakeCache.txt, ${n_libs} libraries of ${#exes[@]} executables, ${n_progs} test programs) in ${#pkgs_seen[@]} packages, checked against ${#setup_pkgs[@]} setup.sh packages (${#allowed[@]} with Depends and base); ignored: ${n_cuda} /usr/local/cuda, ${n_local} other /usr/local, ${n_tree} in the build or source tree, ${n_unowned} in no package"
if [[ ${#missing_order[@]} -eq 0 && ${#unresolved[@]} -eq 0 ]]; then
  echo "$me: OK: $summary"
  exit 0
fi
# Name the packages to add: a missing package that another missing one depends on comes with
# it (without libtorch-dev, its 160-odd libraries are missing too; adding it is the fix).
single=()
for key in "${missing_order[@]}"; do [[ "$key" == *" "* ]] || single+=("$key"); done
declare -A reach=() covered=()
if [[ ${#single[@]} -gt 0 ]]; then
  declare -A is_missing=()
  for p in "${single[@]}"; do is_missing[$p]=1; done
  while read -r seed rest; do
    r=""
    for p in $rest; do [[ -n "${is_missing[$p]:-}" ]] && r="$r $p"; done
    reach[$seed]="$r"
  done < <(awk -v each=1 -v seeds="${single[*]}" "$walk_awk" \
             <(printf '%s\n' "$installed_list") <(depends "${single[@]}"))
fi
roots=()
while read -r _ p; do
  [[ -n "${covered[$p]:-}" ]] && continue
  roots+=("$p")
  for q in ${reach[$p]:-}; do covered[$q]="$p"; done
done < <(for p in "${single[@]}"; do
           read -r -a r <<<"${reach[$p]:-}"; echo "${#r[@]} $p"
         done | sort -k1,1nr -k2,2)
show=("${roots[@]}")
for key in "${missing_order[@]}"; do [[ "$key" == *" "* ]] && show+=("$key"); done
for key in "${show[@]}"; do
  mapfile -t mf < <(printf '%s' "${missing_files[$key]}")
  label="$key"; [[ "$key" == *" "* ]] && label="one of: $key"
  echo "MISSING $label: needed by ${mf[0]}"
  for ((i = 1; i < ${#mf[@]} && i < 3; i++)); do echo "        and ${mf[i]}"; done
  [[ ${#mf[@]} -gt 3 ]] && echo "        and $((${#mf[@]} - 3)) more file(s)"
  if [[ "$key" != *" "* && -n "${reach[$key]:-}" ]]; then
    mapfile -t dep < <(tr ' ' '\n' <<<"${reach[$key]}" | sed '/^$/d' | sort)
    list="${dep[*]:0:6}"; list="${list// /, }"; [[ ${#dep[@]} -gt 6 ]] && list="$list, ..."
    echo "        (its Depends bring the other ${#dep[@]} missing packages the build uses: $list)"
  fi
done
for u in "${unresolved[@]}"; do echo "UNRESOLVED $u"; done
echo "$me: FAILED: $setup misses ${#missing_order[@]} package(s) the build uses${unresolved:+ (and ${#unresolved[@]} unresolved)}; add to its packages=( ... ): ${show[*]}; $summary"
exit 1
