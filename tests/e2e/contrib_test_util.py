"""Helpers shared by the contrib tests (ansible_test.py,
velociraptor_artifact_test.py), imported from the scripts' own folder."""
import os


def first_c2_domain(source):
    """The first domain of the built-in C2 list: the tests plant what the
    shipped signatures hold instead of carrying an indicator themselves."""
    path = os.path.join(source, "rules/packs/3cx-unc4736/iocs/c2-iocs-3cx-unc4736.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            ind = line.strip().split(";")[0]
            if ind and not ind.startswith("#") and "/" not in ind and not ind[0].isdigit():
                return ind
    raise SystemExit(f"no domain in {path}")


def finish(failures):
    """Prints each failure and the verdict; returns the exit code (0 or 1)."""
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0
