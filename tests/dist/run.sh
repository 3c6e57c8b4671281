#!/usr/bin/env bash
# Tests of the self-contained binary and its Debian package (make test-dist):
#   usage: run.sh DIST_BINARY DEB
#  1. the binary is static (ldd: not a dynamic executable);
#  2. alone in an empty folder turned into a chroot (no /proc, /dev, /etc,
#     /tmp, no HOME), it finds a planted indicator with the signatures it
#     carries (exit 1), says CLEAN on a clean tree (exit 0), compiles
#     nothing and writes nothing into the root;
#     with a bundle imported by `update --from`, a scan uses its rule;
#  3. the package installs into a private dpkg root, runs from its /usr/bin,
#     and removing it leaves no file of it behind;
#  4. lintian reports no error for the package.
# Needs root (chroot). Prints one line per check; exits 1 if any failed.
set -uo pipefail
bin=$(realpath "$1") deb=$(realpath "$2")
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }
[[ $(id -u) -eq 0 ]] || { echo "run.sh: needs root (chroot)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. static
ldd_out=$(ldd "$bin" 2>&1)
if grep -q "not a dynamic executable" <<<"$ldd_out"; then pass "ldd: not a dynamic executable"
else fail "ldd lists libraries: $ldd_out"; fi
echo "size: $(stat -c %s "$bin") bytes"

# 2. an empty chroot
root=$tmp/root
mkdir -p "$root/scan/bad/Downloads" "$root/scan/good"
cp "$bin" "$root/harrier"
# A built-in file-name indicator: the trojanized 3CX installer's name.
printf 'not an installer\n' >"$root/scan/bad/Downloads/3CXDesktopApp-18.12.416.msi"
printf 'nothing to see\n' >"$root/scan/good/notes.txt"
before=$(cd "$root" && find . | sort)
t0=$(date +%s.%N)
out=$(chroot "$root" /harrier scan --no-log --no-color /scan/bad 2>&1); rc=$?
t1=$(date +%s.%N)
echo "first scan in the chroot: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
if [[ $rc -eq 1 ]] && grep -q "3CXDesktopApp-18.12.416.msi" <<<"$out"; then
  pass "chroot: the planted indicator is found (exit 1)"
else
  fail "chroot: planted indicator not found (exit $rc): $out"
fi
if grep -q "compiled-rules cache\|compil" <<<"$out"; then
  fail "chroot: the scan mentions compiling: $(grep -i compil <<<"$out")"
fi
out=$(chroot "$root" /harrier scan --no-log --no-color /scan/good 2>&1); rc=$?
if [[ $rc -eq 0 ]]; then pass "chroot: a clean tree is CLEAN (exit 0)"
else fail "chroot: clean tree exit $rc: $out"; fi
after=$(cd "$root" && find . | sort)
if [[ "$before" == "$after" ]]; then pass "chroot: nothing was written into the root"
else fail "chroot: new files: $(diff <(echo "$before") <(echo "$after") | grep '^>')"; fi
ver=$(chroot "$root" /harrier --version 2>&1)
if grep -qi "built-in\|signatures" <<<"$ver"; then pass "chroot: --version: $(head -1 <<<"$ver")"
else fail "chroot: --version: $ver"; fi

# An offline signature update with the static binary alone: bundle a folder,
# import it through the update checks into a store, scan with it.
mkdir -p "$root/mysigs/yara" "$root/scan/extra"
cat >"$root/mysigs/yara/dist-test.yar" <<'RULE'
rule DistUpdateMarker { strings: $a = "harrier-dist-update-marker" condition: $a }
RULE
printf 'xx harrier-dist-update-marker yy\n' >"$root/scan/extra/planted.txt"
out=$(chroot "$root" /harrier bundle /bundle.tar.gz --from-dir /mysigs 2>&1); rc=$?
[[ $rc -eq 0 ]] || fail "chroot: bundle: exit $rc: $out"
t0=$(date +%s.%N)
out=$(chroot "$root" /harrier update --from /bundle.tar.gz --store /store 2>&1); rc=$?
t1=$(date +%s.%N)
if [[ $rc -eq 0 && -L "$root/store/current" ]]; then
  pass "chroot: update --from a bundle ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s)"
else
  fail "chroot: update --from: exit $rc: $out"
fi
out=$(chroot "$root" /harrier scan --no-log --no-color --store /store /scan/extra 2>&1); rc=$?
if [[ $rc -eq 1 ]] && grep -q "DistUpdateMarker" <<<"$out"; then
  pass "chroot: a scan uses the updated set"
else
  fail "chroot: updated set not used (exit $rc): $out"
fi

# 3. the package in a private dpkg root
droot=$tmp/dpkg
mkdir -p "$droot/var/lib/dpkg/info" "$droot/var/lib/dpkg/updates"
touch "$droot/var/lib/dpkg/status" "$droot/var/lib/dpkg/available"
if dpkg --root="$droot" --force-not-root -i "$deb" >"$tmp/dpkg-i.log" 2>&1; then
  pass "dpkg -i"
else
  fail "dpkg -i: $(cat "$tmp/dpkg-i.log")"
fi
for f in usr/bin/harrier usr/share/man/man1/harrier.1.gz usr/share/harrier/rules \
         usr/share/doc/harrier/copyright usr/share/bash-completion/completions/harrier; do
  [[ -e "$droot/$f" ]] || fail "package lacks /$f"
done
out=$(PATH="$droot/usr/bin:$PATH" harrier scan --no-log --no-color "$root/scan/bad" 2>&1); rc=$?
if [[ $rc -eq 1 ]] && grep -q "3CXDesktopApp" <<<"$out"; then pass "installed harrier from PATH finds the indicator"
else fail "installed harrier: exit $rc: $out"; fi
dpkg --root="$droot" --force-not-root -r harrier >"$tmp/dpkg-r.log" 2>&1 || fail "dpkg -r: $(cat "$tmp/dpkg-r.log")"
left=$(cd "$droot" && find . -path ./var/lib/dpkg -prune -o \( -type f -o -type l \) -print)
if [[ -z "$left" ]]; then pass "dpkg -r leaves no file behind"
else fail "dpkg -r left: $left"; fi

# 4. lintian
if command -v lintian >/dev/null; then
  lint=$(lintian --fail-on error "$deb" 2>&1); rc=$?
  [[ -n "$lint" ]] && echo "$lint"
  if [[ $rc -eq 0 ]]; then pass "lintian: no errors"; else fail "lintian: errors"; fi
else
  fail "lintian is not installed"
fi

[[ $failed -eq 0 ]] && echo "all dist checks passed"
exit $failed
