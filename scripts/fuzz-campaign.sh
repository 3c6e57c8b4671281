#!/usr/bin/env bash
# Fuzz campaign: runs each libFuzzer target (fuzz/) for a budget of CPU time
# (not wall time: a loaded machine slows a run down, it does not shorten it)
# and writes one result line per target.
#
#   scripts/fuzz-campaign.sh [-t CPU_SECONDS] [-j PARALLEL] [TARGET...]
#
#   -t  CPU seconds per target (default 1800 = 30 CPU-minutes)
#   -j  targets run at once (default 1)
#   TARGET  names from fuzz/CMakeLists.txt (default: all)
#
# Environment: FUZZ_BUILD (default build-fuzz: the clang libFuzzer + ASan +
# UBSan build, configured and built here when missing), FUZZ_WORK (default
# $FUZZ_BUILD/campaign: corpus/TARGET kept between runs, seeds/,
# artifacts/TARGET/, logs/TARGET.log, results.tsv), FUZZ_TMPDIR (default
# /dev/shm when writable: the fuzzers' TMPDIR), FUZZ_NICE (default 19:
# the fuzzers only take CPU nothing else wants). The seeds come from the
# normal build's unit tests (build/tests/harrier_unit_tests), so `make build`
# first.
#
# A target is "clean" when libFuzzer exits without a finding (no crash, leak,
# timeout, OOM or invariant failure) and wrote no artifact. Exit status: 0 when
# every target ran clean, 1 otherwise.
set -u
cd "$(dirname "$0")/.."

budget=1800
parallel=1
while getopts "t:j:" opt; do
  case $opt in
    t) budget=$OPTARG ;;
    j) parallel=$OPTARG ;;
    *) echo "usage: $0 [-t CPU_SECONDS] [-j PARALLEL] [TARGET...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

all_targets=$(sed -n '/^set(HARRIER_FUZZ_NAMES/,/)/p' fuzz/CMakeLists.txt |
  tr -d '()' | sed 's/set//; s/HARRIER_FUZZ_NAMES//' | tr -s ' \n' '\n' | grep -v '^$')
targets=${*:-$all_targets}

build=${FUZZ_BUILD:-build-fuzz}
work=${FUZZ_WORK:-$build/campaign}
nice_level=${FUZZ_NICE:-19}
# libFuzzer's unit timeout is wall-clock time: at nice 19 on a busy machine a
# unit can wait that long for a CPU. Every timeout artifact is replayed alone
# after the run (below) to tell a slow input from a starved one.
unit_timeout=${FUZZ_UNIT_TIMEOUT:-300}
mkdir -p "$work/logs" "$work/seeds"
fuzz_tmp=${FUZZ_TMPDIR:-/dev/shm}
[ -d "$fuzz_tmp" ] && [ -w "$fuzz_tmp" ] || fuzz_tmp=${TMPDIR:-/tmp}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DHARRIER_BUILD_FUZZ=ON \
    -DHARRIER_BUILD_TESTS=OFF -DHARRIER_BUILD_BENCH=OFF >/dev/null || exit 1
fi
# shellcheck disable=SC2046
ninja -C "$build" -j "${JOBS:-2}" $(for t in $targets; do echo "harrier_fuzz_$t"; done) || exit 1

if [ ! -x build/tests/harrier_unit_tests ]; then
  echo "fuzz-campaign: build/tests/harrier_unit_tests missing (make build first): it writes the seeds" >&2
  exit 1
fi
HARRIER_WRITE_FUZZ_SEEDS="$PWD/$work/seeds" build/tests/harrier_unit_tests \
  --gtest_filter='FuzzTargets.*' >"$work/logs/seeds.log" 2>&1 || {
  echo "fuzz-campaign: writing the seeds failed, see $work/logs/seeds.log" >&2
  exit 1
}

# Per-target options (the reasons are in docs/fuzzing.md).
flags_for() {
  case $1 in
    proc_parse) echo "-max_len=8192" ;;
    ole) echo "-max_len=65536" ;;
    archive_source)
      echo "-max_len=131072 -rss_limit_mb=2048 -malloc_limit_mb=5120" ;;
    image_source)
      echo "-fork=1 -ignore_timeouts=1 -ignore_ooms=1 -ignore_crashes=1 -max_len=2097152 -rss_limit_mb=2048" ;;
    pe|ico|plist|dpkg|rpm) echo "-max_len=65536" ;;
    *) echo "" ;;  # text inputs: libFuzzer sizes them from the corpus
  esac
}
asan_for() {
  case $1 in
    # The suppressions (one known libtsk report) are explained in the file.
    image_source) echo "allocator_may_return_null=1:suppressions=$PWD/fuzz/asan-suppressions.txt" ;;
    *) echo "" ;;
  esac
}

# CPU seconds used by process PID and its children (libFuzzer's -fork
# workers): their own time plus that of the children they already waited for.
hz=$(getconf CLK_TCK)
tree_cpu() {
  local root=$1 ticks=0 f stat rest pid
  for f in /proc/[0-9]*/stat; do
    stat=$(cat "$f" 2>/dev/null) || continue
    pid=${stat%% *}
    rest=${stat##*) }   # fields after the command name (which may hold spaces)
    # shellcheck disable=SC2086
    set -- $rest
    # $2 = ppid (field 4), $12..$15 = utime stime cutime cstime (fields 14..17)
    [ "$pid" = "$root" ] || [ "$2" = "$root" ] || continue
    ticks=$((ticks + ${12} + ${13} + ${14} + ${15}))
  done
  echo $((ticks / hz))
}

run_target() {
  local t=$1 bin="$build/fuzz/harrier_fuzz_$1"
  local corpus="$work/corpus/$t" art="$work/artifacts/$t/" log="$work/logs/$t.log"
  mkdir -p "$corpus" "$art"
  local seeds="$work/seeds/$t"
  [ -d "$seeds" ] || seeds=""
  local start=$SECONDS cpu=0
  # shellcheck disable=SC2046
  # TMPDIR: targets that write files (update unpacks archives into a folder
  # for every input) do so on a RAM file system, not through the disk's journal.
  TMPDIR=$fuzz_tmp ASAN_OPTIONS="$(asan_for "$t")" setsid nice -n "$nice_level" "$bin" $(flags_for "$t") \
    -timeout="$unit_timeout" -report_slow_units="$unit_timeout" \
    -print_final_stats=1 -max_total_time=$((budget * 20)) -artifact_prefix="$art" \
    "$corpus" $seeds >"$log" 2>&1 &
  local pid=$!
  # setsid made a new scheduling autogroup, in which nice alone does not
  # yield to the rest of the machine; give the group the nice level too.
  echo "$nice_level" >"/proc/$pid/autogroup" 2>/dev/null || true
  local now
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    # The largest reading counts: a fuzzer that ends during the sleep has no
    # /proc entries left to read (a run that found a crash once showed 0).
    now=$(tree_cpu "$pid")
    [ "$now" -gt "$cpu" ] && cpu=$now
    if [ "$cpu" -ge "$budget" ]; then
      # libFuzzer stops at SIGINT; in -fork mode the parent may take the
      # interrupted job for a crash and go on (-ignore_crashes), so the
      # group gets SIGTERM after 30 s and SIGKILL after 60 s.
      kill -INT -- "-$pid" 2>/dev/null
      local waited=0
      while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
        sleep 1
        waited=$((waited + 1))
        [ "$waited" -eq 30 ] && kill -TERM -- "-$pid" 2>/dev/null
      done
      kill -KILL -- "-$pid" 2>/dev/null
      break
    fi
  done
  wait "$pid"
  local rc=$?
  local wall=$((SECONDS - start))
  local runs units kib artifacts verdict
  runs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  units=$(find "$corpus" -type f | wc -l)
  kib=$(du -sk "$corpus" | cut -f1)
  artifacts=$(find "$art" -type f | wc -l)
  # A timeout or slow-unit artifact that replays alone in under a second was
  # a starved unit, not a slow input: noted, not counted as a finding.
  local f ms starved=0
  for f in "$art"timeout-* "$art"slow-unit-*; do
    [ -f "$f" ] || continue
    ms=$( { /usr/bin/time -f '%e' "$bin" -runs=1 "$f" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    if awk -v s="$ms" 'BEGIN { exit !(s < 1.0) }'; then
      mv "$f" "$work/logs/starved-$t-$(basename "$f")"
      starved=$((starved + 1))
    fi
  done
  artifacts=$((artifacts - starved))
  if [ "$artifacts" -eq 0 ] && ! grep -aqE '^(==[0-9]+==ERROR|SUMMARY: |.*runtime error:)' "$log" &&
     [ "$cpu" -ge "$budget" ]; then
    verdict=clean
    [ "$starved" -gt 0 ] && verdict="clean ($starved starved unit(s): timeout or slow-unit inputs that replay in < 1 s)"
  elif [ "$artifacts" -eq 0 ] && ! grep -aqE '^(==[0-9]+==ERROR|SUMMARY: |.*runtime error:)' "$log"; then
    verdict="stopped early (exit $rc)"
  else
    verdict="FINDINGS: $artifacts artifact(s) in $art, see $log"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$cpu" "$wall" \
    "${runs:-0}" "$units" "$kib" "$verdict" | tee -a "$work/results.tsv"
  [ "${verdict%% *}" = clean ]
}

[ -f "$work/results.tsv" ] ||
  printf 'finished\ttarget\tcpu_s\twall_s\truns\tcorpus_units\tcorpus_kib\tverdict\n' >"$work/results.tsv"
status=0
running=0
pids=()
for t in $targets; do
  run_target "$t" &
  pids+=($!)
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
