#!/usr/bin/env bash
# Builds the signature payload a self-contained harrier carries
# (src/signatures/embedded.h): an xz-compressed tar of
#   rules/   the built-in rules folder, and, given a first-stage binary,
#   cache/   the compiled rule sets it makes from those rules
#            (`harrier rules check --precompile`).
# The tar is reproducible: sorted names, fixed times and owners.
#
# usage: make-payload.sh OUT.tar.xz RULES_DIR [STAGE1_HARRIER]
# The first-stage binary must carry the same rules (a payload made without
# STAGE1), so that the compiled sets are keyed by the same signature digest.
set -euo pipefail
out=$1 rules=$2 stage1=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tree"
cp -r "$rules" "$tmp/tree/rules"
members=(rules)
if [[ -n "$stage1" ]]; then
  mkdir -p "$tmp/home"
  # A private, empty environment: no user cache, no updated signature sets.
  env -i PATH=/usr/bin:/bin HOME="$tmp/home" XDG_CACHE_HOME="$tmp/home/.cache" \
    XDG_DATA_HOME="$tmp/home/.local/share" \
    "$stage1" rules check --precompile "$tmp/tree/cache" >"$tmp/precompile.log" 2>&1 || {
      cat "$tmp/precompile.log" >&2
      echo "make-payload: precompiling the built-in rules failed" >&2
      exit 1
    }
  members+=(cache)
fi
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=a+rX,go-w \
  -C "$tmp/tree" -cf "$tmp/payload.tar" "${members[@]}"
xz -9e --threads=1 -c "$tmp/payload.tar" >"$out.tmp"
mv "$out.tmp" "$out"
