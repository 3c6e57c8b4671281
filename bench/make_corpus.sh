#!/usr/bin/env bash
# Builds the benchmark corpus deterministically from paths every Debian 12
# system has: regular, readable files <= 32 MiB under /usr/bin /usr/sbin
# /usr/lib /usr/share, sorted bytewise (LC_ALL=C), then N files sampled
# evenly from that list (file i is taken when floor(i*N/total) steps).
# The files are hard-linked (same file system) or copied into CORPUS_DIR
# (cpio -pdl),
# keeping their relative path, so both harrier and `yara -r` walk one dir.
#
#   bench/make_corpus.sh [CORPUS_DIR] [N]     (default bench/corpus, 8000)
#   N=74505 approximates the issue's full corpus (FULL=1 in bench/run.sh).
#
# The list is written to CORPUS_DIR.list; an existing corpus built from the
# same list is reused.
set -euo pipefail
dir=${1:-$(dirname "$0")/corpus}
n=${2:-8000}
max=$((32 * 1024 * 1024))
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find /usr/bin /usr/sbin /usr/lib /usr/share -xdev -type f -readable -size -$((max + 1))c \
  -print 2>/dev/null | LC_ALL=C sort > "$list"
total=$(wc -l < "$list")
awk -v n="$n" -v t="$total" 'int(NR*n/t) > int((NR-1)*n/t)' "$list" > "$list.sel"
mv "$list.sel" "$list"
if [ -d "$dir" ] && [ -f "${dir%/}.list" ] && cmp -s "$list" "${dir%/}.list"; then
  echo "corpus: reusing $dir ($(wc -l < "$list") files)" >&2
  exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
# One cpio pass (hard links where the file system allows, else copies):
# a fork per file took ~25 min for the full corpus.
dir_abs=$(realpath "$dir")
(cd / && sed 's|^/||' "$list" | cpio -pdlm --quiet "$dir_abs")
cp "$list" "${dir%/}.list"
bytes=$(tr '\n' '\0' < "$list" | du -cb --files0-from=- | tail -1 | cut -f1)
echo "corpus: $dir: $(wc -l < "$list") files, $bytes bytes (sampled from $total)" >&2
