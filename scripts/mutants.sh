#!/usr/bin/env bash
# `make mutants`: applies each mutation of scripts/mutants.txt on its own to
# the source tree, rebuilds incrementally, runs the tests the mutation names
# (ctest -R; FULL=1 runs every test) and restores the file. A mutation the
# tests let through is reported SURVIVED and makes the run fail: either a
# test is missing or the mutation is equivalent (then remove it, with why).
#
#   scripts/mutants.sh              every mutation (about a minute each on 2 cores)
#   ONLY=3 scripts/mutants.sh       mutation 3 only (numbered as printed)
#   BUILD=build FULL=1 ...          build directory; all tests per mutation
#
# REQUIRES: a configured build directory (make build) and a clean work tree
# for the mutated files (a mutation is applied to the file as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LIST=scripts/mutants.txt
[ -f "$BUILD/build.ninja" ] || { echo "mutants: $BUILD is not configured (make build)" >&2; exit 2; }

# apply FILE FROM TO: replaces the one occurrence of FROM ("\n" = newline).
apply() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, a, b = sys.argv[1], sys.argv[2].replace('\\n', '\n'), sys.argv[3].replace('\\n', '\n')
s = open(path).read()
if s.count(a) != 1:
    sys.exit(f"mutants: {path}: the text to replace occurs {s.count(a)} times")
open(path, 'w').write(s.replace(a, b, 1))
PY
}

backup=""
restore() { if [ -n "$backup" ]; then cp "$backup" "$current"; rm -f "$backup"; backup=""; fi; }
trap restore EXIT INT TERM

n=0; caught=0; survived=0; failed_build=0
report=$(mktemp)
while IFS=$'\t' read -r file from to tests why; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  n=$((n + 1))
  [ -n "${ONLY:-}" ] && [ "$ONLY" != "$n" ] && continue
  current=$file
  backup=$(mktemp)
  cp "$file" "$backup"
  apply "$file" "$from" "$to"
  start=$(date +%s)
  if ! cmake --build "$BUILD" -j "$(nproc)" > "$report" 2>&1; then
    result="caught (does not build)"; failed_build=$((failed_build + 1)); caught=$((caught + 1))
  else
    regex=$tests; [ "${FULL:-0}" = 1 ] && regex=.
    if (cd "$BUILD" && ctest -j "$(nproc)" -R "$regex" > "$report" 2>&1); then
      result="SURVIVED"; survived=$((survived + 1))
    else
      failing=$(sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (Failed.*/\1/p' "$report" | head -3 | paste -sd ',' -)
      result="caught by ${failing:-a failing test}"; caught=$((caught + 1))
    fi
  fi
  restore
  printf '%2d %-9s %4ss  %s: %s\n       %s\n' "$n" "${result%% *}" "$(( $(date +%s) - start ))" \
    "$file" "$why" "$result"
done < "$LIST"
rm -f "$report"
echo "rebuilding the unmutated tree" >&2
cmake --build "$BUILD" -j "$(nproc)" > /dev/null
echo "mutants: $((caught + survived)) of $n mutations tried, $caught caught ($failed_build of them do not build), $survived survived"
[ "$survived" -eq 0 ]
