#!/usr/bin/env bash
# The cost of deriving the default file selection from the loaded signatures
# (the names and extensions YARA rules test, filename IOCs, activity records
# for C2 indicators): harrier with the default selection vs
# --no-rule-selection (built-in file types only), same corpus and rules, in
# CPU seconds (user + sys, /usr/bin/time) and files scanned.
#
#   bench/selection.sh                 the benchmark corpus (bench/make_corpus.sh, 74,505 files)
#   N=8000 bench/selection.sh          a smaller sample
#   HARRIER=build/harrier SIGS=DIR RUNS=3 bench/selection.sh
#
# Prints one line per run and the median of each mode. Run on an idle machine
# for stable numbers; CPU seconds move less than wall time under load.
set -euo pipefail
cd "$(dirname "$0")/.."
HARRIER=${HARRIER:-build/harrier}
SIGS=$(realpath "${SIGS:-../shared/signature-base}")
N=${N:-74505}
RUNS=${RUNS:-3}
CORPUS=${CORPUS:-bench/corpus-$N}
[ "$N" = 8000 ] && CORPUS=${CORPUS:-bench/corpus}
OUT=bench/out
mkdir -p "$OUT"
[ -d "$SIGS" ] || { echo "bench: signatures not found: $SIGS" >&2; exit 2; }
bench/make_corpus.sh "$CORPUS" "$N"
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null  # hot page cache
# warm the compiled-rules cache so both modes start alike
"$HARRIER" rules check --signatures "$SIGS" > /dev/null 2>&1 || true

run() {  # mode, extra args...
  local mode=$1
  shift
  /usr/bin/time -f '%U %S %e %M' -o "$OUT/selection.time" \
    "$HARRIER" scan --no-progress --no-color --signatures "$SIGS" --jsonl "$OUT/selection-$mode.jsonl" \
    "$@" "$CORPUS" > /dev/null 2>&1 || true
  # The last line: GNU time writes "Command exited with non-zero status 1"
  # first when the scan has findings.
  read -r user sys wall rss < <(tail -n 1 "$OUT/selection.time")
  local scanned skipped_type
  scanned=$(grep '"type":"summary"' "$OUT/selection-$mode.jsonl" | sed 's/.*"files_scanned":\([0-9]*\).*/\1/')
  skipped_type=$(grep '"type":"summary"' "$OUT/selection-$mode.jsonl" | sed 's/.*"skipped":{"size":[0-9]*,"type":\([0-9]*\).*/\1/')
  echo "$mode cpu_s=$(echo "$user + $sys" | bc) wall_s=$wall max_rss_kb=$rss files_scanned=$scanned skipped_type=$skipped_type"
}
for i in $(seq "$RUNS"); do
  run selection
  run builtin-types --no-rule-selection
done | tee "$OUT/selection.txt"
for mode in selection builtin-types; do
  grep "^$mode " "$OUT/selection.txt" | sed 's/.*cpu_s=\([0-9.]*\).*/\1/' | sort -n |
    awk -v m="$mode" '{a[NR]=$1} END {print m " median cpu_s=" a[int((NR+1)/2)]}'
done
