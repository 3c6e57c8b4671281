#!/usr/bin/env bash
# `make bench`: Harrier vs the yara CLI on the same files and rules.
#
#   bench/run.sh                 default corpus: 74,505 files sampled from /usr
#                                (issue 5's corpus size; ~5 min)
#   QUICK=1 bench/run.sh         8,000 files (~30 s)
#   N=20000 bench/run.sh         any sample size
#   HARRIER=build/harrier SIGS=../shared/signature-base MICRO=0 ...
#
# Steps: build the corpus (bench/make_corpus.sh, deterministic), compile the
# signature-base YARA files once with yarac (namespace = file path, the six
# externals defined empty), read every corpus file once (hot page cache),
# then time with /usr/bin/time -v:
#   harrier          --all-files --no-builtin --signatures SIGS (hashes +
#                    filename IOCs + C2 + all YARA; partitioned YARA sets)
#   harrier-ref      the same with --yara-reference (every rule, every file)
#   yara -p 2, -p 1  yara -C -r -e with the yarac-compiled rules
# and checks the (file, namespace:rule) YARA match sets:
#   harrier == harrier-ref           (real per-file externals)
#   harrier --yara-no-externals == yara -p 2   (externals empty on both sides)
# Exits non-zero when a match set differs.
set -euo pipefail
cd "$(dirname "$0")/.."
HARRIER=${HARRIER:-build/harrier}
SIGS=$(realpath "${SIGS:-../shared/signature-base}")
N=${N:-74505}
[ "${FULL:-0}" = 1 ] && N=74505
[ "${QUICK:-0}" = 1 ] && N=8000
if [ "$N" = 8000 ]; then CORPUS=${CORPUS:-bench/corpus}; else CORPUS=${CORPUS:-bench/corpus-$N}; fi
OUT=bench/out
mkdir -p "$OUT"
[ -d "$SIGS/yara" ] || { echo "bench: signatures not found: $SIGS" >&2; exit 2; }
command -v yara >/dev/null && command -v yarac >/dev/null ||
  { echo "bench: yara/yarac not installed (apt-get install yara)" >&2; exit 2; }

bench/make_corpus.sh "$CORPUS" "$N"
CORPUS=$(realpath "$CORPUS")

EXT=(-d filename= -d filepath= -d extension= -d filetype= -d owner= -d md5=)
find "$SIGS/yara" -type f \( -iname '*.yar' -o -iname '*.yara' \) | LC_ALL=C sort > "$OUT/yarfiles"
if [ ! -f "$OUT/rules.yarc" ] || [ "$OUT/yarfiles" -nt "$OUT/rules.yarc" ]; then
  mapfile -t yf < "$OUT/yarfiles"
  args=()
  for f in "${yf[@]}"; do args+=("$f:$f"); done
  yarac "${EXT[@]}" "${args[@]}" "$OUT/rules.yarc"
fi

echo "bench: warming the page cache" >&2
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null

# --no-archives: the yara CLI does not look inside archives, so neither does
# the compared run.
HCOMMON=(scan --all-files --no-archives --no-builtin --no-log --signatures "$SIGS" --no-progress -q --threads 2
         --max-file-size 32MiB --yara-timeout 0)
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s+=$1} END{print s}')
FILES=$(find "$CORPUS" -type f | wc -l)

# run NAME OUTFILE CMD...: times CMD with /usr/bin/time -v into $OUT/NAME.time
run() {
  local name=$1 out=$2; shift 2
  echo "bench: $name: $*" >&2
  set +e
  /usr/bin/time -v -o "$OUT/$name.time" "$@" > "$out" 2> "$OUT/$name.err"
  local rc=$?
  set -e
  # harrier exits 1 on findings, 3 on incomplete scans; yara 0.
  if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
    echo "bench: $name failed (exit $rc); see $OUT/$name.err" >&2; exit 1
  fi
}

# Untimed first: Harrier with all externals empty, comparable with the yara
# CLI. It also warms the compiled-rules cache: the whole rule set and the
# partitioned sets this corpus needs (compiled on first use), as yarac did
# for the yara CLI above.
"$HARRIER" "${HCOMMON[@]}" --yara-no-externals --yara-matches "$OUT/harrier-noext.matches" \
  "$CORPUS" > /dev/null 2>&1 || true
"$HARRIER" "${HCOMMON[@]}" --yara-reference /dev/null > /dev/null 2>&1 || true

run harrier "$OUT/harrier.out" "$HARRIER" "${HCOMMON[@]}" --yara-matches "$OUT/harrier.matches" "$CORPUS"
run harrier-ref "$OUT/harrier-ref.out" "$HARRIER" "${HCOMMON[@]}" --yara-reference \
  --yara-matches "$OUT/harrier-ref.matches" "$CORPUS"
run yara-p2 "$OUT/yara-p2.matches" yara -C -r -e -p 2 "${EXT[@]}" "$OUT/rules.yarc" "$CORPUS"
run yara-p1 "$OUT/yara-p1.matches" yara -C -r -e -p 1 "${EXT[@]}" "$OUT/rules.yarc" "$CORPUS"

# Match sets as sorted "namespace:rule path" lines; Harrier's generated C2
# rules (namespace harrier_c2) have no counterpart in the yara CLI run.
norm() { grep -v '^harrier_c2:' "$1" | LC_ALL=C sort -u; }
status=0
cmpsets() {
  local a=$1 b=$2 label=$3
  if cmp -s <(norm "$a") <(norm "$b"); then
    echo "matches: $label: identical ($(norm "$a" | wc -l) (file, rule) pairs)"
  else
    echo "matches: $label: DIFFERENT"; diff <(norm "$a") <(norm "$b") | head -20; status=1
  fi
}

# field NAME KEY: a value from /usr/bin/time -v output
field() { sed -n "s/^\s*$2: //p" "$OUT/$1.time"; }
wall() {  # h:mm:ss or m:ss.ss -> seconds
  field "$1" 'Elapsed (wall clock) time (h:mm:ss or m:ss)' |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'
}
cpu() { echo "$(field "$1" 'User time (seconds)') $(field "$1" 'System time (seconds)')" | awk '{print $1+$2}'; }
rss() { field "$1" 'Maximum resident set size (kbytes)'; }

echo
echo "Corpus: $CORPUS: $FILES files, $(awk -v b="$BYTES" 'BEGIN{printf "%.1f MB", b/1e6}')"
echo "Rules: $(wc -l < "$OUT/yarfiles") YARA files from $SIGS; host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %8s %8s %8s %9s %9s %11s %11s\n' tool wall_s cpu_s MB/s files/s rss_MB 'vs yara-p2' '(cpu ratio)'
base_w=$(wall yara-p2); base_c=$(cpu yara-p2)
for t in harrier harrier-ref yara-p2 yara-p1; do
  w=$(wall $t); c=$(cpu $t); r=$(rss $t)
  awk -v t=$t -v w="$w" -v c="$c" -v r="$r" -v b="$BYTES" -v f="$FILES" -v bw="$base_w" -v bc="$base_c" \
    'BEGIN{printf "%-12s %8.2f %8.2f %8.1f %9.0f %9.1f %10.2fx %10.2fx\n", t, w, c, b/1e6/w, f/w, r/1024, bw/w, bc/c}'
done
echo "(ratio = yara-p2 time / tool time: > 1 means faster than yara -p 2; wall on a busy host is noisy, cpu is not)"
cmpsets "$OUT/harrier.matches" "$OUT/harrier-ref.matches" "harrier vs harrier --yara-reference"
cmpsets "$OUT/harrier-noext.matches" "$OUT/yara-p2.matches" "harrier --yara-no-externals vs yara -p 2"
cmpsets "$OUT/yara-p1.matches" "$OUT/yara-p2.matches" "yara -p 1 vs yara -p 2"

if [ "${MICRO:-1}" = 1 ]; then
  b=$(dirname "$HARRIER")/bench/harrier_micro_bench
  if [ -x "$b" ]; then "$b" --benchmark_min_time=0.2; else echo "bench: $b not built"; fi
fi
exit $status
