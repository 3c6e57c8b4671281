#!/usr/bin/env bash
# End-to-end tests of the Windows harrier.exe under wine (make test-windows).
# Generates trees on wine's C: drive and in a Z: folder, scans them with the
# built-in signatures plus a generated signature folder, and checks what a
# user sees: a planted SHA-256, a built-in filename IOC on a C:\ path, a YARA
# hit, the 3CX inventory check, a file below a path longer than MAX_PATH, a
# clean tree (CLEAN, exit 0), the reports (JSONL valid against the schema,
# HTML, CSV, syslog over TCP to a local listener), exit codes, the live
# checks (a helper process's heap marker, its connection to a C2 address and
# its temp-directory anomaly; every process of the wine session read), and
# what this build does not have: update says so, containers it cannot open
# (xz, OLE, disk images) are counted as skipped "unsupported".
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
run --version
check "--version" grep -q "^harrier " <<<"$out"

# --- live checks: a process with a marker in its heap and a C2 connection -------
# harrier_live_helper.exe (live_helper.cc) runs from this user's %TEMP% (a
# temp-directory anomaly), holds a synthetic marker passed in pieces (whole
# only in its heap, never in a file or command line) and a TCP connection to
# 127.0.0.2, a C2 address of the signature folder below, where a listener of
# this script accepts it.
helper=$build/tests/windows/harrier_live_helper.exe
if [[ -f $helper ]]; then
  live_sig=$base/sig-live
  mkdir -p "$live_sig/yara" "$live_sig/iocs"
  live_parts=("HARRIER_WINDOWS_LIVE_" "$(date +%s)_$RANDOM" "_MARKER")
  live_marker=$(printf '%s' "${live_parts[@]}")
  printf 'rule Harrier_Windows_Live_Marker {\n  meta:\n    description = "Windows end-to-end test: a marker in process memory"\n    score = 80\n  strings:\n    $m = "%s"\n  condition:\n    $m\n}\n' \
    "$live_marker" >"$live_sig/yara/windows_live.yar"
  printf '# Windows end-to-end test: the C2 address of the live check\n127.0.0.2;90\n' \
    >"$live_sig/iocs/c2-iocs-live.txt"
  temp_win=$(wine cmd /c 'echo %TEMP%' 2>/dev/null | tr -d '\r')
  temp_unix=$(winepath -u "$temp_win" 2>/dev/null)
  mkdir -p "$temp_unix"
  cp "$helper" "$temp_unix/harrier-live-helper.exe"
  helper_win="$temp_win\\harrier-live-helper.exe"

  c2_port_file=$base/out/c2.port
  python3 - "$c2_port_file" <<'PY' &
import socket, sys
srv = socket.socket()
srv.bind(("127.0.0.2", 0))
srv.listen(1)
srv.settimeout(120)
open(sys.argv[1], "w").write(str(srv.getsockname()[1]))
try:
    conn, _ = srv.accept()
    conn.settimeout(180)
    conn.recv(1)  # until the helper ends, or this script ends the listener
except (socket.timeout, OSError):
    pass
PY
  c2_listener=$!
  for _ in $(seq 50); do [[ -s $c2_port_file ]] && break; sleep 0.1; done
  c2_port=$(cat "$c2_port_file")
  wine "$helper_win" 127.0.0.2 "$c2_port" 150 "${live_parts[@]}" >"$base/out/helper.out" 2>&1 &
  helper_job=$!
  helper_pid=""
  for _ in $(seq 300); do
    helper_pid=$(awk '/^ready / {print $2}' "$base/out/helper.out" 2>/dev/null | tr -d '\r')
    [[ -n $helper_pid ]] && break
    sleep 0.1
  done
  echo "live helper: Windows pid ${helper_pid:-none}, C2 listener port $c2_port"

  t0=$SECONDS
  run scan "$win_base\\clean" --live --pid "${helper_pid:-0}" --signatures "$win_base\\sig-live" \
    --no-color --no-log --jsonl "$win_base\\out\\live.jsonl"
  echo "live scan of one process: $((SECONDS - t0)) s, exit code $rc"
  check "live scan with findings exits 1" test "$rc" -eq 1
  check "live JSONL: every line parses and matches docs/jsonl.schema.json" \
    python3 "$src/tests/tools/validate_jsonl.py" "$src/docs/jsonl.schema.json" "$base/out/live.jsonl"
  live_finding() {  # live_finding KIND: the helper's one finding of that subject kind, checked
    python3 - "$base/out/live.jsonl" "$helper_pid" "$helper_win" "$c2_port" "$1" <<'PY'
import json, sys
path, pid, exe, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
lines = [json.loads(l) for l in open(path, encoding="utf-8")]
findings = [d for d in lines if d["harrier"].get("type") == "finding"]
found = [d for d in findings
         if d["harrier"]["subject"]["kind"] == kind and d.get("process", {}).get("pid") == pid]
assert len(found) == 1, [(d["harrier"]["subject"], d.get("process")) for d in findings]
d = found[0]
p = d["process"]
assert p["executable"].lower() == exe.lower(), (p, exe)
assert p["name"] == "harrier-live-helper.exe", p
assert "127.0.0.2" in p["command_line"] and "_MARKER" in p["command_line"], p
assert d["user"]["name"] != "" and d["user"]["id"] != "0", d["user"]
reasons = {r["name"]: r for r in d["harrier"]["reasons"]}
if kind == "memory_region":
    r = reasons["Harrier_Windows_Live_Marker"]
    assert r["type"] == "yara", r
    assert "rw-p" in r["details"]["region"], r
elif kind == "connection":
    r = reasons["127.0.0.2"]
    assert r["type"] == "c2", r
    assert d["destination"] == {"ip": "127.0.0.2", "port": port}, d["destination"]
    assert d["network"]["transport"] == "tcp", d
    assert d["harrier"]["connection"]["state"] == "established", d["harrier"]["connection"]
else:
    assert list(reasons) == ["process_temp_directory"], reasons
live = lines[-1]["harrier"]["live"]
assert live["processes_scanned"] == 1 and live["memory"] and live["network"], live
PY
  }
  check "live: the marker in the helper's heap (YARA on process memory, region named)" \
    live_finding memory_region
  check "live: the helper's connection to the C2 address, mapped to its process" \
    live_finding connection
  check "live: the helper runs from %TEMP% (temp-directory anomaly)" live_finding process

  # Every process of the wine session, without --pid: each one read, none an error.
  run scan "$win_base\\clean" --live --no-color --no-log --jsonl "$win_base\\out\\live-all.jsonl"
  echo "live scan of every process: exit code $rc"
  check "live scan of every process: complete, every process read but harrier.exe itself" \
    python3 - "$base/out/live-all.jsonl" "$rc" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
live = lines[-1]["harrier"]["live"]
assert sys.argv[2] in ("0", "1"), sys.argv[2]  # not 3: nothing left unread
assert live["processes_seen"] >= 4, live
assert live["skipped"] == {"excluded": 1}, live  # harrier.exe itself
assert live["processes_scanned"] + live["exited"] == live["processes_seen"] - 1, live
assert live["connections"] >= 1 and live["namespaces"] == 1, live
PY

  kill "$c2_listener" 2>/dev/null || true
  wait "$c2_listener" 2>/dev/null || true
  wait "$helper_job" 2>/dev/null || true
  rm -f "$temp_unix/harrier-live-helper.exe"
else
  failed=$((failed + 1))
  echo "FAIL live checks: $helper missing (make test-windows builds it)"
fi

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
