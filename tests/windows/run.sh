#!/usr/bin/env bash
# End-to-end tests of the Windows harrier.exe under wine (make test-windows).
# Generates trees on wine's C: drive and in a Z: folder, scans them with the
# built-in signatures plus a generated signature folder, and checks what a
# user sees: a planted SHA-256, a built-in filename IOC on a C:\ path, a YARA
# hit, the 3CX inventory check, a file below a path longer than MAX_PATH, a
# clean tree (CLEAN, exit 0), the reports (JSONL valid against the schema,
# HTML, CSV, syslog over TCP to a local listener), exit codes, and what this
# build does not have: update and live checks say so, containers it cannot
# open (xz, OLE, disk images) are counted as skipped "unsupported".
#   usage: tests/windows/run.sh BUILD_DIR     (BUILD_DIR holds harrier.exe)
# Ends with "N passed, M failed"; exit 0 only when nothing failed.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(realpath "$1")
exe=$build/harrier.exe
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
[[ -f $exe ]] || { echo "run.sh: $exe missing (make windows)" >&2; exit 2; }
start=$SECONDS

export WINEPREFIX=$build/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [[ ! -f $WINEPREFIX/system.reg ]]; then
  echo "run.sh: creating the wine prefix $WINEPREFIX"
  wineboot --init >/dev/null 2>&1
fi

passed=0
failed=0
check() {  # check NAME COMMAND...: one assertion
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
  fi
}

# The PE of the inventory case, made on the build machine from the
# header-only test synthesizer (tests/testutil/synth.h).
make_pe=$build/make_pe
if [[ ! -x $make_pe || $here/make_pe.cc -nt $make_pe ]]; then
  c++ -std=c++20 -O1 -I "$src/tests" -o "$make_pe" "$here/make_pe.cc" -lcrypto
fi

# --- the trees ---------------------------------------------------------------
base=$WINEPREFIX/drive_c/harrier-e2e
rm -rf "$base"
mkdir -p "$base"/{tree,clean,sig/iocs,sig/yara,out}
tree=$base/tree
win_base='C:\harrier-e2e'

# A planted file known by its SHA-256 (signature folder of this test).
mkdir -p "$tree/ProgramData/Updater"
head -c 4096 /dev/urandom >"$tree/ProgramData/Updater/payload.bin"
payload_sha=$(sha256sum "$tree/ProgramData/Updater/payload.bin" | cut -d' ' -f1)
printf '# Windows end-to-end test: planted payload\n%s;Planted Windows test payload\n' \
  "$payload_sha" >"$base/sig/iocs/hash-iocs.txt"

# The same content below a path longer than MAX_PATH (260 characters).
deep=$tree/deep
for i in 1 2 3 4 5 6; do deep=$deep/$(printf 'level%02d_%040d' "$i" 0); done
mkdir -p "$deep"
cp "$tree/ProgramData/Updater/payload.bin" "$deep/copy.bin"
deep_win=$(printf '%s' "${deep#"$WINEPREFIX/drive_c"}" | tr / '\\')
deep_win="C:${deep_win}\\copy.bin"

# A YARA rule of this test and a file it matches.
marker="HARRIER_WINDOWS_E2E_$(date +%s)_MARKER"
cat >"$base/sig/yara/windows_e2e.yar" <<EOF
rule Harrier_Windows_E2E_Marker {
  meta:
    description = "Windows end-to-end test marker"
    score = 75
  strings:
    \$m = "$marker"
  condition:
    \$m
}
EOF
mkdir -p "$tree/Users/bob/Documents"
printf 'notes\n%s\n' "$marker" >"$tree/Users/bob/Documents/notes.txt"

# A built-in filename IOC (the trojanized 3CX installer name, matched on the
# Windows path as it is: no mapping) and the 3CX inventory case (an affected
# DesktopApp build by its version resource).
mkdir -p "$tree/Users/bob/Downloads" "$tree/Users/bob/AppData/Local/Programs/3CXDesktopApp"
printf 'not a real installer\n' >"$tree/Users/bob/Downloads/3CXDesktopApp-18.12.416.msi"
"$make_pe" "$tree/Users/bob/AppData/Local/Programs/3CXDesktopApp/3CXDesktopApp.exe" \
  "3CX Desktop App" 18.12.416

# A clean tree.
mkdir -p "$base/clean/docs"
printf 'hello\n' >"$base/clean/docs/readme.txt"
printf 'just text\n' >"$base/clean/todo.txt"

run() {  # run ARGS...: harrier.exe under wine; sets rc and out
  set +e
  out=$(wine "$exe" "$@" 2>&1)
  rc=$?
  set -e
}

# --- a local syslog collector (TCP, 127.0.0.1, bounded in time) --------------
syslog_file=$base/out/syslog.txt
port_file=$base/out/syslog.port
python3 - "$syslog_file" "$port_file" <<'PY' &
import socket, sys, time
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(120)
open(sys.argv[2], "w").write(str(srv.getsockname()[1]))
try:
    conn, _ = srv.accept()
    conn.settimeout(60)
    with open(sys.argv[1], "wb") as f:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            f.write(data)
except socket.timeout:
    pass
PY
collector=$!
for _ in $(seq 50); do [[ -s $port_file ]] && break; sleep 0.1; done
port=$(cat "$port_file")

# --- the scan with findings ----------------------------------------------------
t0=$SECONDS
run scan "$win_base\\tree" --signatures "$win_base\\sig" --no-color \
  --jsonl "$win_base\\out\\report.jsonl" --html "$win_base\\out\\report.html" \
  --csv "$win_base\\out\\report.csv" --syslog "127.0.0.1:$port" --syslog-proto tcp
echo "scan of the tree: $((SECONDS - t0)) s, exit code $rc"
echo "$out" | grep -E "^(Verdict|Findings|Files):" || true
check "scan with indicators exits 1" test "$rc" -eq 1
check "text report says ALERT" grep -q "Verdict: ALERT" <<<"$out"
wait "$collector" || true

jsonl=$base/out/report.jsonl
finding() {  # finding PATH TYPE [NAME]: the JSONL has a finding for PATH with that reason
  python3 - "$jsonl" "$@" <<'PY'
import json, sys
path, kind = sys.argv[2], sys.argv[3]
name = sys.argv[4] if len(sys.argv) > 4 else None
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    h = d.get("harrier", {})
    if h.get("type") != "finding" or d.get("file", {}).get("path") != path:
        continue
    for r in h.get("reasons", []):
        if r.get("type") == kind and (name is None or r.get("name") == name):
            sys.exit(0)
sys.exit(1)
PY
}
check "JSONL: every line parses and matches docs/jsonl.schema.json" \
  python3 "$src/tests/tools/validate_jsonl.py" "$src/docs/jsonl.schema.json" "$jsonl"
check "planted SHA-256 found (C:\\ path)" \
  finding "$win_base\\tree\\ProgramData\\Updater\\payload.bin" hash
check "planted SHA-256 found below a path longer than 260 characters" \
  finding "$deep_win" hash
check "built-in filename IOC matches the C:\\ path" \
  finding "$win_base\\tree\\Users\\bob\\Downloads\\3CXDesktopApp-18.12.416.msi" filename
check "YARA rule hit" \
  finding "$win_base\\tree\\Users\\bob\\Documents\\notes.txt" yara Harrier_Windows_E2E_Marker
check "3CX inventory: affected DesktopApp build" \
  finding "$win_base\\tree\\Users\\bob\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe" \
  check inventory.3cx-desktopapp
check "HTML report names the planted file" grep -q "payload.bin" "$base/out/report.html"
check "CSV report has the planted file" grep -q "payload.bin" "$base/out/report.csv"
check "syslog (TCP) received the findings and the summary" \
  grep -q "payload.bin" "$syslog_file"

# --- excludes on Windows paths: either separator, any case -----------------------
for ex in 'DEEP' "$win_base\\tree\\deep" 'C:/harrier-e2e/tree/deep' '**/downloads/*.MSI'; do
  run scan "$win_base\\tree" --signatures "$win_base\\sig" --no-color --no-log --exclude "$ex"
  check "--exclude '$ex' leaves out one file" grep -q "^Files: 5 seen, 4 scanned\|^Files: 4 seen, 4 scanned" <<<"$out"
done

# --- a clean tree ---------------------------------------------------------------
run scan "$win_base\\clean" --no-color --no-log
check "clean tree exits 0" test "$rc" -eq 0
check "clean tree is CLEAN" grep -q "Verdict: CLEAN" <<<"$out"

# --- a Z: path (the build machine's file system through wine's Z: drive) ------
zdir=$(mktemp -d)
cp "$tree/ProgramData/Updater/payload.bin" "$zdir/payload.bin"
zwin="Z:$(printf '%s' "$zdir" | tr / '\\')"
run scan "$zwin" --signatures "$win_base\\sig" --no-color --no-log --jsonl "$win_base\\out\\z.jsonl"
jsonl=$base/out/z.jsonl
check "planted SHA-256 found on a Z:\\ path" finding "$zwin\\payload.bin" hash
rm -rf "$zdir"

# --- containers this build cannot open: counted as skipped "unsupported" -------
mkdir -p "$base/unsupported"
printf 'inside an xz stream\n' >"$base/out/m.txt"
tar -cJf "$base/unsupported/a.tar.xz" -C "$base/out" m.txt
python3 - "$base/unsupported" <<'PY'
import sys
d = sys.argv[1]
# An OLE compound file header (MS-CFB signature) and an NTFS boot sector.
open(d + "/setup.msi", "wb").write(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(1024))
boot = bytearray(2048)
boot[3:11] = b"NTFS    "
boot[510:512] = b"\x55\xaa"
open(d + "/disk.img", "wb").write(bytes(boot))
PY
run scan "$win_base\\unsupported" --no-color --no-log --jsonl "$win_base\\out\\unsupported.jsonl"
check "a disk image it cannot read makes the scan incomplete (exit 3)" test "$rc" -eq 3
check "xz and OLE contents counted as skipped unsupported, the disk image as a volume" \
  python3 - "$base/out/unsupported.jsonl" <<'PY'
import json, sys
summary = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")][-1]["harrier"]
assert summary["archives"]["skipped"].get("unsupported") == 2, summary["archives"]
assert summary["images"]["volumes_skipped"].get("unsupported") == 1, summary["images"]
PY

# --- exit codes and what this build does not have --------------------------------
run scan --no-such-option
check "usage error exits 2" test "$rc" -eq 2
run update
check "update says it is not available in this build" \
  bash -c '[[ $0 -eq 1 ]] && grep -q "not available in this build" <<<"$1"' "$rc" "$out"
run scan "$win_base\\clean" --live --no-color --no-log
check "--live says live checks are not supported on Windows (incomplete, exit 3)" \
  bash -c '[[ $0 -eq 3 ]] && grep -q "not supported on Windows" <<<"$1"' "$rc" "$out"
run --version
check "--version" grep -q "^harrier " <<<"$out"

# --- the package folder of make windows, copied to C:\ as a user would ---------
if [[ -d $build/package ]]; then
  rm -rf "$WINEPREFIX/drive_c/harrier-pkg"
  cp -r "$build/package" "$WINEPREFIX/drive_c/harrier-pkg"
  set +e
  out=$(cd / && wine 'C:\harrier-pkg\harrier.exe' scan "$win_base\\tree" --no-color --no-log 2>&1)
  rc=$?
  set -e
  check "package folder: the stripped exe finds its rules\\ and the built-in indicators" \
    bash -c '[[ $0 -eq 1 ]] && grep -q "3CXDesktopApp-18.12.416.msi" <<<"$1"' "$rc" "$out"
  rm -rf "$WINEPREFIX/drive_c/harrier-pkg"
fi

echo "windows end-to-end: $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
